/**
 * The CLI's checklist: one line per check that ran, failures followed by their evidence, fix and
 * location, then the skipped checks by group (blocked ones under their cause), the verdict and
 * timings. Result text is app-controlled, so escape sequences and
 * control characters are stripped before printing; colour is added only when asked for.
 */
import type { CheckResult } from '../checks/lib/types'
import { blockedCountText, causeText, countsText, locationText, timingsText } from './format'
import type { Report } from './report'
import { oneLine, stripControl, truncate } from './sanitize'
import { skipGroups, skipHeading } from './skips'

/** How to render. */
export interface TerminalOptions {
  /** Add ANSI colours (only for a TTY that wants them). */
  color: boolean
}

const MAX_EVIDENCE_LINES = 8
const MAX_LINE = 160
/** Blocked ids are listed in lines that fit a common terminal width. */
const IDS_WIDTH = 96

type Paint = (code: string, text: string) => string
const ANSI_CODES = { green: '32', red: '31', yellow: '33', cyan: '36', dim: '2', bold: '1' }
type Colour = keyof typeof ANSI_CODES

function painter(color: boolean): (colour: Colour, text: string) => string {
  const paint: Paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text)
  return (colour, text) => paint(ANSI_CODES[colour], text)
}

/** The glyph and colour of a result: ✔ passed, ✖ error, ! warning, i notice, - skipped. */
export function glyphOf(result: Pick<CheckResult, 'status' | 'severity'>): [string, Colour] {
  if (result.status === 'passed') return ['✔', 'green']
  if (result.status === 'skipped') return ['-', 'dim']
  if (result.severity === 'error') return ['✖', 'red']
  if (result.severity === 'warning') return ['!', 'yellow']
  return ['i', 'cyan']
}

/** Evidence lines, indented and capped (entries may hold several lines). */
function evidenceLines(evidence: readonly string[]): string[] {
  const all = evidence
    .flatMap((e) =>
      stripControl(e)
        .replace(/\t/g, '  ')
        .split(/\r?\n|\r/),
    )
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
  const shown = all.slice(0, MAX_EVIDENCE_LINES).map((l) => `    ${truncate(l, MAX_LINE)}`)
  if (all.length > MAX_EVIDENCE_LINES) shown.push(`    … ${all.length - MAX_EVIDENCE_LINES} more`)
  return shown
}

/** The lines for one result. */
export function resultLines(r: CheckResult, idWidth: number, options: TerminalOptions): string[] {
  const paint = painter(options.color)
  const [glyph, colour] = glyphOf(r)
  const summary = truncate(oneLine(r.summary), 200)
  const head = `${paint(colour, `${glyph} ${r.id.padEnd(idWidth)}`)}  ${r.status === 'skipped' ? paint('dim', summary) : summary}`
  if (r.status !== 'failed') return [head]
  const lines = [head, ...evidenceLines(r.evidence)]
  if (r.fix) lines.push(`    fix: ${truncate(oneLine(r.fix), 300)}`)
  if (r.location) lines.push(`    at ${truncate(oneLine(locationText(r.location)), MAX_LINE)}`)
  return lines
}

/** Words joined by ", " into lines of at most `width` characters (a longer word stands alone). */
function wrap(words: readonly string[], width: number): string[] {
  const lines: string[] = []
  for (const w of words) {
    const last = lines.length - 1
    if (last >= 0 && lines[last].length + 2 + w.length <= width) lines[last] += `, ${w}`
    else lines.push(w)
  }
  return lines.map((l, i) => (i < lines.length - 1 ? `${l},` : l))
}

/**
 * The skipped checks by group: "? 20 could not be checked (11 errors) — blocked by boot.ready:
 * ..." with the ids beneath, then each other reason with one line per check and its summary.
 */
export function skippedLines(report: Report, idWidth: number, options: TerminalOptions): string[] {
  const paint = painter(options.color)
  return skipGroups(report.checks).flatMap((g) => {
    if (g.reason !== 'blocked') {
      const items = g.checks.map(
        (r) => `    ${r.id.padEnd(idWidth)}  ${truncate(oneLine(r.summary), 200)}`,
      )
      return [
        '',
        paint('dim', `- ${skipHeading(g.reason).toLowerCase()}`),
        ...items.map((l) => paint('dim', l)),
      ]
    }
    const head = `${paint('yellow', `? ${blockedCountText(g.checks)}`)} — ${truncate(oneLine(causeText(g)), 300)}`
    const ids = wrap(
      g.checks.map((r) => r.id),
      IDS_WIDTH,
    ).map((l) => `    ${l}`)
    return ['', head, ...ids]
  })
}

/** "FAIL: 2 failed (1 error, 1 warning), 3 could not be checked, 14 passed, 7 skipped". */
export function verdictLine(report: Report, options: TerminalOptions): string {
  const paint = painter(options.color)
  const word = report.verdict === 'pass' ? paint('green', 'PASS') : paint('red', 'FAIL')
  return `${paint('bold', word)}: ${countsText(report.checks)}`
}

/** The whole checklist for one target, without a trailing newline. */
export function renderTerminal(report: Report, options: TerminalOptions): string {
  const paint = painter(options.color)
  const t = report.target
  const target = t.name ? ` · target ${truncate(oneLine(t.name), 100)}` : ''
  const image = ` · image ${truncate(oneLine(t.image), 200)}`
  const header = paint('bold', `${report.tool.name} ${report.tool.version}${target}${image}`)
  const idWidth = Math.max(0, ...report.checks.map((r) => r.id.length))
  const checked = report.checks.filter((r) => r.status !== 'skipped')
  const body = checked.flatMap((r) => resultLines(r, idWidth, options))
  const footer = [
    verdictLine(report, options),
    paint('dim', `timings: ${timingsText(report.timings_ms)}`),
  ]
  return [header, '', ...body, ...skippedLines(report, idWidth, options), '', ...footer].join('\n')
}
