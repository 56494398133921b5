import { CATALOG, runChecks } from '../src/checks/catalog'
import type { Observations } from '../src/facts/types'

const down = { unavailable: 'container did not become ready' }
const obs: Observations = {
  run: {
    port: 8000,
    portSource: 'default',
    healthPath: '/healthz',
    routes: ['/'],
    bootTimeoutS: 60,
    cpus: 2,
    secretInjected: true,
    envNames: [],
  },
  dockerfile: down,
  build: { mode: 'built', ok: true, imageRef: 'x', durationMs: 1, logTail: [] },
  image: down,
  boot: down,
  processes: down,
  http: down,
  logs: down,
  shutdown: down,
  proxyConfig: down,
  proxy: down,
  probe: down,
  sessionCookies: down,
  secondBoot: down,
}

test('every catalog id appears exactly once, in catalog order', () => {
  const ids = runChecks(obs).map((r) => r.id)
  expect(ids).toEqual(CATALOG.map((c) => c.id))
  expect(new Set(ids).size).toBe(26)
})

test('a check whose observation is missing is skipped with that reason', () => {
  const r = runChecks(obs, [], { 'boot.ready': () => ({ status: 'passed', summary: 'ok' }) })
  expect(r.find((c) => c.id === 'boot.ready')).toMatchObject({
    status: 'skipped',
    summary: 'container did not become ready',
  })
})

test('skip-checks wins over the implementation, and a crashing check is skipped, not thrown', () => {
  const impls = {
    'build.image': () => ({ status: 'passed' as const, summary: 'ok' }),
    'proxy.rate-limit': () => {
      throw new Error('boom')
    },
  }
  const config: Observations['proxyConfig'] = {
    source: 'reference',
    rewrites: [],
    kept: [],
    serverName: 'example.com',
    certificatePaths: [],
    certificateAdded: true,
    staticDirs: [],
    test: { ok: true },
    notes: [],
  }
  const r = runChecks({ ...obs, proxyConfig: config }, ['build.image'], impls)
  expect(r[0]).toMatchObject({
    id: 'build.image',
    status: 'skipped',
    summary: 'skipped by skip-checks',
  })
  expect(r.find((c) => c.id === 'proxy.rate-limit')).toMatchObject({
    status: 'skipped',
    summary: 'check crashed: boom',
  })
})
