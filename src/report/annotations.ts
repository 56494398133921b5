/**
 * Annotations (data only) for failed results that point at a file line, with the checks each one
 * blocked: main.ts hands them to core.error / core.warning / core.notice, which escape them for
 * the workflow-command syntax.
 */
import type { Severity } from '../checks/lib/types'
import type { FailOn } from '../options'
import { blockedCountText } from './format'
import { failsStep, type Report } from './report'
import { oneLine, stripControl, truncate } from './sanitize'
import { skipGroups } from './skips'

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
 * Annotations for the failed results that have a location, level = severity. The checks a
 * failure blocked are named under it, so the cause and its consequence sit on one line of the
 * file. The message says when neither fails the step under `failOn`, so an error annotation on
 * a green run is not a puzzle. Blocked checks without a located cause have no file to point at:
 * the step's failure message names them.
 */
export function annotationsFor(report: Report, failOn: FailOn): Annotation[] {
  const target = report.target.name ? `[${oneLine(report.target.name)}] ` : ''
  const groups = skipGroups(report.checks)
  const newOnly = report.baseline?.fail_on_new_only ?? false
  return report.checks.flatMap((r) => {
    const location = r.location
    if (r.status !== 'failed' || location === undefined) return []
    const blocked = groups.filter((g) => g.blockedBy === r.id).flatMap((g) => g.checks)
    const evidence = r.evidence
      .flatMap((e) => stripControl(e).split(/\r?\n/))
      .filter((l) => l.trim() !== '')
      .slice(0, MAX_EVIDENCE_LINES)
      .map((l) => `  ${truncate(l.trimEnd(), 200)}`)
    const lines = [truncate(oneLine(r.summary), 500), ...evidence]
    if (r.fix) lines.push(`Fix: ${truncate(oneLine(r.fix), 500)}`)
    if (blocked.length > 0) {
      const ids = truncate(blocked.map((x) => x.id).join(', '), 1000)
      lines.push(`Because of this, ${blockedCountText(blocked)}: ${ids}`)
    }
    if (![r, ...blocked].some((x) => failsStep(x, failOn, newOnly)))
      lines.push(
        newOnly && r.baseline === 'still failing'
          ? '(failing in the baseline too: does not fail the step under fail-on-new-only)'
          : `(does not fail the step under fail-on: ${failOn})`,
      )
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
