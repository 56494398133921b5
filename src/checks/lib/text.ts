/**
 * Small helpers every check family shares: reading optional observation parts, keeping text
 * from the app short, and pointing at Dockerfile lines. Pure; imports types only.
 */
import type { HttpExchange, HttpResponseFacts, Observations, Part } from '../facts/types'
import type { Location } from './lib/types'

/** The part itself, or undefined when it was not observed. */
export function present<T extends object>(part: Part<T>): T | undefined {
  return 'unavailable' in part ? undefined : (part as T)
}

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

/** A location in the Dockerfile, when the run used one. */
export function dockerfileAt(obs: Observations, line?: number): Location | undefined {
  const file = obs.run.dockerfilePath
  if (file === undefined) return undefined
  return line === undefined ? { file } : { file, line }
}

/** Exchanges made directly on the app port, optionally only those made for `purposes`. */
export function appExchanges(obs: Observations, purposes?: readonly string[]): HttpExchange[] {
  const http = present(obs.http)
  if (http === undefined) return []
  return http.filter(
    (x) => x.via === 'app' && (purposes === undefined || purposes.includes(x.purpose)),
  )
}

/** A value of a record of headers whose names may be in any case. */
export function caseless(headers: Record<string, string>, name: string): string | undefined {
  const k = Object.keys(headers).find((h) => h.toLowerCase() === name.toLowerCase())
  return k === undefined ? undefined : headers[k]
}

/** First value of a response header (names are stored lower-case). */
export function header(res: HttpResponseFacts | undefined, name: string): string | undefined {
  return res?.headers[name.toLowerCase()]?.[0]
}

/** 'GET /healthz' */
export function requestLine(x: HttpExchange): string {
  return `${x.request.method} ${x.request.path}`
}

/** 'GET /healthz -> 200 in 12 ms' or 'GET /healthz -> connection refused' */
export function exchangeLine(x: HttpExchange): string {
  if (x.response === undefined) return `${requestLine(x)} -> ${clip(x.error ?? 'no response', 120)}`
  return `${requestLine(x)} -> ${x.response.status} in ${Math.round(x.response.ms)} ms`
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Whether an access-log line records the request: Gunicorn/Werkzeug `"GET /healthz HTTP/1.1" 200`, uWSGI `GET /healthz => ...`. */
export function logged(x: HttpExchange, lines: readonly string[]): boolean {
  const pattern = new RegExp(`${escapeRegExp(`${x.request.method} ${x.request.path}`)}(?=[\\s"]|$)`)
  return lines.some((l) => pattern.test(l))
}
