/**
 * secondBoot on a real engine (see e2e-app.ts): an app that falls back to 'dev' without
 * SECRET_KEY, and one that refuses to start.
 */
import { spawnSync } from 'node:child_process'
import { silentLogger } from '../../src/log'
import { secondBoot, type SecondBootOptions } from '../../src/runtime/second-boot'
import { GUNICORN, ProbeTestbed } from '../probe/e2e-app'

const bed = new ProbeTestbed()

beforeAll(() => bed.build(), 120_000)
afterAll(() => bed.dispose(), 60_000)

function options(mode: string): SecondBootOptions {
  return {
    runId: bed.runId,
    image: bed.tag,
    port: 8000,
    // secondBoot drops SECRET_KEY even when the caller forgets to.
    env: [['SECRET_KEY', 'given-but-dropped'], ['APP_MODE', mode], ...bed.probe.env],
    command: GUNICORN,
    mounts: bed.probe.mounts,
    timeoutMs: 30_000,
    routes: ['/'],
    healthPath: '/healthz',
    probe: bed.probe,
    log: silentLogger,
  }
}

test("an app that falls back to 'dev' is caught by the probe and by its session cookie", async () => {
  const facts = await secondBoot(bed.docker, options('fallback'))
  expect(facts).toMatchObject({
    ready: true,
    secretKey: { set: true, length: 3, weak: 'dev' },
    sessionCookies: [
      { via: 'app', path: '/', name: 'session', signedWithInjected: null, weakKey: 'dev' },
    ],
  })
  expect(facts.exited).toBeUndefined()
}, 60_000)

test('an app that refuses to start without the key is not ready and exited', async () => {
  const facts = await secondBoot(bed.docker, options('strict'))
  expect(facts).toMatchObject({ ready: false, sessionCookies: [] })
  expect(facts.exited).toBeDefined()
  expect(facts.secretKey).toBeUndefined()
  expect(facts.logTail.join('\n')).toContain("KeyError: 'SECRET_KEY'")
}, 60_000)

test('the container is removed afterwards', () => {
  const name = `fdc-${bed.runId}-nosecret`
  const ps = spawnSync('docker', ['ps', '-aq', '--filter', `name=${name}`], { encoding: 'utf8' })
  expect(ps.stdout.trim()).toBe('')
})
