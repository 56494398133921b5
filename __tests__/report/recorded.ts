/**
 * Reports the CLI wrote for e2e fixtures (__tests__/data/reports/README.md), and the same results
 * judged again under another fail-on or with one result changed, as a run with that input would
 * have produced them.
 */
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import type { CheckResult } from '../../src/checks/lib/types'
import type { FailOn } from '../../src/options'
import { buildReport, type Report } from '../../src/report/report'

export type RecordedReport =
  'build-failed' | 'crash-on-boot' | 'invalid-nginx' | 'no-introspect' | 'no-nginx-config'

const DIR = path.join(__dirname, '..', 'data', 'reports')

/** A fresh copy of a recorded report (tests may change it freely). */
export function recordedReport(name: RecordedReport): Report {
  return JSON.parse(readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as Report
}

/** The recorded results, each changed by `edit` (by id), built into a report under `failOn`. */
export function rejudged(
  name: RecordedReport,
  failOn: FailOn,
  edit: Record<string, Partial<CheckResult>> = {},
): Report {
  const r = recordedReport(name)
  return buildReport({
    results: r.checks.map((c) => ({ ...c, ...edit[c.id] })),
    failOn,
    target: r.target,
    timings: r.timings_ms,
    tool: r.tool,
  })
}

/** The report as a version before skip_reason wrote it: the two fields absent, nothing else. */
export function withoutSkipReasons(report: Report): Report {
  const checks = report.checks.map((c) => {
    const old = { ...c }
    delete old.skip_reason
    delete old.blocked_by
    return old
  })
  return { ...report, checks }
}

/** The ids of the results with `status` (and, for skips, `skip_reason`). */
export function idsOf(report: Report, status: CheckResult['status'], reason?: string): string[] {
  return report.checks
    .filter((c) => c.status === status && (reason === undefined || c.skip_reason === reason))
    .map((c) => c.id)
}
