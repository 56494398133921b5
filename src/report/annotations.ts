/**
 * Annotations (data only) for failed results that point at a file line: main.ts hands them to
 * core.error / core.warning / core.notice, which escape them for the workflow-command syntax.
 */
import type { Severity } from '../checks/lib/types'
import type { FailOn } from '../options'
import { isBlocking, type Report } from './report'
import { oneLine, stripControl, truncate } from './sanitize'

/** One annotation on a file of the repository. */
export interface Annotation {
  level: Severity
  title: string
  /** Plain text, may span lines. */
  message: string
  /** Repository-relative path. */
  file: string
  startLine?: number
}

const MAX_EVIDENCE_LINES = 5

/**
 * Annotations for the failed results that have a location, level = severity. The message says
 * when a failure does not fail the step under `failOn`, so an error annotation on a green run
 * is not a puzzle.
 */
export function annotationsFor(report: Report, failOn: FailOn): Annotation[] {
  const target = report.target.name ? `[${oneLine(report.target.name)}] ` : ''
  return report.checks.flatMap((r) => {
    const location = r.location
    if (r.status !== 'failed' || location === undefined) return []
    const evidence = r.evidence
      .flatMap((e) => stripControl(e).split(/\r?\n/))
      .filter((l) => l.trim() !== '')
      .slice(0, MAX_EVIDENCE_LINES)
      .map((l) => `  ${truncate(l.trimEnd(), 200)}`)
    const lines = [truncate(oneLine(r.summary), 500), ...evidence]
    if (r.fix) lines.push(`Fix: ${truncate(oneLine(r.fix), 500)}`)
    if (!isBlocking(r, failOn)) lines.push(`(does not fail the step under fail-on: ${failOn})`)
    const a: Annotation = {
      level: r.severity,
      title: truncate(`${target}${r.id}: ${oneLine(r.title)}`, 200),
      message: lines.join('\n'),
      file: stripControl(location.file),
    }
    if (location.line !== undefined) a.startLine = location.line
    return [a]
  })
}
