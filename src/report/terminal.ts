/**
 * The CLI's checklist: one line per check, failures followed by their evidence, fix and
 * location, then the verdict and timings. Result text is app-controlled, so escape sequences and
 * control characters are stripped before printing; colour is added only when asked for.
 */
import type { CheckResult } from '../checks/lib/types'
import { countsText, locationText, timingsText } from './format'
import type { Report } from './report'
import { oneLine, stripControl, truncate } from './sanitize'

/** How to render. */
export interface TerminalOptions {
  /** Add ANSI colours (only for a TTY that wants them). */
  color: boolean
}

const MAX_EVIDENCE_LINES = 8
const MAX_LINE = 160

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

/** "FAIL: 2 failed (1 error, 1 warning), 14 passed, 10 skipped". */
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
  const body = report.checks.flatMap((r) => resultLines(r, idWidth, options))
  const footer = [
    verdictLine(report, options),
    paint('dim', `timings: ${timingsText(report.timings_ms)}`),
  ]
  return [header, '', ...body, '', ...footer].join('\n')
}
