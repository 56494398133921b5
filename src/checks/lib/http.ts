/**
 * Reading the recorded HTTP exchanges: by path taken (app port or proxy) and purpose, headers
 * whose names may come in any case or repeat, the lines evidence shows, access-log matches and
 * cache lifetimes. Pure.
 */
import type { HttpExchange, HttpResponseFacts, Observations } from '../../facts/types'
import { clip } from './text'
import { present } from './parts'

function exchanges(
  obs: Observations,
  via: HttpExchange['via'],
  purposes?: readonly string[],
): HttpExchange[] {
  const http = present(obs.http) ?? []
  return http.filter(
    (x) => x.via === via && (purposes === undefined || purposes.includes(x.purpose)),
  )
}

/** Exchanges made directly on the app port, optionally only those made for `purposes`. */
export function appExchanges(obs: Observations, purposes?: readonly string[]): HttpExchange[] {
  return exchanges(obs, 'app', purposes)
}

/** Exchanges made through the proxy, optionally only those made for `purposes`. */
export function proxyExchanges(obs: Observations, purposes?: readonly string[]): HttpExchange[] {
  return exchanges(obs, 'proxy', purposes)
}

/** Answered exchanges through the proxy's TLS port. */
export function httpsExchanges(obs: Observations, purposes?: readonly string[]): HttpExchange[] {
  return proxyExchanges(obs, purposes).filter(
    (x) => x.scheme === 'https' && x.response !== undefined,
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

/** Every value of a response header (names are stored lower-case). */
export function headerValues(res: HttpResponseFacts | undefined, name: string): string[] {
  return res?.headers[name.toLowerCase()] ?? []
}

/** The Host header the request carried ('' when none). */
export function requestHost(x: HttpExchange): string {
  return caseless(x.request.headers, 'host') ?? ''
}

/** 'GET /healthz' */
export function requestLine(x: HttpExchange): string {
  return `${x.request.method} ${x.request.path}`
}

/** 'GET /static/app.css (static)' */
export function labelled(x: HttpExchange): string {
  return `${x.request.method} ${x.request.path} (${x.purpose})`
}

/** 'GET /healthz -> 200 in 12 ms' or 'GET /healthz -> connection refused' */
export function exchangeLine(x: HttpExchange): string {
  if (x.response === undefined) return `${requestLine(x)} -> ${clip(x.error ?? 'no response', 120)}`
  return `${requestLine(x)} -> ${x.response.status} in ${Math.round(x.response.ms)} ms`
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Whether an access-log line records the request: Gunicorn/Werkzeug `"GET /healthz HTTP/1.1" 200`, uWSGI `GET /healthz => ...`. */
export function logged(x: HttpExchange, lines: readonly string[]): boolean {
  return loggedLines(x, lines).length > 0
}

/** The access-log lines that record the request's method and path. */
export function loggedLines(x: HttpExchange, lines: readonly string[]): string[] {
  const pattern = new RegExp(`${escapeRegExp(`${x.request.method} ${x.request.path}`)}(?=[\\s"]|$)`)
  return lines.filter((l) => pattern.test(l))
}

/**
 * How long a cache may keep the response, in seconds: Cache-Control max-age (s-maxage ignored),
 * else Expires minus Date; 0 for no-store/no-cache; undefined when neither header says.
 */
export function cacheSeconds(res: HttpResponseFacts): number | undefined {
  const cc = headerValues(res, 'cache-control').join(', ').toLowerCase()
  if (/\b(no-store|no-cache)\b/.test(cc)) return 0
  const maxAge = /(?:^|[\s,])max-age\s*=\s*"?(\d+)/.exec(cc)
  if (maxAge) return Number(maxAge[1])
  const expires = headerValues(res, 'expires')[0]
  if (expires === undefined) return undefined
  const at = Date.parse(expires)
  const now = Date.parse(headerValues(res, 'date')[0] ?? '')
  if (Number.isNaN(at)) return 0
  return Number.isNaN(now) ? undefined : Math.round((at - now) / 1000)
}

/**
 * A gateway error nginx made itself: 502/504, or a 5xx carrying nginx's own error page. Such a
 * request never reached the app, so it says nothing about what the app does.
 */
export function nginxError(x: HttpExchange): boolean {
  const res = x.response
  if (res === undefined || x.via !== 'proxy') return false
  if (res.status === 502 || res.status === 504) return true
  return res.status >= 500 && /<center>nginx[^<]*<\/center>/.test(res.body)
}
