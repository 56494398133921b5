/**
 * Untrusted text (app output, response headers, files of the repository under test) is made
 * harmless here before any surface shows it: known secrets are replaced, and Markdown/HTML and
 * terminal control sequences are neutralised. Renderers never emit result text any other way.
 */
import type { CheckResult } from '../checks/lib/types'

/** Shorter values are too likely to occur by chance (and masking them would garble evidence). */
const MIN_SECRET_LENGTH = 4

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Returns a function that replaces every occurrence of each secret (also in its URL-encoded and
 * JSON-escaped forms) with `***`. Values shorter than 4 characters are ignored. One regex pass,
 * longest alternative first, so a secret containing another is replaced whole.
 */
export function makeRedactor(secrets: readonly string[]): (s: string) => string {
  const variants = new Set<string>()
  for (const secret of secrets) {
    for (const v of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) {
      if (v.length >= MIN_SECRET_LENGTH) variants.add(v)
    }
  }
  if (variants.size === 0) return (s) => s
  const sorted = [...variants].sort((a, b) => b.length - a.length)
  const re = new RegExp(sorted.map(escapeRegExp).join('|'), 'g')
  const long = sorted.filter((v) => v.length >= CUT_SECRET_MIN)
  return (s) => long.reduce(maskCutCopies, s.replace(re, '***'))
}

/** Secrets at least this long are also masked where text was cut through them. */
const CUT_SECRET_MIN = 16
const CUT_HEAD = 8

/**
 * Masks copies of `secret` cut short by a length cap (`abcd1234ef…`): its first CUT_HEAD
 * characters and as much of the rest as follows. Whole copies are already `***` by now.
 */
function maskCutCopies(text: string, secret: string): string {
  const head = secret.slice(0, CUT_HEAD)
  let out = ''
  let from = 0
  for (let at = text.indexOf(head); at >= 0; at = text.indexOf(head, from)) {
    let end = at + CUT_HEAD
    while (end < text.length && end - at < secret.length && text[end] === secret[end - at]) end++
    out += `${text.slice(from, at)}***`
    from = end
  }
  return out + text.slice(from)
}

/** Applies `redact` to the free text of each result: summary, evidence and fix. */
export function redactResults(
  results: readonly CheckResult[],
  redact: (s: string) => string,
): CheckResult[] {
  return results.map((r) => {
    const out: CheckResult = { ...r, summary: redact(r.summary), evidence: r.evidence.map(redact) }
    if (r.fix !== undefined) out.fix = redact(r.fix)
    return out
  })
}

// CSI (colours, cursor moves), OSC (titles, hyperlinks; BEL or ST terminated) and 2-byte escapes.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])?/g
// C0 except tab/LF/CR, DEL, C1, and bidi overrides that can make text read differently than it is.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/** Removes terminal escape sequences, control characters and bidi controls; keeps \t \n \r. */
export function stripControl(text: string): string {
  return text.replace(ANSI, '').replace(CONTROL, '')
}

/** Plain single line: controls stripped, line breaks and tabs collapsed to one space, trimmed. */
export function oneLine(text: string): string {
  return stripControl(text)
    .replace(/[ \t]*[\r\n]+[ \t]*/g, ' ')
    .replace(/\t/g, ' ')
    .trim()
}

/** Caps `text` at `maxLen` characters (code points), the last one an ellipsis when cut. */
export function truncate(text: string, maxLen: number): string {
  if (text.length <= maxLen) return text
  const chars = Array.from(text)
  if (chars.length <= maxLen) return text
  return `${chars.slice(0, Math.max(0, maxLen - 1)).join('')}…`
}

const ZWJ = '\u200d'
const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
// Inline Markdown/GFM syntax, including tables (|), strikethrough (~) and math ($).
const MARKDOWN_PUNCTUATION = new Set([...'\\`*_[]()!#|~$'])

/**
 * Makes untrusted text inert in GitHub-flavoured Markdown and HTML, as one line of plain text
 * that may stand in a paragraph, heading, list item or table cell: HTML characters become
 * entities, Markdown punctuation is backslash-escaped, and @mentions, #refs and autolinks are
 * broken with a zero-width joiner (GitHub finds those in rendered text, so entities would not
 * stop them). Control characters are removed, line breaks collapse, length is capped.
 */
export function escapeMarkdown(text: string, maxLen = 300): string {
  return escapeBlockStart(escapeInline(truncate(oneLine(text), maxLen)))
}

function escapeInline(text: string): string {
  const defused = text
    .replace(/([@#])(?=\w)/g, `$1${ZWJ}`)
    .replace(/(https?|ftp|mailto|xmpp)(?=:)/gi, `$1${ZWJ}`)
    .replace(/(www)(?=\.)/gi, `$1${ZWJ}`)
  let out = ''
  for (const ch of defused) {
    out += HTML_ENTITIES[ch] ?? (MARKDOWN_PUNCTUATION.has(ch) ? `\\${ch}` : ch)
  }
  return out
}

// Block markers only count at the start: list items (- + 1.) and setext underlines (=).
function escapeBlockStart(text: string): string {
  return text.replace(/^([-+=])/, '\\$1').replace(/^(\d+)\./, '$1\\.')
}

/** Longest run of backticks in `text`. */
function longestBacktickRun(text: string): number {
  let longest = 0
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length)
  return longest
}

/**
 * An inline code span showing `text` verbatim (one line, capped): the fence is longer than any
 * backtick run inside, and the padding spaces are stripped by the renderer. In a table cell a
 * `|` would still end the cell, so `inTable` escapes it (GFM removes that backslash again).
 */
export function codeSpan(text: string, maxLen = 300, inTable = false): string {
  return fencedSpan(truncate(oneLine(text), maxLen), inTable)
}

function fencedSpan(body: string, inTable: boolean): string {
  const escaped = inTable ? body.replace(/\|/g, '\\|') : body
  const fence = '`'.repeat(longestBacktickRun(escaped) + 1)
  // The renderer strips one space from each side when both are there; pad only when needed.
  const pad = escaped === '' || /^[` ]|[` ]$/.test(escaped) ? ' ' : ''
  return `${fence}${pad}${escaped}${pad}${fence}`
}

/**
 * Like escapeMarkdown, but text between a pair of backticks (as check authors write commands
 * and config lines) becomes a code span instead of literal backticks. Both are inert.
 */
export function inlineMarkdown(text: string, maxLen = 300, inTable = false): string {
  const capped = truncate(oneLine(text), maxLen)
  let out = ''
  let last = 0
  for (const m of capped.matchAll(/`([^`]+)`/g)) {
    const index = m.index ?? 0
    out += escapeInline(capped.slice(last, index)) + fencedSpan(m[1], inTable)
    last = index + m[0].length
  }
  return escapeBlockStart(out + escapeInline(capped.slice(last)))
}

/** Limits for codeBlock. */
export interface CodeBlockOptions {
  /** Lines shown before "… N more lines" (default 20). */
  maxLines?: number
  /** Characters per line (default 300). */
  maxLen?: number
}

/**
 * A fenced code block showing `lines` verbatim (each entry may hold several lines), with
 * controls stripped and both the number of lines and their length capped. The fence is longer
 * than any backtick run inside, so no line can close it.
 */
export function codeBlock(lines: readonly string[], options: CodeBlockOptions = {}): string {
  const { maxLines = 20, maxLen = 300 } = options
  const all = lines.flatMap((l) =>
    stripControl(l)
      .replace(/\t/g, '  ')
      .split(/\r?\n|\r/),
  )
  const shown = all.slice(0, maxLines).map((l) => truncate(l.trimEnd(), maxLen))
  if (all.length > maxLines) shown.push(`… ${all.length - maxLines} more lines`)
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(shown.join('\n')) + 1))
  return `${fence}\n${shown.join('\n')}\n${fence}`
}
