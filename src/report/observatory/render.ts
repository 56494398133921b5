/**
 * The Observatory grade on every surface: one line for the PR comment and the step log ("would
 * grade B+ after deploy", the modifiers that moved the score), and a folded table of all ten
 * tests for the job summary.
 */
import type { Report } from '../report'
import { codeSpan, escapeMarkdown } from '../sanitize'
import type { TestOutcome } from './grade'

const signed = (n: number): string => (n > 0 ? `+${n}` : `${n}`)

function moved(tests: readonly TestOutcome[]): TestOutcome[] {
  return tests.filter((t) => t.modifier !== 0)
}

/** "would grade B+ after deploy (80/100): csp-implemented-with-unsafe-inline -20, ..." (plain). */
export function observatoryLine(report: Report): string {
  const o = report.observatory
  if (o === undefined) return ''
  if ('unavailable' in o) return `MDN HTTP Observatory: no grade (${o.unavailable})`
  const mods = moved(o.tests).map((t) => `${t.result} ${signed(t.modifier)}`)
  return `MDN HTTP Observatory: would grade ${o.grade} after deploy (${o.score}/100 for ${o.page}${mods.length ? `: ${mods.join(', ')}` : ''})`
}

/** The comment's line: the letter in bold, every modifier that moved the score. */
export function observatoryCommentLine(report: Report): string {
  const o = report.observatory
  if (o === undefined || 'unavailable' in o) return ''
  const mods = moved(o.tests).map((t) => `${codeSpan(t.result, 80)} ${signed(t.modifier)}`)
  const page = codeSpan(o.page, 120)
  return `🛡️ **MDN HTTP Observatory:** would grade **${escapeMarkdown(o.grade, 3)}** after deploy (${o.score}/100 for ${page}${mods.length ? `: ${mods.join(' · ')}` : ''})`
}

/** The summary's block: the line, then every test with its result and modifier, folded. */
export function observatoryMarkdown(report: Report): string {
  const o = report.observatory
  if (o === undefined) return ''
  if ('unavailable' in o)
    return `🛡️ **MDN HTTP Observatory:** no grade (${escapeMarkdown(o.unavailable, 200)})`
  const rows = o.tests.map(
    (t) => `| ${escapeMarkdown(t.test, 80)} | ${codeSpan(t.result, 100)} | ${signed(t.modifier)} |`,
  )
  const others = o.responses.map(
    (r) => `${codeSpan(r.request, 120)} ${r.status}: ${escapeMarkdown(r.grade, 3)} (${r.score})`,
  )
  return [
    observatoryCommentLine(report),
    '',
    `<details><summary>Observatory tests (algorithm ${o.algorithm_version}) and the other responses</summary>`,
    '',
    '| Test | Result | Modifier |',
    '|---|---|---|',
    ...rows,
    '',
    ...(others.length
      ? [`Each other response graded as if it were the page: ${others.join(' · ')}`, '']
      : []),
    ...o.notes.map((n) => `- _${escapeMarkdown(n, 200)}_`),
    '',
    '</details>',
  ].join('\n')
}
