/**
 * Caddyfile line numbers for facts Caddy's adapter already gave us. `caddy adapt` prints JSON
 * without source positions, so a fact (a header name, an upstream, a path matcher) is pointed
 * at the first line, within its site block, whose words include it. This locates; it does not
 * read the Caddyfile's meaning (that comes from the adapter).
 */

export interface CaddyLines {
  /** Words of each line (1-based: words[0] is line 1), comments and quotes removed. */
  words: string[][]
}

/** Splits each line into words: `#` comments dropped, "quoted values" kept as one word. */
export function caddyLines(text: string): CaddyLines {
  const words = text.split(/\r?\n/).map((line) => {
    const out: string[] = []
    const re = /"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+)/g
    let m: RegExpExecArray | null
    while ((m = re.exec(line)) !== null) {
      if (m[3]?.startsWith('#')) break
      out.push(m[1] ?? m[2] ?? m[3])
    }
    return out
  })
  return { words }
}

/** The first line in [from, to) (1-based, inclusive from) whose words satisfy `test`. */
export function findLine(
  lines: CaddyLines,
  test: (words: string[]) => boolean,
  from = 1,
  to = lines.words.length + 1,
): number | undefined {
  for (let i = Math.max(1, from); i < to && i <= lines.words.length; i++) {
    if (test(lines.words[i - 1])) return i
  }
  return undefined
}

/** A site address word ('example.com', 'https://example.com:443', 'a.com,') names host. */
function addressNames(word: string, host: string): boolean {
  const bare = word
    .replace(/,$/, '')
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/:\d+$/, '')
    .replace(/\/.*$/, '')
  return bare.toLowerCase() === host.toLowerCase()
}

/** The line of the site block for these hosts (or for a port-only address such as ':443'). */
export function siteLine(lines: CaddyLines, hosts: string[], port?: number): number | undefined {
  const opens = (w: string[]): boolean => w[w.length - 1] === '{' || w.length > 0
  if (hosts.length)
    return findLine(lines, (w) => opens(w) && hosts.some((h) => w.some((x) => addressNames(x, h))))
  return findLine(lines, (w) => w.some((x) => x.replace(/,$/, '') === `:${port ?? 443}`))
}

/** The line of `directive` (its first word) with an argument that `arg` accepts. */
export function directiveLine(
  lines: CaddyLines,
  directive: string,
  arg: (word: string) => boolean,
  from?: number,
  to?: number,
): number | undefined {
  return findLine(lines, (w) => w[0] === directive && w.slice(1).some(arg), from, to)
}

/** The line that sets, adds or deletes response header `name` (`header Name v` or inside `header {`). */
export function headerLine(
  lines: CaddyLines,
  name: string,
  from?: number,
  to?: number,
): number | undefined {
  const n = name.toLowerCase()
  const is = (w: string | undefined): boolean =>
    w !== undefined && w.replace(/^[+\->?]/, '').toLowerCase() === n
  return findLine(lines, (w) => (w[0] === 'header' ? is(w[1]) || is(w[2]) : is(w[0])), from, to)
}

/** Line ranges of the site blocks: each site's line up to the next site's. */
export function blockEnd(starts: number[], start: number, total: number): number {
  return starts.filter((s) => s > start).sort((a, b) => a - b)[0] ?? total + 1
}
