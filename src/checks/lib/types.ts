/** Result vocabulary shared by checks and reports (types only). */
import type { Observations } from '../../facts/types'

export type Severity = 'error' | 'warning' | 'notice'
export type Status = 'passed' | 'failed' | 'skipped'
/**
 * Why a check was skipped (check-catalog.md, "Statuses and the verdict"): `requested` by
 * skip-checks or the run's own choice, `not-applicable` when there is nothing of that kind,
 * `blocked` when it applies but could not be observed (an error-severity one fails the verdict).
 */
export type SkipReason = 'requested' | 'not-applicable' | 'blocked'

/** Where the cause of a finding lives, relative to the repository root. */
export interface Location {
  file: string
  line?: number
}

/** What a check function decides; the catalog adds id, title and default severity. */
export interface CheckOutcome {
  status: Status
  /** One line a person reads first; for skipped checks, the reason. */
  summary: string
  /** Short lines of proof: the request, the header seen, the Dockerfile line. */
  evidence?: string[]
  /** What to change, in one line. Required when failed. */
  fix?: string
  location?: Location
  /** Overrides the catalog severity (e.g. a short HSTS max-age is only a warning). */
  severity?: Severity
  /** For skipped outcomes; absent means `blocked` (fail closed). */
  skipReason?: SkipReason
  /** For blocked outcomes: the check whose failure caused it, when there is one. */
  blockedBy?: string
}

/** One entry of the report's `checks` array (schema 1). */
export interface CheckResult {
  id: string
  title: string
  status: Status
  severity: Severity
  summary: string
  evidence: string[]
  fix?: string
  location?: Location
  /** Skipped checks only (report schema 1, added in revision 2; older readers ignore it). */
  skip_reason?: SkipReason
  /** Blocked checks only: the check id whose failure caused the block, when there is one. */
  blocked_by?: string
}

/** Observation parts a check may need (run and build are always present). */
export type ObservationKey = Exclude<keyof Observations, 'run' | 'build'>

/**
 * A check is one unit, as an ESLint rule is: its catalog entry and its judgement together. The
 * catalog (checks/catalog.ts) is the list of these; the README table is generated from it.
 */
export interface Check {
  id: string
  title: string
  severity: Severity
  /** Parts the check cannot decide without: it is skipped with their reason when one is missing. */
  needs: readonly ObservationKey[]
  /** When it passes, in one line of Markdown: the README's checks table is generated from it. */
  passesWhen: string
  /**
   * True when the check judges what the app answered through the proxy: it is blocked by
   * proxy.upstream when every proxied request got nginx's own gateway error.
   */
  needsProxiedApp?: boolean
  /** A pure judgement of the facts. */
  run: (obs: Observations) => CheckOutcome
}
