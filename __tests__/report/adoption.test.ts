/** The policy and baseline blocks in the comment and the summary, on a recorded report. */
import { applyPolicy } from '../../src/policy/apply'
import { parsePolicy } from '../../src/policy/load'
import { compareBaseline } from '../../src/report/baseline'
import { renderSection } from '../../src/report/comment'
import { renderSummary } from '../../src/report/markdown'
import { buildReport, type Report } from '../../src/report/report'
import { stepFailureMessage } from '../../src/report/verdict-text'
import { recordedReport } from './recorded'

function judged(failOnNewOnly: boolean): Report {
  const current = recordedReport('invalid-nginx')
  const policy = parsePolicy(
    'checks:\n  proxy.config-valid: {level: warning, reason: "config fixed upstream", until: 2020-01-01}\n',
    '.flask-deploy-check.yml',
  )
  const applied = applyPolicy(current.checks, policy, new Date('2026-12-01T00:00:00Z'))
  const base = recordedReport('no-introspect')
  const { checks, summary } = compareBaseline(
    applied,
    { toolVersion: base.tool.version, checks: base.checks, notes: [] },
    { file: 'base.json', failOnNewOnly },
  )
  return buildReport({
    ...current,
    results: checks,
    failOn: 'error',
    baseline: summary,
    policy: { file: policy.file },
    timings: current.timings_ms,
  })
}

test('the comment leads with the baseline, then the failures, then the expired exception', () => {
  const body = renderSection(judged(false), { name: '', sha: 'a'.repeat(40) })
  const at = (s: string): number => body.indexOf(s)
  expect(at('**Compared with the baseline** `base.json`')).toBeGreaterThan(0)
  expect(at('🆕 **New failures (6):**')).toBeGreaterThan(at('**Compared with the baseline**'))
  expect(at('**proxy.config-valid** 🆕 _new_')).toBeGreaterThan(at('🆕 **New failures (6):**'))
  expect(body).toContain(
    '⌛ `proxy.config-valid` expired on 2020-01-01 \\(counts at error again\\): config fixed upstream',
  )
})

test('the summary has both blocks; the failure message names the new failures and the lapse', () => {
  const report = judged(true)
  expect(renderSummary(report)).toContain('**Policy exceptions** `.flask-deploy-check.yml`')
  expect(stepFailureMessage(report, 'error')).toMatch(
    /^1 new failure\(s\) against the baseline under fail-on 'error': proxy\.config-valid \(error, policy exception expired on 2020-01-01\); 5 error check\(s\) could not be checked/,
  )
})
