/**
 * Reading an EnvironmentFile= as systemd's load_env_file() does: `KEY=VALUE` lines, `#` and `;`
 * comments, whitespace around the key and an unquoted value stripped, single quotes literal,
 * double quotes with backslash escapes of `"`, `\`, `` ` ``, `$` and newline, and a backslash
 * at the end of a line joining the next.
 */

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** The variables of an environment file, in order (a later one wins when set twice). */
export function parseEnvFile(text: string): [string, string][] {
  const out: [string, string][] = []
  let i = 0
  const n = text.length
  while (i < n) {
    while (i < n && /[ \t\r\n]/.test(text[i])) i++
    if (i >= n) break
    if (text[i] === '#' || text[i] === ';') {
      while (i < n && text[i] !== '\n') i++
      continue
    }
    let key = ''
    while (i < n && text[i] !== '=' && text[i] !== '\n') key += text[i++]
    if (text[i] !== '=') continue
    i++
    let value = ''
    let pendingSpace = ''
    while (i < n && text[i] !== '\n') {
      const c = text[i]
      if (c === "'") {
        value += pendingSpace
        pendingSpace = ''
        const end = text.indexOf("'", i + 1)
        value += text.slice(i + 1, end < 0 ? n : end)
        i = end < 0 ? n : end + 1
      } else if (c === '"') {
        value += pendingSpace
        pendingSpace = ''
        i++
        while (i < n && text[i] !== '"') {
          if (text[i] === '\\' && /["\\`$\n]/.test(text[i + 1] ?? '')) {
            if (text[i + 1] !== '\n') value += text[i + 1]
            i += 2
          } else value += text[i++]
        }
        i++
      } else if (c === '\\') {
        if (text[i + 1] === '\n') i += 2
        else {
          value += pendingSpace + (text[i + 1] ?? '')
          pendingSpace = ''
          i += 2
        }
      } else if (c === ' ' || c === '\t' || c === '\r') {
        if (value !== '') pendingSpace += c
        i++
      } else {
        value += pendingSpace + c
        pendingSpace = ''
        i++
      }
    }
    const name = key.trim()
    if (ENV_NAME.test(name)) out.push([name, value])
  }
  return out
}
