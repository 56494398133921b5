/**
 * Splitting unit-file values into words as systemd's extract_first_word() does with
 * EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE (Environment=, ExecStart=): whitespace separates words,
 * single and double quotes may open anywhere in a word, a backslash escapes C-style inside and
 * outside quotes (`\n`, `\t`, `\xNN`, `\s`, ...). `%%` is the one specifier resolved here.
 * Unlike a shell, `$` is not special at this stage (ExecStart= expands it later, see execArgv).
 */

const SEPARATORS = /[ \t\n\r]/

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  s: ' ',
  '\\': '\\',
  '"': '"',
  "'": "'",
}

/** One C escape after a backslash at text[i]: the character(s) and how many input chars it used. */
function unescape(text: string, i: number): { out: string; used: number } {
  const c = text[i]
  if (c in SIMPLE_ESCAPES) return { out: SIMPLE_ESCAPES[c], used: 1 }
  const hex = /^x([0-9a-fA-F]{2})/.exec(text.slice(i))
  if (hex) return { out: String.fromCharCode(parseInt(hex[1], 16)), used: 3 }
  const oct = /^([0-3][0-7]{2})/.exec(text.slice(i))
  if (oct) return { out: String.fromCharCode(parseInt(oct[1], 8)), used: 3 }
  const uni = /^(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/.exec(text.slice(i))
  if (uni) return { out: String.fromCodePoint(parseInt(uni[1] ?? uni[2], 16)), used: uni[0].length }
  // systemd refuses an unknown escape; keeping the character is the lenient reading.
  return { out: c ?? '', used: c === undefined ? 0 : 1 }
}

export type Words = { words: string[] } | { error: string }

/** The words of a value, or why systemd would refuse it (an unterminated quote). */
export function unitWords(text: string): Words {
  const words: string[] = []
  let word: string | undefined
  let quote: string | undefined
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\\') {
      const { out, used } = unescape(text, i + 1)
      word = (word ?? '') + out
      i += used
    } else if (quote !== undefined) {
      if (c === quote) quote = undefined
      else word += c
    } else if (c === '"' || c === "'") {
      quote = c
      word ??= ''
    } else if (SEPARATORS.test(c)) {
      if (word !== undefined) words.push(word)
      word = undefined
    } else {
      word = (word ?? '') + c
    }
  }
  if (quote !== undefined) return { error: `unterminated ${quote} quote` }
  if (word !== undefined) words.push(word)
  return { words: words.map((w) => w.replace(/%%/g, '%')) }
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * The assignments of one Environment= value: each word `NAME=value`; words without a valid
 * name are ignored, as systemd ignores them (with a warning).
 */
export function environmentAssignments(value: string): {
  vars: [string, string][]
  invalid: number
  error?: string
} {
  const split = unitWords(value)
  if ('error' in split) return { vars: [], invalid: 0, error: split.error }
  const vars: [string, string][] = []
  let invalid = 0
  for (const w of split.words) {
    const eq = w.indexOf('=')
    if (eq > 0 && ENV_NAME.test(w.slice(0, eq))) vars.push([w.slice(0, eq), w.slice(eq + 1)])
    else invalid++
  }
  return { vars, invalid }
}

/** ExecStart= prefixes (systemd.service(7) "Command lines"): `-`, `@`, `:`, `+`, `!`, `!!`. */
export interface ExecLine {
  argv: string[]
  /** `-`: a failing exit code is not a failure. */
  ignoreFailure: boolean
  /** `+`, `!` or `!!`: runs with full privileges / without User= applied. */
  privileged: boolean
  /** `:`: no $VAR expansion. */
  noExpand: boolean
}

/**
 * One ExecStart= value: prefixes, words, then `$NAME` (split into words) and `${NAME}` (one
 * word) expanded from the unit's environment as systemd does when it starts the command.
 */
export function execLine(value: string, env: Map<string, string>): ExecLine | { error: string } {
  const split = unitWords(value)
  if ('error' in split) return split
  const [first, ...rest] = split.words
  if (first === undefined) return { error: 'empty command line' }
  const prefix = /^[-@:+!]*/.exec(first)?.[0] ?? ''
  const head = first.slice(prefix.length)
  // `@` means the next word is argv[0] and the path is the first word: drop it.
  const words = prefix.includes('@') ? [head, ...rest.slice(1)] : [head, ...rest]
  const noExpand = prefix.includes(':')
  const argv = noExpand ? words : words.flatMap((w) => expandWord(w, env))
  return {
    argv,
    ignoreFailure: prefix.includes('-'),
    privileged: /[+!]/.test(prefix),
    noExpand,
  }
}

/** `$NAME` alone is split on whitespace into words; `${NAME}` stays one word; `$$` is `$`. */
function expandWord(word: string, env: Map<string, string>): string[] {
  const alone = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(word)
  if (alone) return (env.get(alone[1]) ?? '').split(/\s+/).filter(Boolean)
  return [
    word.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name?: string) =>
      name === undefined ? '$' : (env.get(name) ?? ''),
    ),
  ]
}
