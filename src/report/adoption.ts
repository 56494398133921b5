/**
 * What the policy file and the baseline did to a run, for every surface: the step log (plain
 * lines), the job summary and the PR comment (Markdown). Each exception shows its level, reason
 * and expiry (or the day it expired); the baseline shows new failures and fixes first.
 */
import { codeSpan, escapeMarkdown, inlineMarkdown, oneLine, truncate } from './sanitize'
import type { Report, ReportCheck } from './report'

const excepted = (report: Report): ReportCheck[] =>
  report.checks.filter((c) => c.policy?.exception !== undefined)

/** "at warning (was error) until 2099-12-31", "off", or "expired on 2020-01-01 (counts at error again)". */
function exceptionState(c: ReportCheck): string {
  const e = c.policy?.exception
  if (e === undefined) return ''
  if (e.expired) return `expired on ${e.until} (counts at ${e.original_severity} again)`
  const level = e.level === 'off' ? 'off (skipped)' : `at ${e.level} (was ${e.original_severity})`
  return e.until ? `${level} until ${e.until}` : level
}

/** One plain line per exception: "policy: tls.hsts at warning (was error) until ...: reason". */
export function exceptionLines(report: Report): string[] {
  return excepted(report).map((c) => {
    const reason = truncate(oneLine(c.policy?.exception.reason ?? ''), 300)
    return `policy exception: ${c.id} ${exceptionState(c)}: ${reason}`
  })
}

const ids = (list: string[]): string => (list.length > 0 ? list.join(', ') : 'none')

/** Plain lines on the baseline: the counts by state, then what could not be compared. */
export function baselineLines(report: Report): string[] {
  const b = report.baseline
  if (b === undefined) return []
  const head = `baseline ${b.file}: new failures: ${ids(b.new_failures)}; fixed: ${ids(b.fixed)}; still failing: ${ids(b.still_failing)}`
  const mode = b.fail_on_new_only ? ['fail-on-new-only: only new failures fail the step'] : []
  return [head, ...mode, ...b.notes.map((n) => `baseline: ${truncate(oneLine(n), 500)}`)]
}

const spans = (list: string[]): string => list.map((id) => codeSpan(id, 80)).join(' · ')

/** The baseline block: new failures and fixes first, then still failing and the notes. */
export function baselineMarkdown(report: Report): string {
  const b = report.baseline
  if (b === undefined) return ''
  const lines = [`**Compared with the baseline** ${codeSpan(b.file, 200)}`]
  lines.push(
    b.new_failures.length > 0
      ? `- 🆕 **New failures (${b.new_failures.length}):** ${spans(b.new_failures)}`
      : '- 🆕 **New failures:** none',
  )
  if (b.fixed.length > 0) lines.push(`- 🎉 **Fixed (${b.fixed.length}):** ${spans(b.fixed)}`)
  if (b.still_failing.length > 0)
    lines.push(`- **Still failing (${b.still_failing.length}):** ${spans(b.still_failing)}`)
  if (b.fail_on_new_only)
    lines.push(
      '- _fail-on-new-only: only new failures (and newly blocked error checks) fail the step_',
    )
  for (const n of b.notes) lines.push(`- _${inlineMarkdown(n, 300)}_`)
  return lines.join('\n')
}

/** The exceptions block: one item per check the policy names, with its reason and expiry. */
export function exceptionsMarkdown(report: Report): string {
  const list = excepted(report)
  if (list.length === 0) return ''
  const file = report.policy ? ` ${codeSpan(report.policy.file, 200)}` : ''
  const items = list.map((c) => {
    const e = c.policy?.exception
    const icon = e?.expired ? '⌛' : '📝'
    const state = escapeMarkdown(exceptionState(c), 200)
    return `- ${icon} ${codeSpan(c.id, 80)} ${state}: ${inlineMarkdown(e?.reason ?? '', 300)}`
  })
  return [`**Policy exceptions**${file}`, ...items].join('\n')
}
