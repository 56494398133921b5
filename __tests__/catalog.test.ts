import * as fs from 'node:fs'
import * as path from 'node:path'
import { CATALOG, runCatalog } from '../src/checks/catalog'
import { CHECK_IDS } from '../src/checks/ids'
import { runChecks } from '../src/checks/lib/run'
import type { Check } from '../src/checks/lib/types'
import type { Observations } from '../src/facts/types'
import { variant } from './checks/observations'

const down = { unavailable: 'container did not become ready', blockedBy: 'boot.ready' }
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
  forwardedSpoof: down,
  tls: down,
  unit: down,
}
const unit = (id: string): Check => {
  const c = CATALOG.find((x) => x.id === id)
  if (c === undefined) throw new Error(`no ${id}`)
  return c
}

test('every catalog id appears exactly once, in catalog order, and ids.ts lists the same ids', () => {
  const ids = runCatalog(obs).map((r) => r.id)
  expect(ids).toEqual(CATALOG.map((c) => c.id))
  expect(new Set(ids).size).toBe(CATALOG.length)
  expect(CATALOG.map((c) => c.id)).toEqual([...CHECK_IDS])
})

test('every unit says what it is: a title, a one-line passes-when, a known severity', () => {
  for (const c of CATALOG) {
    expect(c.title).toMatch(/^\S.*\S$/)
    expect(c.passesWhen).toMatch(/^[^\n]{10,}$/)
    expect(['error', 'warning', 'notice']).toContain(c.severity)
  }
})

test('a check file holds only ids of its own prefix (checks/<prefix>.ts or checks/<prefix>/*.ts)', () => {
  const dir = path.join(__dirname, '..', 'src', 'checks')
  const files = fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(
      (f) => f.endsWith('.ts') && !f.startsWith('lib') && !['catalog.ts', 'ids.ts'].includes(f),
    )
  const found: string[] = []
  for (const f of files) {
    const prefix = f.split(path.sep)[0].replace(/\.ts$/, '')
    for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/^ {2}id: '([^']+)',$/gm)) {
      expect(`${m[1]} in ${f}`).toBe(`${prefix}.${m[1].split('.')[1]} in ${f}`)
      found.push(m[1])
    }
  }
  expect(found.sort()).toEqual([...CHECK_IDS].sort())
})

test('a check whose observation is missing is blocked with that reason and the check that caused it', () => {
  const r = runCatalog(obs)
  expect(r.find((c) => c.id === 'boot.ready')).toEqual(
    expect.objectContaining({
      status: 'skipped',
      summary: 'container did not become ready',
      skip_reason: 'blocked',
    }),
  )
  // The cause is never the check itself.
  expect(r.find((c) => c.id === 'boot.ready')).not.toHaveProperty('blocked_by')
  expect(r.find((c) => c.id === 'health.endpoint')).toMatchObject({
    skip_reason: 'blocked',
    blocked_by: 'boot.ready',
  })
})

test('a part the run chose not to observe skips its checks as requested', () => {
  const off = variant('good', (o) => {
    o.probe = { unavailable: 'introspect is off', skip: 'requested' }
  })
  expect(runCatalog(off).find((c) => c.id === 'proxy.client-ip')).toMatchObject({
    status: 'skipped',
    summary: 'introspect is off',
    skip_reason: 'requested',
  })
})

test('skip-checks wins over the judgement, and a crashing check fails at error severity, never thrown', () => {
  const crashing: Check = {
    ...unit('proxy.rate-limit'),
    run: () => {
      throw new Error('boom')
    },
  }
  const passing: Check = {
    ...unit('build.image'),
    run: () => ({ status: 'passed', summary: 'ok' }),
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
  const r = runChecks([passing, crashing], { ...obs, proxyConfig: config }, ['build.image'])
  expect(r[0]).toMatchObject({
    id: 'build.image',
    status: 'skipped',
    summary: 'skipped by skip-checks',
    skip_reason: 'requested',
  })
  expect(r[1]).toMatchObject({
    id: 'proxy.rate-limit',
    status: 'failed',
    severity: 'error',
    summary: 'check crashed: boom',
  })
  expect(r[1].fix).toBeTruthy()
  expect(r[1]).not.toHaveProperty('skip_reason')
})
