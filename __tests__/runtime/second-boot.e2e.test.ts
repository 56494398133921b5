/**
 * secondBoot on a real engine (see e2e-app.ts): an app that falls back to 'dev' without
 * SECRET_KEY, and one that refuses to start.
 */
import { spawnSync } from 'node:child_process'
import { silentLogger } from '../../src/log'
import type { Options } from '../../src/options'
import { DockerRuntime } from '../../src/runtime/docker-runtime'
import { secondBoot, type SecondBootOptions } from '../../src/runtime/second-boot'
import { GUNICORN, ProbeTestbed } from '../probe/e2e-app'

const bed = new ProbeTestbed()
let runtime: DockerRuntime

beforeAll(async () => {
  await bed.build()
  // The testbed's image as the `image` input, run with its Gunicorn command.
  const opts = { image: bed.tag, command: GUNICORN } as Partial<Options> as Options
  runtime = new DockerRuntime(bed.docker, opts, bed.runId, silentLogger)
  expect((await runtime.prepare()).build.ok).toBe(true)
}, 120_000)
afterAll(() => bed.dispose(), 60_000)

function options(mode: string): SecondBootOptions {
  return {
    port: 8000,
    // secondBoot drops SECRET_KEY even when the caller forgets to.
    env: [['SECRET_KEY', 'given-but-dropped'], ['APP_MODE', mode], ...bed.probe.env],
    mounts: bed.probe.mounts,
    timeoutMs: 30_000,
    routes: ['/'],
    healthPath: '/healthz',
    probe: bed.probe,
    log: silentLogger,
  }
}

test("an app that falls back to 'dev' is caught by the probe and by its session cookie", async () => {
  const facts = await secondBoot(runtime, options('fallback'))
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
  const facts = await secondBoot(runtime, options('strict'))
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
