/** The Observatory grade as a user reads it: job summary, PR comment and step log. */
import { renderSection } from '../../src/report/comment-section'
import { renderSummary } from '../../src/report/markdown'
import { observatoryOf } from '../../src/report/observatory'
import { observatoryLine } from '../../src/report/observatory/render'
import { buildReport, type Report } from '../../src/report/report'
import { recorded } from '../data/observations/load'
import { recordedReport } from './recorded'

/** The recorded no-nginx-config report with the grade of `fixture`'s recorded responses. */
function graded(fixture: string): Report {
  const r = recordedReport('no-nginx-config')
  return buildReport({
    results: r.checks,
    failOn: 'error',
    target: r.target,
    timings: r.timings_ms,
    tool: r.tool,
    observatory: observatoryOf(recorded(fixture)),
  })
}

const META = { name: '', sha: 'a'.repeat(40) }

describe('the Observatory grade in the reports', () => {
  it('says "would grade B+ after deploy" in the summary and the comment, with its modifiers', () => {
    const report = graded('csp-unsafe-inline')
    const line =
      '🛡️ **MDN HTTP Observatory:** would grade **B+** after deploy (80/100 for `GET /`: `csp-implemented-with-unsafe-inline` -20'
    expect(renderSummary(report)).toContain(line)
    expect(renderSection(report, META)).toContain(line)
    expect(renderSummary(report)).toContain(
      '| x-frame-options | `x-frame-options-implemented-via-csp` | +5 |',
    )
  })

  it('names the missing headers that cost points in the step log', () => {
    expect(observatoryLine(graded('headers-missing'))).toBe(
      'MDN HTTP Observatory: would grade C after deploy (50/100 for GET /: csp-not-implemented -25, cookies-secure-with-httponly-sessions-and-samesite +5, x-content-type-options-not-implemented -5, x-frame-options-not-implemented -20)',
    )
  })

  it('is in the JSON report, and absent from reports written before it', () => {
    const json = JSON.parse(JSON.stringify(graded('good'))) as Report
    expect(json.observatory).toMatchObject({ algorithm_version: 4, page: 'GET /', grade: 'A+' })
    const old = recordedReport('no-nginx-config')
    expect(renderSummary(old)).not.toContain('Observatory')
    expect(observatoryLine(old)).toBe('')
  })

  it('says why there is no grade when the app never answered', () => {
    expect(renderSummary(graded('crash-on-boot'))).toContain(
      '🛡️ **MDN HTTP Observatory:** no grade (no HTTPS page from the app through the proxy)',
    )
  })
})
