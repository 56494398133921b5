/** SARIF from recorded reports: valid SARIF 2.1.0, one rule per catalog check, located findings only. */
import { CATALOG } from '../../src/checks/catalog'
import { toSarif } from '../../src/report/sarif'
import { recordedReport } from './recorded'
import { sarifErrors } from './sarif-schema'

type Run = {
  tool: {
    driver: {
      rules: { id: string; help: { text: string }; defaultConfiguration: { level: string } }[]
    }
  }
  results: { ruleId: string; ruleIndex: number; level: string; locations: unknown[] }[]
}
const runOf = (log: Record<string, unknown>): Run => (log.runs as Run[])[0]

test.each(['invalid-nginx', 'build-failed', 'crash-on-boot', 'no-introspect'] as const)(
  'the log of %s validates against the SARIF 2.1.0 schema',
  (name) => {
    expect(sarifErrors(toSarif(recordedReport(name), CATALOG))).toEqual([])
  },
)

test('one rule per catalog check with its title, help and default level', () => {
  const run = runOf(toSarif(recordedReport('invalid-nginx'), CATALOG))
  expect(run.tool.driver.rules.map((r) => r.id)).toEqual(CATALOG.map((c) => c.id))
  const levels = { error: 'error', warning: 'warning', notice: 'note' }
  expect(run.tool.driver.rules.map((r) => r.defaultConfiguration.level)).toEqual(
    CATALOG.map((c) => levels[c.severity]),
  )
  const config = run.tool.driver.rules.find((r) => r.id === 'proxy.config-valid')
  const fix = recordedReport('invalid-nginx').checks.find((c) => c.id === 'proxy.config-valid')?.fix
  expect(config?.help.text.startsWith(String(fix))).toBe(true)
})

test('a located failure is a result at its file and line; blocked checks are not results', () => {
  const run = runOf(toSarif(recordedReport('invalid-nginx'), CATALOG))
  expect(run.results).toEqual([
    {
      ruleId: 'proxy.config-valid',
      ruleIndex: CATALOG.findIndex((c) => c.id === 'proxy.config-valid'),
      level: 'error',
      message: { text: expect.stringContaining('Fix: ') },
      locations: [
        {
          physicalLocation: {
            artifactLocation: {
              uri: '__tests__/fixtures/invalid-nginx/deploy/nginx.conf',
              uriBaseId: '%SRCROOT%',
            },
            region: { startLine: 35 },
          },
        },
      ],
    },
  ])
})

test('a passing run has rules and no results', () => {
  expect(runOf(toSarif(recordedReport('no-introspect'), CATALOG)).results).toEqual([])
})
