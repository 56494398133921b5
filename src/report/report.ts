/**
 * The schema-1 JSON report (shared/spec/interface.md): verdict under `fail-on`, counts, timings,
 * and writing it to `report-path`. Pure apart from the file write. Revision 2 added skip_reason
 * and blocked_by to skipped checks; the schema number stays 1, as older readers ignore them.
 */
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import type { CheckResult, Severity } from '../checks/lib/types'
import type { FailOn } from '../options'
import type { ObservatoryReport } from './observatory'
import { isBlockedError } from './skips'
import { TOOL_NAME, version } from './version'

export type Verdict = 'pass' | 'fail'

/** Milliseconds spent per phase. */
export interface Timings {
  build: number
  boot: number
  checks: number
  total: number
}

/** The target a report is about. */
export interface ReportTarget {
  /** The `name` input ('' when unnamed). */
  name: string
  /** The image checked (built tag or the `image` input). */
  image: string
  /** Build context, relative to the repository root. */
  context: string
  /** Dockerfile, relative to the repository root. */
  file: string
  /** How the app ran (revision 2): only docker so far. */
  runtime?: 'docker' | 'compose' | 'host'
  /**
   * The proxy in front: its kind, the config used (repository path; absent for the reference
   * proxy) and where TLS ended ('added': the action added it, as certbot --nginx does).
   */
  proxy?: {
    kind: 'nginx' | 'caddy' | 'reference'
    config?: string
    tls: 'nginx' | 'upstream' | 'added'
  }
  /** runtime compose: the files, the app's service and the dependencies started before it. */
  compose?: ComposeTarget
}

export interface ComposeTarget {
  /** Compose files, relative to the repository root, in `-f` order. */
  files: string[]
  service: string
  /** In start order; ms from `docker compose up` to ready, ok false for the one that never was. */
  dependencies: { service: string; ms: number; ok: boolean }[]
}

/** A policy exception on one check (revision 2): the file's level and reason, and whether it lapsed. */
export interface PolicyException {
  level: 'error' | 'warning' | 'notice' | 'off'
  reason: string
  /** YYYY-MM-DD: the last day it holds. */
  until?: string
  /** True after `until`: the check counts at its own severity again. */
  expired: boolean
  /** The check's severity without the exception. */
  original_severity: Severity
}

/** How a check compares with the baseline report (revision 2). */
export type BaselineState = 'new failure' | 'fixed' | 'still failing' | 'unchanged'

/** One entry of `checks`: a check result, plus what the policy and the baseline say about it. */
export interface ReportCheck extends CheckResult {
  policy?: { exception: PolicyException }
  /** Absent when the baseline has no comparable entry for this check (or there is no baseline). */
  baseline?: BaselineState
}

/** What the comparison with the baseline report found (revision 2). */
export interface BaselineSummary {
  /** The baseline report, as the input named it. */
  file: string
  /** Version of the tool that wrote it ('' when it does not say). */
  tool_version: string
  /** `fail-on-new-only`: only checks that are not `still failing` can fail the verdict. */
  fail_on_new_only: boolean
  new_failures: string[]
  fixed: string[]
  still_failing: string[]
  /** What could not be compared, one line each (unreadable file, ids missing on either side, ...). */
  notes: string[]
}

/** The JSON report, schema 1. Field names are part of the public contract. */
export interface Report {
  schema: 1
  tool: { name: string; version: string }
  target: ReportTarget
  verdict: Verdict
  counts: { passed: number; failed: number; skipped: number }
  /** One entry per catalog id, in catalog order (as runChecks returns them). */
  checks: ReportCheck[]
  timings_ms: Timings
  /** The policy file that was applied, when there was one (revision 2). */
  policy?: { file: string }
  /** The comparison with `baseline-report`, when one was given (revision 2). */
  baseline?: BaselineSummary
  /** The MDN HTTP Observatory grade of the recorded responses (issue 12). */
  observatory?: ObservatoryReport
  /** Which routes were checked and how they were found (issue 12). */
  routes?: RoutesReport
}

/** `routes`: the paths requested, from the input or found by the probe (`routes: auto`). */
export interface RoutesReport {
  source: 'input' | 'auto'
  checked: string[]
  /** auto: the url_map rules behind `checked`, those passed over and why, and how many past 30. */
  found?: { rule: string; endpoint: string; path: string }[]
  skipped?: { rule: string; endpoint: string; reason: string }[]
  more?: number
  /** auto: why `/` was checked instead (the probe did not answer, or found no rule). */
  fallback?: string
}

const SEVERITY_RANK: Record<Severity, number> = { notice: 1, warning: 2, error: 3 }
// `never` is above every severity, and `notice` is below every threshold, so notices never fail.
const FAIL_ON_RANK: Record<FailOn, number> = { warning: 2, error: 3, never: Infinity }

/**
 * True when this result fails the step under `failOn`: a failure at or above it, or an error
 * check that was blocked (a check that could not run is not a pass). `never` never fails.
 */
export function isBlocking(result: CheckResult, failOn: FailOn): boolean {
  if (result.status === 'failed') return SEVERITY_RANK[result.severity] >= FAIL_ON_RANK[failOn]
  return failOn !== 'never' && isBlockedError(result)
}

/**
 * True when this result fails the step: isBlocking, and with `newOnly` (fail-on-new-only) not
 * `still failing` against the baseline. A check the baseline could not speak for counts as new.
 */
export function failsStep(result: ReportCheck, failOn: FailOn, newOnly = false): boolean {
  return isBlocking(result, failOn) && !(newOnly && result.baseline === 'still failing')
}

/** 'fail' iff some result fails the step under `failOn` (see failsStep). */
export function verdictOf(
  results: readonly ReportCheck[],
  failOn: FailOn,
  newOnly = false,
): Verdict {
  return results.some((r) => failsStep(r, failOn, newOnly)) ? 'fail' : 'pass'
}

/**
 * The results that make the verdict 'fail' under `failOn`, in catalog order: the failures at or
 * above it and the blocked error checks (empty when it passes); with fail-on-new-only, only
 * those that are not `still failing`.
 */
export function blockingFailures(report: Report, failOn: FailOn): ReportCheck[] {
  const newOnly = report.baseline?.fail_on_new_only ?? false
  return report.checks.filter((r) => failsStep(r, failOn, newOnly))
}

/** Counts results by status. */
export function countsOf(results: readonly CheckResult[]): Report['counts'] {
  const counts = { passed: 0, failed: 0, skipped: 0 }
  for (const r of results) counts[r.status] += 1
  return counts
}

/** Everything buildReport needs; the tool identity defaults to package.json. */
export interface BuildReportInput {
  results: ReportCheck[]
  failOn: FailOn
  policy?: Report['policy']
  baseline?: BaselineSummary
  target: ReportTarget
  timings: Timings
  tool?: Report['tool']
  observatory?: ObservatoryReport
  routes?: RoutesReport
}

// Whole, non-negative milliseconds: timings come from Date.now() differences and sums.
function ms(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.round(n) : 0
}

/** Assembles the schema-1 report from the results of one target. */
export function buildReport(input: BuildReportInput): Report {
  const { build, boot, checks, total } = input.timings
  const newOnly = input.baseline?.fail_on_new_only ?? false
  const report: Report = {
    schema: 1,
    tool: input.tool ?? { name: TOOL_NAME, version },
    target: { ...input.target },
    verdict: verdictOf(input.results, input.failOn, newOnly),
    counts: countsOf(input.results),
    checks: input.results,
    timings_ms: { build: ms(build), boot: ms(boot), checks: ms(checks), total: ms(total) },
  }
  if (input.policy) report.policy = input.policy
  if (input.baseline) report.baseline = input.baseline
  if (input.observatory) report.observatory = input.observatory
  if (input.routes) report.routes = input.routes
  return report
}

/** Writes the report as pretty JSON with a trailing newline, creating parent directories. */
export async function writeReport(report: Report, file: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true })
  await fs.writeFile(file, `${JSON.stringify(report, null, 2)}\n`, 'utf8')
}
