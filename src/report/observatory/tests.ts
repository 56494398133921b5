/**
 * The Observatory's header tests (algorithm 4) as published in @mdn/mdn-http-observatory
 * (analyzer/tests/*.js): each returns the expectation that test gives the scanned page. Pure.
 */
import { cspTest } from './csp'
import type { ScanInput } from './input'
import { firstHeader, getHttpHeaders } from './input'

const SIX_MONTHS = 15552000

/** strictTransportSecurityTest (the preload list is not consulted: see grade.ts). */
export function hstsTest(scan: ScanInput): string {
  const res = scan.auto
  if (!res) return 'hsts-not-implemented-no-https'
  const header = getHttpHeaders(res, 'strict-transport-security')[0]
  if (header === undefined) return 'hsts-not-implemented'
  const data = header.slice(0, 1024)
  if (data.includes(',')) return 'hsts-header-invalid'
  let maxAge: number | undefined
  for (const p of data.split(';').map((i) => i.trim().toLowerCase())) {
    if (p.startsWith('max-age=')) maxAge = parseInt(p.slice(8, 128), 10)
  }
  if (maxAge === undefined) return 'hsts-header-invalid'
  // parseInt's NaN compares false, as in the original.
  return maxAge < SIX_MONTHS
    ? 'hsts-implemented-max-age-less-than-six-months'
    : 'hsts-implemented-max-age-at-least-six-months'
}

export function xContentTypeOptionsTest(scan: ScanInput): string {
  if (!scan.auto) return 'x-content-type-options-not-implemented'
  const header = firstHeader(scan.auto, 'x-content-type-options')
  if (!header) return 'x-content-type-options-not-implemented'
  return header.slice(0, 256).trim().toLowerCase() === 'nosniff'
    ? 'x-content-type-options-nosniff'
    : 'x-content-type-options-header-invalid'
}

export function xFrameOptionsTest(scan: ScanInput): string {
  if (!scan.auto) return 'x-frame-options-not-implemented'
  if (cspTest(scan.auto).data?.has('frame-ancestors')) return 'x-frame-options-implemented-via-csp'
  const header = firstHeader(scan.auto, 'x-frame-options')
  if (!header) return 'x-frame-options-not-implemented'
  const xfo = header.slice(0, 1024).trim().toLowerCase()
  if (['deny', 'sameorigin'].includes(xfo)) return 'x-frame-options-sameorigin-or-deny'
  return xfo.startsWith('allow-from')
    ? 'x-frame-options-allow-from-origin'
    : 'x-frame-options-header-invalid'
}

const PRIVATE = ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin']
const UNSAFE = ['origin', 'origin-when-cross-origin', 'unsafe-url', 'no-referrer-when-downgrade']

export function referrerPolicyTest(scan: ScanInput): string {
  const res = scan.auto
  if (!res) return 'referrer-policy-not-implemented'
  const all = [
    ...getHttpHeaders(res, 'referrer-policy'),
    ...(res.httpEquiv.get('referrer-policy') ?? []),
  ]
  if (all.length === 0) return 'referrer-policy-not-implemented'
  const valid = [...PRIVATE, ...UNSAFE]
  const policy =
    all
      .join(', ')
      .split(',')
      .filter((e) => valid.includes(e.toLowerCase().trim()))
      .reverse()[0]
      ?.toLowerCase()
      .trim() ?? ''
  if (PRIVATE.includes(policy)) return 'referrer-policy-private'
  return UNSAFE.includes(policy) ? 'referrer-policy-unsafe' : 'referrer-policy-header-invalid'
}

export function crossOriginResourcePolicyTest(scan: ScanInput): string {
  const res = scan.auto
  const corp = res && firstHeader(res, 'cross-origin-resource-policy')
  if (!corp) return 'corp-not-implemented'
  const value = corp.slice(0, 256).trim().toLowerCase()
  const known: Record<string, string> = {
    'same-site': 'corp-implemented-with-same-site',
    'same-origin': 'corp-implemented-with-same-origin',
    'cross-origin': 'corp-implemented-with-cross-origin',
  }
  return known[value] ?? 'corp-header-invalid'
}

/** redirectionTest over the recorded route of http://host/ (certificates taken as valid). */
export function redirectionTest(scan: ScanInput): string {
  const route = scan.httpRoute
  if (!route) return 'redirection-not-needed-no-http'
  if (route.length === 1) return 'redirection-missing'
  const urls = route.map((r) => new URL(r.url))
  if (urls[urls.length - 1].protocol !== 'https:') return 'redirection-not-to-https'
  if (urls[1].protocol === 'http:') return 'redirection-not-to-https-on-initial-redirection'
  if (urls[0].protocol === 'http:' && urls[0].hostname !== urls[1].hostname)
    return 'redirection-off-host-from-http'
  return 'redirection-to-https'
}
