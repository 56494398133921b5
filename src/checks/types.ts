/** Result vocabulary shared by checks and reports (types only). */

export type Severity = 'error' | 'warning' | 'notice'
export type Status = 'passed' | 'failed' | 'skipped'

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
}
