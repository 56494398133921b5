/**
 * The Observatory's cookies and subresource-integrity tests (algorithm 4), as published in
 * @mdn/mdn-http-observatory (analyzer/tests/cookies.js, subresource-integrity.js). Cookies are
 * parsed as its cookie jar (tough-cookie) parses Set-Cookie. Pure.
 */
import type { ScanInput } from './input'
import { getHttpHeaders, isHtml, startTags } from './input'

interface JarCookie {
  key: string
  secure: boolean
  httpOnly: boolean
  sameSite?: string
}

/** What the jar keeps of one Set-Cookie (RFC 6265 S5.2, as tough-cookie reads it). */
function parseCookie(raw: string): JarCookie | undefined {
  const [pair, ...attributes] = raw.split(';')
  const eq = pair.indexOf('=')
  const key = (eq < 0 ? '' : pair.slice(0, eq)).trim()
  const cookie: JarCookie = { key, secure: false, httpOnly: false }
  for (const a of attributes) {
    const i = a.indexOf('=')
    const name = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase()
    const value = i < 0 ? '' : a.slice(i + 1).trim()
    if (name === 'secure') cookie.secure = true
    else if (name === 'httponly') cookie.httpOnly = true
    else if (name === 'samesite') {
      const v = value.toLowerCase()
      cookie.sameSite = ['strict', 'lax', 'none'].includes(v) ? v : undefined
    }
  }
  return key ? cookie : undefined
}

function invalidSameSite(raw: string): boolean {
  return raw
    .trim()
    .split(';')
    .some((p) => {
      const [key, value] = p.trim().split('=')
      if (key.trim().toLowerCase() !== 'samesite') return false
      return !value || !['lax', 'strict', 'none'].includes(value.trim().toLowerCase())
    })
}

// From best to worst: a later one replaces an earlier one (onlyIfWorse).
const GOODNESS = [
  'cookies-without-secure-flag-but-protected-by-hsts',
  'cookies-without-secure-flag',
  'cookies-session-without-secure-flag-but-protected-by-hsts',
  'cookies-samesite-flag-invalid',
  'cookies-anticsrf-without-samesite-flag',
  'cookies-session-without-httponly-flag',
  'cookies-session-without-secure-flag',
]

function worse(next: string, old: string | undefined, order: readonly string[]): string {
  return old === undefined || order.indexOf(next) > order.indexOf(old) ? next : old
}

/** cookiesTest over the page's Set-Cookie headers; `hsts` is whether the HSTS test passed. */
export function cookiesTest(scan: ScanInput, hsts: boolean): string {
  const raw = getHttpHeaders(scan.auto, 'set-cookie')
  let result: string | undefined
  for (const r of raw) if (invalidSameSite(r)) result = worse(GOODNESS[3], result, GOODNESS)
  // The jar keeps the last cookie of each name; heroku-session-affinity is deleted by the scanner.
  const byKey = new Map<string, JarCookie>()
  for (const c of raw.map(parseCookie)) if (c) byKey.set(c.key, c)
  byKey.delete('heroku-session-affinity')
  if (byKey.size === 0) return 'cookies-not-found'
  let missingSameSite = false
  for (const c of byKey.values()) {
    const key = c.key.toLowerCase()
    const session = ['login', 'sess'].some((i) => key.includes(i))
    if (!c.secure && c.sameSite === 'none') result = worse(GOODNESS[3], result, GOODNESS)
    if (!c.secure) result = worse(hsts ? GOODNESS[0] : GOODNESS[1], result, GOODNESS)
    if (key.includes('csrf') && !c.sameSite) result = worse(GOODNESS[4], result, GOODNESS)
    if (session && !c.secure) result = worse(hsts ? GOODNESS[2] : GOODNESS[6], result, GOODNESS)
    if (session && !c.httpOnly) result = worse(GOODNESS[5], result, GOODNESS)
    if (!c.sameSite) missingSameSite = true
  }
  return (
    result ??
    (missingSameSite
      ? 'cookies-secure-with-httponly-sessions'
      : 'cookies-secure-with-httponly-sessions-and-samesite')
  )
}

const SRI_GOODNESS = [
  'sri-implemented-and-all-scripts-loaded-securely',
  'sri-implemented-and-external-scripts-loaded-securely',
  'sri-implemented-but-external-scripts-not-loaded-securely',
  'sri-not-implemented-but-external-scripts-loaded-securely',
  'sri-not-implemented-and-external-scripts-not-loaded-securely',
  'sri-not-implemented-response-not-html',
]

/** The registrable part of a host as far as this needs it: its last two labels. */
function siteOf(host: string): string {
  return host.split('.').slice(-2).join('.')
}

/** subresourceIntegrityTest over the page's <script src> tags. */
export function subresourceIntegrityTest(scan: ScanInput): string {
  const res = scan.auto
  if (!res) return 'sri-not-implemented-but-no-scripts-loaded'
  if (!isHtml(res)) return 'sri-not-implemented-response-not-html'
  const scripts = startTags(res.body, 'script')
  let result: string | undefined
  let foreign = false
  for (const script of scripts) {
    const src = script.get('src')
    if (!src) continue
    const integrity = script.get('integrity')
    const protocolRelative = /^(\/\/)[^/]/.test(src)
    const full = /^https?:\/\//.test(src)
    const relative = !protocolRelative && !full
    const sameSite =
      protocolRelative || relative || siteOf(new URL(src).hostname) === siteOf(scan.hostname)
    const secureOrigin = relative || (sameSite && !protocolRelative)
    if (!secureOrigin) foreign = true
    const secureScheme = relative || (full && new URL(src).protocol === 'https:')
    if (!secureOrigin) {
      if (integrity && !secureScheme) result = worse(SRI_GOODNESS[2], result, SRI_GOODNESS)
      else if (!integrity && secureScheme) result = worse(SRI_GOODNESS[3], result, SRI_GOODNESS)
      else if (!integrity) result = worse(SRI_GOODNESS[4], result, SRI_GOODNESS)
    } else if (integrity && secureScheme && !result) result = SRI_GOODNESS[0]
  }
  if (scripts.length === 0) return 'sri-not-implemented-but-no-scripts-loaded'
  return (
    result ??
    (foreign
      ? 'sri-implemented-and-external-scripts-loaded-securely'
      : 'sri-not-implemented-but-all-scripts-loaded-from-secure-origin')
  )
}
