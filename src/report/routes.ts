/**
 * Which routes a run checked and how it found them (`routes: auto` lists the app's url_map GET
 * rules through the probe): the report's `routes` entry and its line in the job summary.
 */
import type { RunFacts } from '../facts/types'
import type { Report, RoutesReport } from './report'
import { codeSpan, escapeMarkdown } from './sanitize'

/** The report entry from what the run recorded. */
export function routesOf(run: RunFacts): RoutesReport {
  const auto = run.autoRoutes
  if (auto === undefined) return { source: 'input', checked: [...run.routes] }
  if ('unavailable' in auto)
    return { source: 'auto', checked: [...run.routes], fallback: auto.unavailable }
  return {
    source: 'auto',
    checked: [...run.routes],
    found: auto.found,
    skipped: auto.skipped,
    more: auto.more,
  }
}

const paths = (list: readonly string[]): string => list.map((p) => codeSpan(p, 120)).join(', ')

/** "Routes checked (auto: 12 GET rules of the app's url_map): `/`, ... Passed over: ...". */
export function routesMarkdown(report: Report): string {
  const r = report.routes
  if (r === undefined || r.source === 'input') return ''
  if (r.fallback)
    return `Routes checked: ${paths(r.checked)} (auto found none: ${escapeMarkdown(r.fallback, 200)})`
  const more = r.more ? `; ${r.more} more past the cap of 30` : ''
  const head = `Routes checked (auto: ${r.checked.length} GET rules of the app's url_map without required arguments${more}): ${paths(r.checked)}`
  const skipped = (r.skipped ?? []).map(
    (s) => `${codeSpan(s.rule, 120)} ${escapeMarkdown(s.reason, 120)}`,
  )
  return skipped.length ? `${head}. Passed over: ${skipped.join('; ')}` : head
}
