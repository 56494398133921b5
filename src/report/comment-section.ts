/**
 * One target's section of the pull-request comment: verdict and counts first, then the failed
 * checks as a checklist with summary and fix (evidence folded), warnings, each cause of checks
 * that could not be checked with their ids, the passed and skipped checks folded, timings, the
 * commit and the run. Result text is app-controlled, so it goes
 * through the sanitize helpers, and `<!--` is defused so nothing inside can forge our markers.
 */
import type { CheckResult } from '../checks/lib/types'
import { baselineMarkdown, exceptionsMarkdown } from './adoption'
import { blockedCountText, countsText, locationText, timingsText } from './format'
import {
  BLOCKED_ICON,
  causeMarkdown,
  failedInOrder,
  failsClosedNote,
  statusIcon,
  statusLine,
  verdictIcon,
  type SectionLimits,
} from './markdown'
import { observatoryCommentLine } from './observatory/render'
import type { Report, ReportCheck } from './report'
import { codeBlock, codeSpan, escapeMarkdown, inlineMarkdown } from './sanitize'
import { isBlocked, skipGroups, skipHeading } from './skips'

/** First line of the comment body; identifies the comment as ours. */
export const COMMENT_MARKER = '<!-- flask-deploy-check -->'

/** Which target a section is for, and which run wrote it. */
export interface SectionMeta {
  /** The `name` input ('' = unnamed target). */
  name: string
  /** The commit checked (full SHA; the section shows 7 characters). */
  sha: string
  /** Link to the workflow run. */
  runUrl?: string
}

/** SectionLimits plus the two things fitComment may drop from the comment. */
export interface CommentLimits extends SectionLimits {
  /** Show each failure's evidence (default true). */
  evidence?: boolean
  /** List the passed and skipped checks (default true). */
  passedList?: boolean
}

const SECTION = 'flask-deploy-check:section'
/** Wrappers of the blocks fitComment may cut from other targets' sections. */
export const EVIDENCE_BLOCK = { open: '<!-- fdc:evidence -->', close: '<!-- /fdc:evidence -->' }
export const PASSED_BLOCK = { open: '<!-- fdc:passed -->', close: '<!-- /fdc:passed -->' }

/** `<!-- flask-deploy-check:section name="web" sha="…" -->` (name and sha URI-encoded). */
export function sectionOpen(name: string, sha: string): string {
  return `<!-- ${SECTION} name="${encodeURIComponent(name)}" sha="${encodeURIComponent(sha)}" -->`
}

/** `<!-- /flask-deploy-check:section name="web" -->`. */
export function sectionClose(name: string): string {
  return `<!-- /${SECTION} name="${encodeURIComponent(name)}" -->`
}

/** Matches one whole section; groups: encoded name, encoded sha. */
export const SECTION_PATTERN = new RegExp(
  `<!-- ${SECTION} name="([^"]*)" sha="([^"]*)" -->[\\s\\S]*?<!-- /${SECTION} name="\\1" -->`,
  'g',
)

/** Verbatim text (code spans and blocks) cannot open an HTML comment, so it cannot fake a marker. */
function defuse(markdown: string): string {
  return markdown.replace(/<!--/g, '<!\u200b--')
}

function indent(text: string, by: string): string {
  return text.replace(/^(?=.)/gm, by)
}

function displayName(report: Report, meta: SectionMeta): string {
  return escapeMarkdown(meta.name || report.tool.name, 100)
}

/** `- [ ] ❌ **tls.hsts** summary — _fix_ · `file:line``, then the evidence, folded. */
function checklistItem(r: ReportCheck, limits: CommentLimits): string {
  const { textLength = 500, evidenceLines = 20, lineLength = 300, evidence = true } = limits
  const fix = r.fix ? ` — _${inlineMarkdown(r.fix, textLength)}_` : ''
  const where = r.location ? ` · ${codeSpan(locationText(r.location), 200)}` : ''
  const summary = inlineMarkdown(r.summary, textLength)
  const state = r.baseline === 'new failure' ? ' 🆕 _new_' : ''
  const line = `- [ ] ${statusIcon(r)} **${escapeMarkdown(r.id, 80)}**${state} ${summary}${fix}${where}`
  if (!evidence || r.evidence.length === 0) return defuse(line)
  const block = codeBlock(r.evidence, { maxLines: evidenceLines, maxLen: lineLength })
  const details = [
    `${EVIDENCE_BLOCK.open}<details><summary>evidence</summary>`,
    '',
    defuse(block),
    '',
    `</details>${EVIDENCE_BLOCK.close}`,
  ].join('\n')
  return `${defuse(line)}\n\n${indent(details, '  ')}`
}

function passedCounts(report: Report): string {
  const passed = report.checks.filter((r) => r.status === 'passed').length
  const skipped = report.checks.filter((r) => r.status === 'skipped' && !isBlocked(r)).length
  return skipped > 0 ? `${passed} passed, ${skipped} skipped` : `${passed} passed`
}

/** The passed checks, then the other skipped ones by reason, folded under `summary`. */
function passedBlock(report: Report, summary: string, limits: CommentLimits, tail = ''): string {
  const list = (rs: readonly CheckResult[]): string =>
    rs.map((r) => `- ${defuse(statusLine(r))}`).join('\n')
  const skipped = skipGroups(report.checks).filter((g) => g.reason !== 'blocked')
  const lists = [
    list(report.checks.filter((r) => r.status === 'passed')),
    ...skipped.map((g) => `**${skipHeading(g.reason)}**\n\n${list(g.checks)}`),
  ].filter((l) => l !== '')
  const lines = limits.passedList === false ? ['_List cut to fit the comment size limit._'] : lists
  if (tail) lines.push(tail)
  return [
    `${PASSED_BLOCK.open}<details><summary>${summary}</summary>`,
    '',
    ...lines.flatMap((l) => [l, '']),
    `</details>${PASSED_BLOCK.close}`,
  ].join('\n')
}

/**
 * Each cause of blocked checks, not folded (error ones fail the verdict): `🚫 **20 could not be
 * checked (11 errors)** — blocked by `boot.ready`: ...`, the note on the verdict, then the ids.
 */
function blockedGroups(report: Report, limits: CommentLimits): string[] {
  const { textLength = 500 } = limits
  return skipGroups(report.checks)
    .filter((g) => g.reason === 'blocked')
    .map((g) => {
      const head = `${BLOCKED_ICON} **${blockedCountText(g.checks)}** — ${causeMarkdown(g, textLength)}`
      const note = failsClosedNote(g, report.verdict)
      const ids = g.checks.map((r) => codeSpan(r.id, 80)).join(' · ')
      return defuse([head, ...(note ? [note] : []), ids].join('\n\n'))
    })
}

/** `abc1234` · [workflow run](…); a run URL that is not plain http(s) is left out. */
function provenance(meta: SectionMeta): string[] {
  const parts: string[] = []
  if (meta.sha) parts.push(`commit ${codeSpan(meta.sha.slice(0, 7), 7)}`)
  if (meta.runUrl && /^https?:\/\/[^\s<>()[\]"'`\\]+$/.test(meta.runUrl)) {
    parts.push(`[workflow run](${meta.runUrl})`)
  }
  return parts
}

function footer(report: Report, meta: SectionMeta): string {
  const tool = escapeMarkdown(`${report.tool.name} ${report.tool.version}`, 80)
  const parts = [timingsText(report.timings_ms, ' · '), ...provenance(meta), tool]
  return `<sub>${parts.join(' · ')}</sub>`
}

function allPassBody(report: Report, meta: SectionMeta, limits: CommentLimits): string[] {
  const line = [
    `${verdictIcon('pass')} **${displayName(report, meta)}**: pass — ${passedCounts(report)}`,
    timingsText(report.timings_ms, ' · '),
    ...provenance(meta),
  ].join(' · ')
  return [
    line,
    ...observatory(report),
    ...adoption(report),
    passedBlock(report, 'details', limits, footer(report, meta)),
  ]
}

/** The Observatory grade line, when the run has one. */
function observatory(report: Report): string[] {
  const line = observatoryCommentLine(report)
  return line ? [line] : []
}

/** The baseline (new failures and fixes) and the policy's exceptions, when there are any. */
function adoption(report: Report): string[] {
  return [baselineMarkdown(report), exceptionsMarkdown(report)].filter((p) => p !== '').map(defuse)
}

function failingBody(report: Report, meta: SectionMeta, limits: CommentLimits): string[] {
  const failed = failedInOrder(report.checks)
  const errors = failed.filter((r) => r.severity === 'error')
  const warnings = failed.filter((r) => r.severity !== 'error')
  const title = `### ${verdictIcon(report.verdict)} ${displayName(report, meta)}: ${report.verdict} — ${countsText(report.checks)}`
  const baseline = baselineMarkdown(report)
  const exceptions = exceptionsMarkdown(report)
  const parts = [title, ...(baseline ? [defuse(baseline)] : [])]
  if (errors.length > 0) parts.push(errors.map((r) => checklistItem(r, limits)).join('\n\n'))
  if (warnings.length > 0) {
    parts.push('**Warnings**', warnings.map((r) => checklistItem(r, limits)).join('\n\n'))
  }
  if (limits.evidence === false && failed.some((r) => r.evidence.length > 0)) {
    parts.push('_Evidence cut to fit the comment size limit; see the job summary._')
  }
  if (exceptions) parts.push(defuse(exceptions))
  parts.push(...blockedGroups(report, limits), ...observatory(report))
  if (
    report.checks.some((r) => r.status === 'passed' || (r.status === 'skipped' && !isBlocked(r)))
  ) {
    parts.push(passedBlock(report, passedCounts(report), limits))
  }
  parts.push(footer(report, meta))
  return parts
}

/**
 * One target's section, wrapped in its section markers. When nothing failed and nothing was
 * blocked it is one line
 * (`✅ **web**: pass — 24 passed, 2 skipped · build 1.6 s · …`) with the details folded below.
 */
export function renderSection(
  report: Report,
  meta: SectionMeta,
  limits: CommentLimits = {},
): string {
  const clean = report.checks.every((r) => r.status !== 'failed' && !isBlocked(r))
  const body =
    report.counts.failed === 0 && clean
      ? allPassBody(report, meta, limits)
      : failingBody(report, meta, limits)
  return [sectionOpen(meta.name, meta.sha), ...body, sectionClose(meta.name)].join('\n\n')
}
