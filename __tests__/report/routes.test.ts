/** Which routes were checked and how they were found, in the JSON report and the job summary. */
import { renderSummary } from '../../src/report/markdown'
import { buildReport, type Report } from '../../src/report/report'
import { routesOf } from '../../src/report/routes'
import { recorded } from '../data/observations/load'
import { recordedReport } from './recorded'

function withRoutes(fixture: string): Report {
  const r = recordedReport('no-nginx-config')
  return buildReport({
    results: r.checks,
    failOn: 'error',
    target: r.target,
    timings: r.timings_ms,
    tool: r.tool,
    routes: routesOf(recorded(fixture).run),
  })
}

describe('routes: auto (routes-auto)', () => {
  it("lists the app's GET rules without required arguments, '/' first, in the report", () => {
    const routes = withRoutes('routes-auto').routes
    expect(routes?.source).toBe('auto')
    expect(routes?.checked).toEqual([
      '/',
      '/docs/',
      '/about',
      '/pricing',
      '/contact',
      '/blog/',
      '/login',
      '/api/status',
      '/terms',
      '/privacy',
      '/healthz',
    ])
    expect(routes?.found?.find((f) => f.path === '/blog/')).toEqual({
      rule: '/blog/',
      endpoint: 'blog',
      path: '/blog/',
    })
  })

  it('passes over logout and delete by name, saying the rule', () => {
    expect(withRoutes('routes-auto').routes?.skipped).toEqual([
      {
        rule: '/logout',
        endpoint: 'logout',
        reason: 'names logout (a GET there may have side effects)',
      },
      {
        rule: '/account/delete',
        endpoint: 'delete_account',
        reason: 'names delete (a GET there may have side effects)',
      },
    ])
  })

  it('says so in the job summary', () => {
    const md = renderSummary(withRoutes('routes-auto'))
    expect(md).toContain(
      "Routes checked (auto: 11 GET rules of the app's url_map without required arguments): `/`, `/docs/`",
    )
    // Parentheses are escaped: the reason is the app's text as far as Markdown goes.
    expect(md).toContain(
      'Passed over: `/logout` names logout \\(a GET there may have side effects\\); `/account/delete` names delete',
    )
  })

  it('records the routes input as given, and keeps the summary as it was', () => {
    const report = withRoutes('good')
    expect(report.routes).toEqual({ source: 'input', checked: recorded('good').run.routes })
    expect(renderSummary(report)).not.toContain('Routes checked')
  })
})
