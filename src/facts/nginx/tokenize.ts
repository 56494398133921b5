/**
 * One tokenizer and statement parser for nginx configuration text, modelled on nginx's own
 * ngx_conf_read_token (src/core/ngx_conf_file.c) so that what we see is what nginx sees.
 */

/** One directive as written: `name args...;` or `name args... { block }`. */
export interface NginxDirective {
  name: string
  /** Arguments with quotes removed and escapes resolved, as nginx passes them to the module. */
  args: string[]
  /** Path of the file the directive is written in (as `nginx -T` names it). */
  file: string
  /** 1-based line of the directive's name. */
  line: number
  /** Present for block directives (`http`, `server`, `location`, `upstream`, ...). */
  block?: NginxDirective[]
}

/** A configuration nginx itself would refuse to read; names the file and line. */
export class NginxSyntaxError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
  ) {
    super(`${message} in ${file}:${line}`)
    this.name = 'NginxSyntaxError'
  }
}

/** A word or one of the three punctuation tokens, with its place in the source. */
export interface NginxToken {
  kind: 'word' | ';' | '{' | '}'
  /** Unquoted, unescaped value (the punctuation itself for `;`, `{`, `}`). */
  value: string
  line: number
  /** Offsets of the raw token in the source text, quotes included (end exclusive). */
  start: number
  end: number
}

/** Internal statement: keeps the tokens so that rewrites can splice the source text. */
export interface NginxStatement {
  name: NginxToken
  args: NginxToken[]
  block?: NginxStatement[]
}

const SPACE = new Set([' ', '\t', '\r', '\n'])

/** nginx resolves only these escapes; any other backslash stays in the value. */
function unescape(raw: string): string {
  return raw.replace(/\\(["'\\tnr])/g, (_m, c: string) =>
    c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c,
  )
}

/**
 * Splits nginx configuration text into tokens; `#` comments are dropped. Throws
 * NginxSyntaxError for an unterminated quoted string.
 */
export function tokenizeNginx(text: string, file: string): NginxToken[] {
  const tokens: NginxToken[] = []
  let i = 0
  let line = 1
  while (i < text.length) {
    const ch = text[i]
    if (SPACE.has(ch)) {
      if (ch === '\n') line++
      i++
    } else if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++
    } else if (ch === ';' || ch === '{' || ch === '}') {
      tokens.push({ kind: ch, value: ch, line, start: i, end: i + 1 })
      i++
    } else if (ch === '"' || ch === "'") {
      const start = i
      const startLine = line
      i++
      while (i < text.length && text[i] !== ch) {
        if (text[i] === '\\') i++
        if (text[i] === '\n') line++
        i++
      }
      if (i >= text.length)
        throw new NginxSyntaxError('unexpected end of file in a quoted string', file, startLine)
      i++
      const value = unescape(text.slice(start + 1, i - 1))
      tokens.push({ kind: 'word', value, line: startLine, start, end: i })
    } else {
      // Unquoted word: ends at space, ';' or '{' (but '${' opens a variable name); '}' and '#'
      // inside a word are ordinary characters, as in nginx.
      const start = i
      const startLine = line
      while (i < text.length) {
        const c = text[i]
        if (c === '\\') {
          if (text[i + 1] === '\n') line++
          i += 2
          continue
        }
        if (SPACE.has(c) || c === ';' || (c === '{' && text[i - 1] !== '$')) break
        i++
      }
      i = Math.min(i, text.length)
      tokens.push({
        kind: 'word',
        value: unescape(text.slice(start, i)),
        line: startLine,
        start,
        end: i,
      })
    }
  }
  return tokens
}

/**
 * Groups tokens into statements and blocks. Throws NginxSyntaxError on an unbalanced brace or
 * a directive left without its `;`.
 */
export function parseStatements(tokens: NginxToken[], file: string): NginxStatement[] {
  let pos = 0
  const lastLine = tokens.length ? tokens[tokens.length - 1].line : 1
  function block(depth: number): NginxStatement[] {
    const out: NginxStatement[] = []
    let words: NginxToken[] = []
    while (pos < tokens.length) {
      const t = tokens[pos++]
      if (t.kind === 'word') {
        words.push(t)
      } else if (t.kind === ';') {
        if (!words.length) throw new NginxSyntaxError('unexpected ";"', file, t.line)
        out.push({ name: words[0], args: words.slice(1) })
        words = []
      } else if (t.kind === '{') {
        if (!words.length) throw new NginxSyntaxError('unexpected "{"', file, t.line)
        const [name, ...args] = words
        words = []
        out.push({ name, args, block: block(depth + 1) })
      } else {
        if (words.length) throw new NginxSyntaxError('unexpected "}"', file, t.line)
        if (depth === 0) throw new NginxSyntaxError('unexpected "}"', file, t.line)
        return out
      }
    }
    if (words.length)
      throw new NginxSyntaxError('unexpected end of file, expecting ";" or "}"', file, lastLine)
    if (depth > 0)
      throw new NginxSyntaxError('unexpected end of file, expecting "}"', file, lastLine)
    return out
  }
  return block(0)
}

function toDirective(s: NginxStatement, file: string): NginxDirective {
  const d: NginxDirective = {
    name: s.name.value,
    args: s.args.map((a) => a.value),
    file,
    line: s.name.line,
  }
  if (s.block) d.block = s.block.map((b) => toDirective(b, file))
  return d
}

/** Parses one configuration file's text into its directives (includes left as written). */
export function parseNginxFile(text: string, file: string): NginxDirective[] {
  return parseStatements(tokenizeNginx(text, file), file).map((s) => toDirective(s, file))
}
