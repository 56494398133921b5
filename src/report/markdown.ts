/**
 * The job-summary Markdown for one target. Every piece of result text goes through
 * escapeMarkdown / inlineMarkdown / codeSpan / codeBlock, since results quote app-controlled text. The small
 * pieces are exported for the pull-request comment, which reuses them. Skipped checks are listed
 * apart from the table: blocked ones under their cause, the others by reason.
 */
import type { CheckResult, Severity } from '../checks/lib/types'
import { baselineMarkdown, exceptionsMarkdown } from './adoption'
import { countsText, locationText, timingsText } from './format'
import { observatoryMarkdown } from './observatory/render'
import { routesMarkdown } from './routes'
import type { Report, Verdict } from './report'
import { codeBlock, codeSpan, escapeMarkdown, inlineMarkdown } from './sanitize'
import { isBlocked, skipGroups, skipHeading, type SkipGroup } from './skips'

const FAILED_ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', notice: 'ℹ️' }
/** A check that applies but could not be observed. */
export const BLOCKED_ICON = '🚫'

/**
 * ✅ passed, 🚫 could not be checked (blocked), ⏭️ skipped otherwise, and for a failure its
 * severity: ❌ error, ⚠️ warning, ℹ️ notice.
 */
export function statusIcon(
  result: Pick<CheckResult, 'status' | 'severity' | 'skip_reason'>,
): string {
  if (result.status === 'passed') return '✅'
  if (isBlocked(result)) return BLOCKED_ICON
  if (result.status === 'skipped') return '⏭️'
  return FAILED_ICON[result.severity]
}

/** ✅ for pass, ❌ for fail. */
export function verdictIcon(verdict: Verdict): string {
  return verdict === 'pass' ? '✅' : '❌'
}

/** "❌ flask-deploy-check · web: fail — 2 failed (1 error, 1 warning), 14 passed, 10 skipped". */
export function headingText(report: Report): string {
  const name = report.target.name ? ` · ${escapeMarkdown(report.target.name, 100)}` : ''
  const tool = escapeMarkdown(report.tool.name, 60)
  return `${verdictIcon(report.verdict)} ${tool}${name}: ${report.verdict} — ${countsText(report.checks)}`
}

/** One line for lists: "❌ `tls.hsts` HSTS on every HTTPS response: <summary>". */
export function statusLine(result: CheckResult): string {
  const id = codeSpan(result.id, 80)
  return `${statusIcon(result)} ${id} ${escapeMarkdown(result.title, 120)}: ${inlineMarkdown(result.summary, 200)}`
}

/** The checklist table, one row per result in the given (catalog) order. */
export function checksTable(results: readonly CheckResult[]): string {
  const rows = results.map((r) => {
    const check = `${codeSpan(r.id, 80, true)} ${escapeMarkdown(r.title, 120)}`
    return `| ${statusIcon(r)} | ${check} | ${inlineMarkdown(r.summary, 200, true)} |`
  })
  return ['| | Check | Result |', '|---|---|---|', ...rows].join('\n')
}

/** Caps for a failure section; the PR comment, limited to 65536 characters, may want smaller. */
export interface SectionLimits {
  /** Heading level of the section (default 4). */
  headingLevel?: number
  /** Characters of summary and of fix (default 500). */
  textLength?: number
  /** Evidence lines shown (default 20) and characters per line (default 300). */
  evidenceLines?: number
  lineLength?: number
}

/** The section for one failed check: summary, evidence, fix and where to change it. */
export function failureSection(result: CheckResult, limits: SectionLimits = {}): string {
  const { headingLevel = 4, textLength = 500, evidenceLines = 20, lineLength = 300 } = limits
  const hashes = '#'.repeat(headingLevel)
  const parts = [
    `${hashes} ${statusIcon(result)} ${codeSpan(result.id, 80)} ${escapeMarkdown(result.title, 120)}`,
    inlineMarkdown(result.summary, textLength),
  ]
  if (result.evidence.length > 0) {
    parts.push(codeBlock(result.evidence, { maxLines: evidenceLines, maxLen: lineLength }))
  }
  if (result.fix) parts.push(`**Fix:** ${inlineMarkdown(result.fix, textLength)}`)
  if (result.location) parts.push(`**Where:** ${codeSpan(locationText(result.location), 200)}`)
  return parts.join('\n\n')
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, notice: 2 }

/** Failed results, errors first, then catalog order (Array.prototype.sort is stable). */
export function failedInOrder(results: readonly CheckResult[]): CheckResult[] {
  return results
    .filter((r) => r.status === 'failed')
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity])
}

/** "<sub>build 12.3 s · boot 4.1 s · … · flask-deploy-check 0.1.0</sub>". */
export function timingsFooter(report: Report): string {
  const tool = escapeMarkdown(`${report.tool.name} ${report.tool.version}`, 80)
  return `<sub>${timingsText(report.timings_ms, ' · ')} · ${tool}</sub>`
}

/**
 * A blocked group's cause: "blocked by `boot.ready`: container did not become ready: ...", or
 * "could not be checked: ..." when no failed check is behind it.
 */
export function causeMarkdown(group: SkipGroup, textLength = 300): string {
  const cause = inlineMarkdown(group.cause ?? '', textLength)
  return group.blockedBy
    ? `blocked by ${codeSpan(group.blockedBy, 80)}: ${cause}`
    : `could not be checked: ${cause}`
}

/** Why a blocked group matters, when it does: its error checks fail the verdict. */
export function failsClosedNote(group: SkipGroup, verdict: Verdict): string {
  if (verdict !== 'fail' || !group.checks.some((r) => r.severity === 'error')) return ''
  return '_A check that could not run is not a pass: the error checks among these fail the verdict._'
}

/** "Could not be checked" (one heading per cause) and "Skipped" (by reason), for the summary. */
export function skippedSections(report: Report): string[] {
  const groups = skipGroups(report.checks)
  const blocked = groups.filter((g) => g.reason === 'blocked')
  const rest = groups.filter((g) => g.reason !== 'blocked')
  const parts: string[] = []
  if (blocked.length > 0) parts.push(`### ${skipHeading('blocked')}`)
  for (const g of blocked) {
    const items = g.checks.map((r) => {
      const error = r.severity === 'error' ? ' (error)' : ''
      return `- ${codeSpan(r.id, 80)} ${escapeMarkdown(r.title, 120)}${error}`
    })
    const note = failsClosedNote(g, report.verdict)
    parts.push(
      `#### ${BLOCKED_ICON} ${causeMarkdown(g)}`,
      ...(note ? [note] : []),
      items.join('\n'),
    )
  }
  if (rest.length > 0) parts.push('### Skipped')
  for (const g of rest) {
    const heading = skipHeading(g.reason)
    parts.push(`**${heading}**`, g.checks.map((r) => `- ${statusLine(r)}`).join('\n'))
  }
  return parts
}

/** The whole job summary for one target: the checked checks, the fixes, then the skipped ones. */
export function renderSummary(report: Report): string {
  const t = report.target
  const meta = [
    `Image ${codeSpan(t.image || '(none)', 200)}`,
    `context ${codeSpan(t.context, 200)}`,
    `Dockerfile ${codeSpan(t.file, 200)}`,
  ].join(' · ')
  const checked = report.checks.filter((r) => r.status !== 'skipped')
  const failed = failedInOrder(report.checks)
  const parts = [`### ${headingText(report)}`, meta]
  const routes = routesMarkdown(report)
  if (routes) parts.push(routes)
  const baseline = baselineMarkdown(report)
  if (baseline) parts.push(baseline)
  if (checked.length > 0) parts.push(checksTable(checked))
  const exceptions = exceptionsMarkdown(report)
  if (exceptions) parts.push(exceptions)
  if (failed.length > 0) parts.push('### What to fix', ...failed.map((r) => failureSection(r)))
  const observatory = observatoryMarkdown(report)
  if (observatory) parts.push(observatory)
  parts.push(...skippedSections(report), timingsFooter(report))
  return `${parts.join('\n\n')}\n`
}
