/**
 * Applies the policy's exceptions to the results: a level replaces the check's severity, `off`
 * skips it on request, and an exception past its `until` day lapses (the check keeps its own
 * severity and the report says it expired). `now` is passed in, so tests never read the clock.
 */
import type { CheckResult } from '../checks/lib/types'
import type { PolicyException, ReportCheck } from '../report/report'
import type { Policy } from './load'

/** The UTC day of `now`, YYYY-MM-DD. */
export function today(now: Date): string {
  return now.toISOString().slice(0, 10)
}

/** Each result with its exception applied and recorded in `policy.exception`. */
export function applyPolicy(
  results: readonly CheckResult[],
  policy: Policy | undefined,
  now: Date,
): ReportCheck[] {
  const day = today(now)
  return results.map((r) => {
    const entry = policy?.checks[r.id]
    if (entry === undefined) return r
    const exception: PolicyException = {
      level: entry.level,
      reason: entry.reason,
      expired: entry.until !== undefined && day > entry.until,
      original_severity: r.severity,
    }
    if (entry.until !== undefined) exception.until = entry.until
    if (exception.expired) return { ...r, policy: { exception } }
    if (entry.level === 'off') {
      return {
        id: r.id,
        title: r.title,
        status: 'skipped',
        severity: r.severity,
        summary: `off by policy (${policy?.file}): ${entry.reason}`,
        evidence: [],
        skip_reason: 'requested',
        policy: { exception },
      }
    }
    return { ...r, severity: entry.level, policy: { exception } }
  })
}
