/**
 * Why a verdict is `fail`, in one line for the step's failure message: the failures that fail it,
 * and the error checks that could not be checked, grouped by cause (the gate fails closed, so a
 * reader must learn that a check did not run, and why, rather than read its absence as a pass).
 */
import type { CheckResult } from '../checks/lib/types'
import type { FailOn } from '../options'
import { causeText } from './format'
import { blockingFailures, type Report, type ReportCheck } from './report'
import { oneLine, truncate } from './sanitize'
import { isBlockedError, skipGroups } from './skips'

/** "21 error check(s) could not be checked (blocked by boot.ready: ...): a, b" per cause. */
function blockedParts(blocked: readonly CheckResult[]): string[] {
  return skipGroups(blocked).map((g) => {
    const ids = g.checks.map((c) => c.id).join(', ')
    const cause = truncate(oneLine(causeText(g)), 300)
    return `${g.checks.length} error check(s) could not be checked (${cause}): ${ids}`
  })
}

/** ", policy exception expired on 2020-01-01" for a check whose exception lapsed. */
function lapsed(c: ReportCheck): string {
  const e = c.policy?.exception
  return e?.expired ? `, policy exception expired on ${e.until}` : ''
}

/** The main step's failure message under `failOn` (empty parts are left out). */
export function stepFailureMessage(report: Report, failOn: FailOn): string {
  const blocking = blockingFailures(report, failOn)
  const failed = blocking.filter((c) => c.status === 'failed')
  const parts: string[] = []
  if (failed.length > 0) {
    const ids = failed.map((c) => `${c.id} (${c.severity}${lapsed(c)})`).join(', ')
    const what = report.baseline?.fail_on_new_only
      ? 'new failure(s) against the baseline'
      : 'check(s) failed'
    parts.push(`${failed.length} ${what} under fail-on '${failOn}': ${ids}`)
  }
  parts.push(...blockedParts(blocking.filter(isBlockedError)))
  return `${parts.join('; ')}. The job summary has the evidence and the fix for each.`
}

/** The failure message of comment-only mode: the report's own verdict, which fail-on made. */
export function reportFailureMessage(report: Report): string {
  const ids = report.checks.filter((c) => c.status === 'failed').map((c) => c.id)
  const parts = [`${ids.length} failed check(s): ${ids.join(', ')}`]
  parts.push(...blockedParts(report.checks.filter(isBlockedError)))
  return `the report's verdict is fail (${parts.join('; ')})`
}
