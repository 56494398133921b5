/**
 * This run against a baseline report (the target branch's), check by check: `new failure`,
 * `fixed`, `still failing`, `unchanged`. A check is failing when it failed or, at error severity,
 * could not be checked (the gate fails closed, so a newly blocked error check is a regression).
 * Checks the baseline cannot speak for get no state and a note, and count as new.
 */
import type { BaselineRead } from './read'
import type { BaselineState, BaselineSummary, ReportCheck } from './report'
import { isBlockedError } from './skips'
import { version } from './version'

type Comparable = Pick<ReportCheck, 'status' | 'severity' | 'skip_reason'>

/** Failed, or an error check that could not be checked. */
export function isFailing(c: Comparable): boolean {
  return c.status === 'failed' || isBlockedError(c)
}

function stateOf(now: Comparable, before: Comparable): BaselineState | undefined {
  if (isFailing(now)) return isFailing(before) ? 'still failing' : 'new failure'
  if (!isFailing(before)) return 'unchanged'
  // Failing before and skipped now (on request, or not applicable) proves no fix.
  return now.status === 'passed' ? 'fixed' : undefined
}

const list = (ids: string[]): string =>
  ids.length > 5 ? `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more` : ids.join(', ')

/** The results with their `baseline` state, and the summary for the report. */
export function compareBaseline(
  results: readonly ReportCheck[],
  baseline: BaselineRead,
  o: { file: string; failOnNewOnly: boolean },
): { checks: ReportCheck[]; summary: BaselineSummary } {
  const before = new Map(baseline.checks.map((c) => [c.id, c]))
  const notes = [...baseline.notes]
  if (baseline.toolVersion !== version && baseline.checks.length > 0)
    notes.push(
      `baseline written by version ${baseline.toolVersion || '(unknown)'}, this is ${version}: compared by check id`,
    )
  const missing: string[] = []
  const unproven: string[] = []
  const checks = results.map((r) => {
    const b = before.get(r.id)
    if (b === undefined) {
      if (baseline.checks.length > 0) missing.push(r.id)
      return r
    }
    const state = stateOf(r, b)
    if (state === undefined) {
      unproven.push(r.id)
      return r
    }
    return { ...r, baseline: state }
  })
  const known = new Set(results.map((r) => r.id))
  const gone = baseline.checks.map((c) => c.id).filter((id) => !known.has(id))
  if (missing.length > 0) notes.push(`not in the baseline (not compared): ${list(missing)}`)
  if (gone.length > 0) notes.push(`in the baseline only (not compared): ${list(gone)}`)
  if (unproven.length > 0)
    notes.push(`failing in the baseline, skipped now (not compared): ${list(unproven)}`)
  const ids = (s: BaselineState): string[] =>
    checks.filter((c) => c.baseline === s).map((c) => c.id)
  return {
    checks,
    summary: {
      file: o.file,
      tool_version: baseline.toolVersion,
      fail_on_new_only: o.failOnNewOnly,
      new_failures: ids('new failure'),
      fixed: ids('fixed'),
      still_failing: ids('still failing'),
      notes,
    },
  }
}
