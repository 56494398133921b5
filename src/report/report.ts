/**
 * The schema-1 JSON report (shared/spec/interface.md): verdict under `fail-on`, counts, timings,
 * and writing it to `report-path`. Pure apart from the file write.
 */
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import type { CheckResult, Severity } from '../checks/lib/types'
import type { FailOn } from '../options'
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
}

/** The JSON report, schema 1. Field names are part of the public contract. */
export interface Report {
  schema: 1
  tool: { name: string; version: string }
  target: ReportTarget
  verdict: Verdict
  counts: { passed: number; failed: number; skipped: number }
  /** One entry per catalog id, in catalog order (as runChecks returns them). */
  checks: CheckResult[]
  timings_ms: Timings
}

const SEVERITY_RANK: Record<Severity, number> = { notice: 1, warning: 2, error: 3 }
// `never` is above every severity, and `notice` is below every threshold, so notices never fail.
const FAIL_ON_RANK: Record<FailOn, number> = { warning: 2, error: 3, never: Infinity }

/** True when this result fails the step under `failOn`. */
export function isBlocking(result: CheckResult, failOn: FailOn): boolean {
  return result.status === 'failed' && SEVERITY_RANK[result.severity] >= FAIL_ON_RANK[failOn]
}

/** 'fail' iff some failed result has a severity at or above `failOn`. */
export function verdictOf(results: readonly CheckResult[], failOn: FailOn): Verdict {
  return results.some((r) => isBlocking(r, failOn)) ? 'fail' : 'pass'
}

/** The failed checks that make the verdict 'fail' under `failOn` (empty when it passes). */
export function blockingFailures(report: Report, failOn: FailOn): CheckResult[] {
  return report.checks.filter((r) => isBlocking(r, failOn))
}

/** Counts results by status. */
export function countsOf(results: readonly CheckResult[]): Report['counts'] {
  const counts = { passed: 0, failed: 0, skipped: 0 }
  for (const r of results) counts[r.status] += 1
  return counts
}

/** Everything buildReport needs; the tool identity defaults to package.json. */
export interface BuildReportInput {
  results: CheckResult[]
  failOn: FailOn
  target: ReportTarget
  timings: Timings
  tool?: Report['tool']
}

// Whole, non-negative milliseconds: timings come from Date.now() differences and sums.
function ms(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.round(n) : 0
}

/** Assembles the schema-1 report from the results of one target. */
export function buildReport(input: BuildReportInput): Report {
  const { build, boot, checks, total } = input.timings
  return {
    schema: 1,
    tool: input.tool ?? { name: TOOL_NAME, version },
    target: { ...input.target },
    verdict: verdictOf(input.results, input.failOn),
    counts: countsOf(input.results),
    checks: input.results,
    timings_ms: { build: ms(build), boot: ms(boot), checks: ms(checks), total: ms(total) },
  }
}

/** Writes the report as pretty JSON with a trailing newline, creating parent directories. */
export async function writeReport(report: Report, file: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true })
  await fs.writeFile(file, `${JSON.stringify(report, null, 2)}\n`, 'utf8')
}
