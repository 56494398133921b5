/**
 * Splitting command lines into words. A shell form (a Dockerfile CMD, `sh -c "..."`, a
 * GUNICORN_CMD_ARGS value) is split the way /bin/sh would; `docker top` prints a process's args
 * space-joined with the original quoting lost, so those are split on whitespace only.
 */

/**
 * One scanner for both uses: `strict` refuses (undefined) anything the JSON form of CMD cannot
 * express; otherwise such characters stay part of the words.
 */
function scan(line: string, strict: boolean): string[] | undefined {
  const words: string[] = []
  let word: string | undefined
  let quote: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote !== undefined) {
      if (c === quote) quote = undefined
      else if (strict && quote === '"' && /[$`]/.test(c)) return undefined
      else if (quote === '"' && c === '\\' && /["\\]/.test(line[i + 1] ?? '')) word += line[++i]
      else word += c
    } else if (c === '"' || c === "'") {
      quote = c
      word ??= ''
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word)
      word = undefined
    } else if (strict && /[&|;<>$`()*?{}]/.test(c)) {
      return undefined
    } else if (c === '\\') {
      word = (word ?? '') + (line[++i] ?? '')
    } else {
      word = (word ?? '') + c
    }
  }
  if (strict && quote !== undefined) return undefined
  if (word !== undefined) words.push(word)
  return words
}

/** The words of a shell command line: quotes and backslashes as /bin/sh reads them, `$VAR` and operators kept as text. */
export function splitWords(line: string): string[] {
  return scan(line, false) ?? []
}

/**
 * The words of a plain shell command, or undefined when it uses anything the JSON form cannot
 * express (variables, &&, pipes, redirections, globs, subshells, an open quote).
 */
export function plainWords(command: string): string[] | undefined {
  const words = scan(command, true)
  return words !== undefined && words.length > 0 ? words : undefined
}

/** A process's args as `docker top` prints them (space-joined, quoting lost), split on whitespace. */
export function argWords(args: string): string[] {
  return args
    .trim()
    .split(/\s+/)
    .filter((t) => t.length > 0)
}
