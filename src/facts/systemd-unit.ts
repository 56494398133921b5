/**
 * Reading a systemd unit file as systemd does (systemd.syntax(7), conf-parser.c): sections,
 * `Key=Value` assignments with the 1-based line they start on, lines ending in an unescaped
 * backslash joined with the next (the backslash becomes a space; comment lines inside a
 * continuation are dropped), `#`/`;` comments, and an empty assignment resetting list settings.
 * Values are kept raw here; unit-words.ts splits them as each setting's parser does.
 */

export interface UnitAssignment {
  section: string
  key: string
  /** The value as written, continuation lines joined, surrounding whitespace stripped. */
  value: string
  /** 1-based line of the key. */
  line: number
}

export interface ParsedUnit {
  assignments: UnitAssignment[]
  /** Lines systemd would ignore with a warning ("Missing '='", a key outside any section). */
  ignored: { line: number; reason: string }[]
}

const COMMENT = /^[#;]/

/** True when the line ends in a backslash that is not itself escaped. */
function continues(line: string): boolean {
  let escaped = false
  for (const c of line) escaped = escaped ? false : c === '\\'
  return escaped
}

/** Splits the text into logical lines (continuations joined), each with its first line number. */
function logicalLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = []
  const physical = text.split(/\r?\n/)
  let pending: { text: string; line: number } | undefined
  for (const [i, raw] of physical.entries()) {
    const trimmed = raw.replace(/^\s+/, '')
    // conf-parser.c skips comment lines first, also in the middle of a continuation.
    if (COMMENT.test(trimmed)) continue
    if (pending === undefined && trimmed === '') continue
    const piece = continues(raw) ? `${raw.slice(0, -1)} ` : raw
    if (pending === undefined) pending = { text: piece, line: i + 1 }
    else pending.text += piece
    if (!continues(raw)) {
      out.push(pending)
      pending = undefined
    }
  }
  if (pending !== undefined) out.push(pending)
  return out
}

/** Parses a unit file's text; never throws (what systemd ignores is listed in `ignored`). */
export function parseUnit(text: string): ParsedUnit {
  const assignments: UnitAssignment[] = []
  const ignored: ParsedUnit['ignored'] = []
  let section = ''
  for (const { text: l, line } of logicalLines(text)) {
    const s = l.trim()
    if (s === '') continue
    if (s.startsWith('[')) {
      const m = /^\[([^\]]+)\]$/.exec(s)
      if (m) section = m[1]
      else ignored.push({ line, reason: 'invalid section header' })
      continue
    }
    const eq = s.indexOf('=')
    if (eq < 0) {
      ignored.push({ line, reason: "missing '='" })
      continue
    }
    if (section === '') {
      ignored.push({ line, reason: 'assignment outside of any section' })
      continue
    }
    assignments.push({ section, key: s.slice(0, eq).trim(), value: s.slice(eq + 1).trim(), line })
  }
  return { assignments, ignored }
}

/** The assignments of one key in one section, in file order. */
export function assignmentsOf(unit: ParsedUnit, section: string, key: string): UnitAssignment[] {
  return unit.assignments.filter((a) => a.section === section && a.key === key)
}

/** The effective single value of a setting: the last assignment wins (undefined when unset). */
export function lastOf(unit: ParsedUnit, section: string, key: string): UnitAssignment | undefined {
  const all = assignmentsOf(unit, section, key)
  const last = all[all.length - 1]
  return last === undefined || last.value === '' ? undefined : last
}

/**
 * A list setting's assignments after resets: an empty assignment drops every earlier one
 * (Environment=, EnvironmentFile=, ExecStart=).
 */
export function listOf(unit: ParsedUnit, section: string, key: string): UnitAssignment[] {
  let out: UnitAssignment[] = []
  for (const a of assignmentsOf(unit, section, key)) out = a.value === '' ? [] : [...out, a]
  return out
}
