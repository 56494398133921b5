/** The absolute URLs a header or body carries, and which hosts only make sense inside the deployment. Pure. */
import { isLoopback, isUnspecified } from '../../facts/loopback'

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
  if (isLoopback(h) || isUnspecified(h)) return true
  if (/^10\.\d+\.\d+\.\d+$/.test(h) || /^192\.168\.\d+\.\d+$/.test(h)) return true
  if (/^172\.(1[6-9]|2\d|3[01])\.\d+\.\d+$/.test(h) || /^169\.254\./.test(h)) return true
  if (/^(fc|fd)[0-9a-f]{2}:/.test(h) || /^fe80:/.test(h)) return true
  // Container names, compose services, container ids: names without a dot (IPv6 has colons).
  return !h.includes('.') && !h.includes(':')
}
