/**
 * Text for people: keeping what the app printed short and harmless, counting, listing, and
 * hiding values in build-log lines. Pure.
 */

/** One line of at most `max` characters: text from the app may be long, multi-line or hostile. */
export function clip(text: string, max = 200): string {
  // Matching control characters is the point here: Werkzeug colours its request lines, and
  // evidence must not carry terminal escapes or NULs.
  const line = text
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

/** The last `n` non-empty lines, each clipped. */
export function lastLines(lines: readonly string[], n: number): string[] {
  return lines
    .filter((l) => l.trim() !== '')
    .slice(-n)
    .map((l) => clip(l))
}

/**
 * Items joined by ', ' up to about `max` characters, never cutting one (a cut would defeat the
 * redaction of a token inside it), then ' and N more'.
 */
export function listOf(items: readonly string[], max = 200): string {
  const kept: string[] = []
  let length = 0
  for (const item of items) {
    if (kept.length > 0 && length + item.length + 2 > max) break
    kept.push(item)
    length += item.length + 2
  }
  const more = items.length - kept.length
  return `${kept.join(', ')}${more > 0 ? ` and ${more} more` : ''}`
}

/** Milliseconds as seconds for people: 1234 -> '1.2 s'. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

/** `n word`, plural when n != 1: plural(2, 'worker') = '2 workers'. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`
}

/**
 * A build-log line with values hidden: the legacy builder echoes `Step 5/9 : ENV SECRET_KEY=...`
 * and BuildKit quotes Dockerfile lines on errors, so ENV/ARG values and URL passwords are
 * replaced by *** before a line becomes evidence.
 */
export function maskBuildLine(line: string): string {
  const masked = line.replace(/([a-z][a-z0-9+.-]*:\/\/[^/@:\s]*:)[^/@\s]+@/gi, '$1***@')
  const m = /\b(ENV|ARG)\s+(.*)$/i.exec(masked)
  if (m === null) return masked
  const head = masked.slice(0, m.index + m[1].length + 1)
  const rest = m[2]
  // `ENV NAME value with spaces` (legacy form) or `NAME=value NAME2="..."` pairs.
  const body =
    /^[A-Za-z_][A-Za-z0-9_]*\s+[^=\s]/.test(rest) && !/^\S+=/.test(rest)
      ? rest.replace(/^(\S+)\s+.*$/, '$1 ***')
      : rest.replace(
          /([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)/g,
          (_all, name: string, value: string) => (value === '' ? `${name}=` : `${name}=***`),
        )
  return head + body
}

/** The first `SomethingError: message` line: the root cause, before the cascade that follows. */
export function firstError(lines: readonly string[]): string | undefined {
  const line = lines.find((l) => /^\s*[A-Za-z_][\w.]*(Error|Exception): /.test(l))
  return line === undefined ? undefined : clip(line)
}
