/**
 * The Observatory's Content-Security-Policy test (algorithm 4), as published in
 * @mdn/mdn-http-observatory (analyzer/cspParser.js, analyzer/tests/csp.js): the header and
 * <meta http-equiv> policies merged, then the first matching expectation in its order. Pure.
 */
import type { ScanResponse } from './input'
import { getHttpHeaders } from './input'

export const DUPLICATES = '_observatory_duplicate_key_warnings'
const SHORTEST = 'img-src'.length - 1
const META_DISALLOWED = ['frame-ancestors', 'report-uri', 'sandbox']
const ALLOWED_DUPLICATES = new Set(['report-uri', 'report-to'])
const compare = new Intl.Collator('en').compare

interface Source {
  source: string
  index: number
  keep: boolean
}

function pathPartMatch(a: string, b: string): boolean {
  if (a.length === 0) return true
  if (a === '/' && b.length === 0) return true
  const exact = !a.endsWith('/')
  const pa = a.split('/')
  const pb = b.split('/')
  if (pa.length > pb.length) return false
  if (exact && pa.length !== pb.length) return false
  if (!exact) pa.pop()
  return pa.every((p, i) => decodeURIComponent(p) === decodeURIComponent(pb[i]))
}

/** parseCsp: throws on an empty or too short policy and on a repeated directive. */
export function parseCsp(list: readonly string[]): Map<string, Set<string>> {
  const clean = list.map((s) => s.replaceAll(/[\r\n]/g, '').trim())
  if (clean.length === 0) return new Map()
  for (const s of clean) if (!s || s.length < SHORTEST) throw new Error(`Invalid policy: ${s}`)
  const csp = new Map<string, Source[]>()
  const duplicates = new Set<string>()
  for (const [index, policy] of clean.entries()) {
    const seen = new Set<string>()
    for (const [entry, ...values] of policy.split(';').map((e) => e.trim().split(/\s+/))) {
      if (!entry) continue
      const directive = entry.toLowerCase()
      if (seen.has(directive)) {
        if (!ALLOWED_DUPLICATES.has(directive)) throw new Error(`Duplicate directive ${directive}`)
        duplicates.add(directive)
      } else seen.add(directive)
      const keep = index === 0
      const sources: Source[] = values.length
        ? values.map((raw) => ({ source: raw.trim().toLocaleLowerCase(), index, keep }))
        : directive.endsWith('-src')
          ? [{ source: "'none'", index, keep }]
          : []
      const combined = index === 0 ? [...sources] : [...(csp.get(directive) ?? []), ...sources]
      combined.sort((x, y) => compare(x.source, y.source))
      for (let i = 1; i < combined.length; i++) {
        const [prev, s] = [combined[i - 1], combined[i]]
        if (s.index === prev.index && s.source.startsWith(prev.source)) s.keep = false
        if (s.index !== prev.index && pathPartMatch(prev.source, s.source)) s.keep = true
      }
      csp.set(
        directive,
        combined.filter((s) => s.keep),
      )
      if (index === 0 && list.length > 1) for (const s of csp.get(directive) ?? []) s.keep = false
    }
  }
  const out = new Map(
    [...csp].map(([d, s]): [string, Set<string>] => [
      d,
      s.length ? new Set(s.map((x) => x.source)) : new Set(["'none'"]),
    ]),
  )
  if (duplicates.size) out.set(DUPLICATES, duplicates)
  return out
}

function parseMeta(list: readonly string[]): Map<string, Set<string>> {
  const csp = parseCsp(list)
  for (const d of META_DISALLOWED) csp.delete(d)
  return csp
}

function parsedOr(list: readonly string[], parse: typeof parseCsp): Map<string, Set<string>> {
  try {
    return parse(list)
  } catch {
    return new Map()
  }
}

const BROAD = new Set([
  'ftp:',
  'http:',
  'https:',
  '*',
  'http://*',
  'http://*.*',
  'https://*',
  'https://*.*',
])
const BROAD_OR_INLINE = new Set([...BROAD, "'unsafe-inline'", 'data:'])
const PASSIVE = ['img-src', 'media-src']
const NONCES = ["'sha256-", "'sha384-", "'sha512-", "'nonce-"]

const hasNonce = (s: Set<string>): boolean =>
  [...s].some((x) => NONCES.some((n) => x.startsWith(n)))
const insecure = (s: string): boolean => s.startsWith('http:') || s.startsWith('ftp:')

export interface CspResult {
  result: string
  /** The merged policy, for X-Frame-Options' frame-ancestors rule. */
  data?: Map<string, Set<string>>
}

/** contentSecurityPolicyTest over the scanned page (always an https: URL here). */
export function cspTest(res: ScanResponse | undefined): CspResult {
  if (!res) return { result: 'csp-not-implemented' }
  const http = getHttpHeaders(res, 'content-security-policy')
  const meta = res.httpEquiv.get('content-security-policy') ?? []
  let csp: Map<string, Set<string>>
  try {
    csp = parseCsp([...http, ...meta])
  } catch {
    return { result: 'csp-header-invalid' }
  }
  const httpOnly = parsedOr(http, parseCsp)
  if (httpOnly.size + parsedOr(meta, parseMeta).size === 0) {
    const ro = getHttpHeaders(res, 'content-security-policy-report-only')[0]
    return { result: ro ? 'csp-not-implemented-but-reporting-enabled' : 'csp-not-implemented' }
  }
  let result: string | undefined
  const first = (r: string): void => {
    result ??= r
  }
  const src = (d: string): Set<string> => csp.get(d) ?? csp.get('default-src') ?? new Set(['*'])
  const objectSrc = src('object-src')
  const scriptSrc = src('script-src')
  const styleSrc = src('style-src')
  for (const list of [scriptSrc, styleSrc]) {
    if (hasNonce(list) && list.has("'unsafe-inline'")) list.delete("'unsafe-inline'")
  }
  if (hasNonce(scriptSrc) && scriptSrc.has("'strict-dynamic'")) {
    for (const s of scriptSrc) {
      if ([...BROAD].some((b) => s.startsWith(b)) || s === "'self'" || s === "'unsafe-inline'")
        scriptSrc.delete(s)
    }
  } else if (scriptSrc.has("'strict-dynamic'")) first('csp-header-invalid')
  const active = [...csp]
    .filter(([d]) => !PASSIVE.includes(d) && d !== 'script-src')
    .flatMap(([, s]) => [...s])
  active.push(...scriptSrc)
  const passive = PASSIVE.flatMap((d) => [...(csp.get(d) ?? csp.get('default-src') ?? [])])
  if (
    [...scriptSrc].some((s) => BROAD_OR_INLINE.has(s)) ||
    [...objectSrc].some((s) => BROAD.has(s))
  )
    first('csp-implemented-with-unsafe-inline')
  if (active.some(insecure)) first('csp-implemented-with-insecure-scheme')
  if (new Set([...scriptSrc, ...styleSrc]).has("'unsafe-eval'"))
    first('csp-implemented-with-unsafe-eval')
  if (passive.some(insecure)) first('csp-implemented-with-insecure-scheme-in-passive-content-only')
  if ([...styleSrc].some((s) => BROAD_OR_INLINE.has(s)))
    first('csp-implemented-with-unsafe-inline-in-style-src-only')
  const def = csp.get('default-src')
  first(
    def?.has("'none'") && def.size === 1
      ? 'csp-implemented-with-no-unsafe-default-src-none'
      : 'csp-implemented-with-no-unsafe',
  )
  const passing = [
    'csp-implemented-with-no-unsafe',
    'csp-implemented-with-no-unsafe-default-src-none',
    'csp-implemented-with-unsafe-inline-in-style-src-only',
    'csp-implemented-with-insecure-scheme-in-passive-content-only',
  ]
  if (passing.includes(result!) && csp.has(DUPLICATES))
    result = 'csp-implemented-but-duplicate-directives'
  csp.delete(DUPLICATES)
  return { result: result!, data: csp }
}
