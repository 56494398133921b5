/**
 * Runs a list of checks over the facts, one result per check in list order. Turns skip-checks,
 * missing facts and a check's own crash into results with their reason: a missing fact blocks
 * the check (with the part's cause), a crash fails it at error severity, never a silent skip.
 */
import type { Observations, Unavailable } from '../../facts/types'
import type { Check, CheckOutcome, CheckResult } from './types'
import { unreachedApp } from './upstream'

export function isUnavailable(part: unknown): part is Unavailable {
  return typeof part === 'object' && part !== null && 'unavailable' in part
}

function result(check: Check, outcome: CheckOutcome): CheckResult {
  const r: CheckResult = {
    id: check.id,
    title: check.title,
    status: outcome.status,
    severity: outcome.severity ?? check.severity,
    summary: outcome.summary,
    evidence: outcome.evidence ?? [],
  }
  if (outcome.fix !== undefined) r.fix = outcome.fix
  if (outcome.location !== undefined) r.location = outcome.location
  if (outcome.status === 'skipped') {
    r.skip_reason = outcome.skipReason ?? 'blocked'
    if (r.skip_reason === 'blocked' && outcome.blockedBy !== undefined)
      r.blocked_by = outcome.blockedBy
  }
  return r
}

function judge(check: Check, obs: Observations, skip: readonly string[]): CheckOutcome {
  if (skip.includes(check.id))
    return { status: 'skipped', summary: 'skipped by skip-checks', skipReason: 'requested' }
  for (const key of check.needs) {
    const part = obs[key]
    if (isUnavailable(part)) {
      const outcome: CheckOutcome = { status: 'skipped', summary: part.unavailable }
      if (part.skip) outcome.skipReason = part.skip
      else if (part.blockedBy !== undefined && part.blockedBy !== check.id)
        outcome.blockedBy = part.blockedBy
      return outcome
    }
  }
  const unreached = check.needsProxiedApp ? unreachedApp(obs) : undefined
  if (unreached !== undefined) {
    return { status: 'skipped', summary: unreached, blockedBy: 'proxy.upstream' }
  }
  try {
    return check.run(obs)
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    return {
      status: 'failed',
      severity: 'error',
      summary: `check crashed: ${message}`,
      fix: 'a bug in flask-deploy-check: please report it with the evidence',
      evidence: err instanceof Error && err.stack ? err.stack.split('\n').slice(0, 3) : [],
    }
  }
}

/** Every check's result, in list order; never throws for one check's bug. */
export function runChecks(
  checks: readonly Check[],
  obs: Observations,
  skip: readonly string[] = [],
): CheckResult[] {
  return checks.map((check) => result(check, judge(check, obs, skip)))
}
