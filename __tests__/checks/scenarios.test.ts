/**
 * Each recorded fixture has exactly one defect: through the catalog, exactly the checks for
 * that defect fail (among the implemented ones), and nothing the run could not observe fails.
 */
import { runChecks } from '../../src/checks/catalog'
import { implementations } from '../../src/checks/registry'
import { recorded, type Recorded } from './observations'

const cases: [Recorded, string[]][] = [
  ['good', []],
  ['dev-server', ['server.production-wsgi']],
  ['root', ['image.non-root']],
  ['crashed', ['boot.ready']],
  ['loopback', ['boot.ready']],
  ['shell-form', ['image.exec-form', 'shutdown.graceful']],
  ['baked-secret', ['image.no-baked-secrets']],
  ['no-access-log', ['logs.stdout']],
  ['bad-layer-cache', ['build.layer-cache']],
]

test.each(cases)('%s: failed checks are %j', (name, expected) => {
  const results = runChecks(recorded(name)).filter((r) => r.id in implementations)
  expect(results.filter((r) => r.status === 'failed').map((r) => r.id)).toEqual(expected)
  for (const r of results.filter((x) => x.status === 'failed')) {
    expect(r.fix).toBeTruthy()
    expect(r.summary.length).toBeLessThan(240)
  }
})

test('the good run (behind the full nginx config) passes every check of the catalog', () => {
  const results = runChecks(recorded('good'))
  expect(results.filter((r) => r.status !== 'passed').map((r) => [r.id, r.summary])).toEqual([])
})

test('checks that need the running app are skipped with the reason when it never became ready', () => {
  const results = runChecks(recorded('crashed'))
  expect(results.find((r) => r.id === 'health.endpoint')).toMatchObject({
    status: 'skipped',
    summary: 'container did not become ready: the container exited with code 1 after 0.6 s',
  })
})

test('every implemented id is a catalog id, and an unimplemented one says so', () => {
  const results = runChecks(recorded('good'))
  for (const id of Object.keys(implementations)) expect(results.map((r) => r.id)).toContain(id)
  const without = Object.fromEntries(
    Object.entries(implementations).filter(([id]) => id !== 'tls.hsts'),
  )
  expect(runChecks(recorded('good'), [], without).find((r) => r.id === 'tls.hsts')).toMatchObject({
    status: 'skipped',
    summary: 'not implemented yet',
  })
})
