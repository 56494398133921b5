/**
 * Each recorded fixture has exactly one defect: through the catalog, exactly the checks for
 * that defect fail, and nothing the run could not observe fails.
 */
import { runCatalog } from '../../src/checks/catalog'
import { CHECK_IDS } from '../../src/checks/ids'
import { recorded } from './observations'

const cases: [string, string[]][] = [
  ['good', []],
  ['dev-server', ['server.production-wsgi']],
  ['root-user', ['image.non-root']],
  ['crash-on-boot', ['boot.ready']],
  ['loopback-bind', ['boot.ready']],
  ['shell-form', ['image.exec-form', 'shutdown.graceful']],
  ['baked-secret', ['image.no-baked-secrets']],
  ['no-access-log', ['logs.stdout']],
  ['bad-layer-cache', ['build.layer-cache']],
]

test.each(cases)('%s: failed checks are %j', (name, expected) => {
  const results = runCatalog(recorded(name))
  expect(results.filter((r) => r.status === 'failed').map((r) => r.id)).toEqual(expected)
  for (const r of results.filter((x) => x.status === 'failed')) {
    expect(r.fix).toBeTruthy()
    expect(r.summary.length).toBeLessThan(240)
  }
})

test('the good run (behind its own nginx config) passes every check of the catalog', () => {
  const results = runCatalog(recorded('good')).filter((r) => !r.id.startsWith('systemd.'))
  expect(results.filter((r) => r.status !== 'passed').map((r) => [r.id, r.summary])).toEqual([])
})

test('checks that need the running app are blocked, with the reason, when it never became ready', () => {
  const results = runCatalog(recorded('crash-on-boot'))
  expect(results.find((r) => r.id === 'health.endpoint')).toMatchObject({
    status: 'skipped',
    summary: expect.stringMatching(
      /^container did not become ready: the container exited with code 3 after \d+\.\d s$/,
    ),
    skip_reason: 'blocked',
  })
})

test('every catalog id has a result, in catalog order', () => {
  expect(runCatalog(recorded('good')).map((r) => r.id)).toEqual([...CHECK_IDS])
})
