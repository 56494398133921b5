/**
 * Skipped checks grouped the way a reader needs them (check-catalog.md, "Statuses and the
 * verdict"): blocked checks under their cause, then those skipped on request, then those that do
 * not apply. A skipped result without skip_reason comes from a report written before revision 2;
 * it is read as it was then (a plain skip that never fails the verdict) and grouped apart.
 */
import type { CheckResult, SkipReason } from '../checks/lib/types'

/** A skipped result from a report older than skip_reason. */
export type LegacySkip = 'unspecified'

/** Skipped checks that share a reason and, for blocked ones, a cause. */
export interface SkipGroup {
  reason: SkipReason | LegacySkip
  /** Blocked groups: the summary the checks share, which names the cause. */
  cause?: string
  /** Blocked groups: the check whose failure caused the block, when there is one. */
  blockedBy?: string
  checks: CheckResult[]
}

/** True for a check that applies but could not be observed. */
export function isBlocked(r: Pick<CheckResult, 'status' | 'skip_reason'>): boolean {
  return r.status === 'skipped' && r.skip_reason === 'blocked'
}

/** Blocked at error severity: such a check fails the verdict (the gate fails closed). */
export function isBlockedError(
  r: Pick<CheckResult, 'status' | 'skip_reason' | 'severity'>,
): boolean {
  return isBlocked(r) && r.severity === 'error'
}

const ORDER: readonly (SkipReason | LegacySkip)[] = [
  'blocked',
  'requested',
  'not-applicable',
  'unspecified',
]

/**
 * Whether `r` belongs in `g`: same reason and, when blocked, the same cause. A check that skipped
 * itself for a missing fact has the fact's cause as its summary but no blocked_by; it joins the
 * group of that cause.
 */
function joins(g: SkipGroup, r: CheckResult): boolean {
  if (g.reason !== (r.skip_reason ?? 'unspecified')) return false
  if (g.reason !== 'blocked') return true
  const by = r.blocked_by
  return (
    g.cause === r.summary && (g.blockedBy === undefined || by === undefined || g.blockedBy === by)
  )
}

/**
 * The skipped results in groups: blocked ones by cause in order of first appearance, then
 * `requested`, `not-applicable` and reasonless ones; checks keep their (catalog) order.
 */
export function skipGroups(results: readonly CheckResult[]): SkipGroup[] {
  const groups: SkipGroup[] = []
  for (const r of results) {
    if (r.status !== 'skipped') continue
    let group = groups.find((g) => joins(g, r))
    if (group === undefined) {
      group = { reason: r.skip_reason ?? 'unspecified', checks: [] }
      if (group.reason === 'blocked') group.cause = r.summary
      groups.push(group)
    }
    if (group.blockedBy === undefined && r.blocked_by !== undefined) group.blockedBy = r.blocked_by
    group.checks.push(r)
  }
  return groups.sort((a, b) => ORDER.indexOf(a.reason) - ORDER.indexOf(b.reason))
}

/** The heading words of a group: "Could not be checked", "Skipped on request", ... */
export function skipHeading(reason: SkipGroup['reason']): string {
  return HEADINGS[reason]
}

const HEADINGS: Record<SkipGroup['reason'], string> = {
  blocked: 'Could not be checked',
  requested: 'Skipped on request',
  'not-applicable': 'Not applicable',
  unspecified: 'Reason not recorded',
}
