/**
 * Reading responses through the proxy: exchanges by purpose, repeated headers, Set-Cookie
 * attributes, cache lifetimes and the absolute URLs a body or header carries. Pure.
 */
import type { HttpExchange, HttpResponseFacts, Observations } from '../facts/types'
import { caseless, present } from './common'

/** Exchanges made through the proxy, optionally only those made for `purposes`. */
export function proxyExchanges(obs: Observations, purposes?: readonly string[]): HttpExchange[] {
  const http = present(obs.http) ?? []
  return http.filter(
    (x) => x.via === 'proxy' && (purposes === undefined || purposes.includes(x.purpose)),
  )
}

/** Answered exchanges through the proxy's TLS port. */
export function httpsExchanges(obs: Observations, purposes?: readonly string[]): HttpExchange[] {
  return proxyExchanges(obs, purposes).filter(
    (x) => x.scheme === 'https' && x.response !== undefined,
  )
}

/** Every value of a response header (names are stored lower-case). */
export function headerValues(res: HttpResponseFacts | undefined, name: string): string[] {
  return res?.headers[name.toLowerCase()] ?? []
}

/** 'GET /static/app.css (static)' */
export function labelled(x: HttpExchange): string {
  return `${x.request.method} ${x.request.path} (${x.purpose})`
}

/** One Set-Cookie header: the cookie name and its attributes (names lower-case; flags map to ''). */
export interface SetCookie {
  name: string
  attributes: Map<string, string>
}

export function parseSetCookie(header: string): SetCookie {
  const [pair, ...attrs] = header.split(';')
  const name = pair.split('=')[0].trim()
  const attributes = new Map<string, string>()
  for (const a of attrs) {
    const eq = a.indexOf('=')
    const k = (eq < 0 ? a : a.slice(0, eq)).trim().toLowerCase()
    if (k !== '') attributes.set(k, eq < 0 ? '' : a.slice(eq + 1).trim())
  }
  return { name, attributes }
}

/** The header as evidence without the cookie's value: 'session=…; HttpOnly; Path=/'. */
export function cookieShape(header: string): string {
  const [, ...attrs] = header.split(';')
  const name = header.split(';')[0].split('=')[0].trim()
  return [`${name}=…`, ...attrs.map((a) => a.trim()).filter((a) => a !== '')].join('; ')
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

/** An absolute http(s) URL found in a header or body. */
export interface FoundUrl {
  url: string
  scheme: 'http' | 'https'
  /** Lower-case host name without port, brackets or user info. */
  host: string
}

/** Absolute http(s) URLs in a text; JSON-escaped slashes (`http:\/\/`) are read too. */
export function absoluteUrls(text: string): FoundUrl[] {
  const out: FoundUrl[] = []
  // A URL ends where another begins, so a callback inside a query string is found too.
  const re = /\b(https?):\\?\/\\?\/([^\s"'<>\\/?#]+)(?:(?!https?:)[^\s"'<>])*/gi
  for (const m of text.matchAll(re)) {
    const authority = m[2].replace(/^[^@]*@/, '')
    const host = authority.startsWith('[')
      ? authority.slice(0, authority.indexOf(']') + 1)
      : authority.replace(/:\d*$/, '')
    out.push({
      url: m[0].replace(/\\\//g, '/'),
      scheme: m[1].toLowerCase() as 'http' | 'https',
      host: host.toLowerCase(),
    })
  }
  return out
}

/** Addresses that only make sense inside the deployment: loopback, private, single-label names. */
export function isInternalHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (h === 'localhost' || h === '::1' || h === '0.0.0.0' || h === '::') return true
  if (/^(127|10)\.\d+\.\d+\.\d+$/.test(h) || /^192\.168\.\d+\.\d+$/.test(h)) return true
  if (/^172\.(1[6-9]|2\d|3[01])\.\d+\.\d+$/.test(h) || /^169\.254\./.test(h)) return true
  if (/^(fc|fd)[0-9a-f]{2}:/.test(h) || /^fe80:/.test(h)) return true
  // Container names, compose services, container ids: names without a dot (IPv6 has colons).
  return !h.includes('.') && !h.includes(':')
}

/** The Host header the request carried ('' when none). */
export function requestHost(x: HttpExchange): string {
  return caseless(x.request.headers, 'host') ?? ''
}
