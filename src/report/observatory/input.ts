/**
 * What the Observatory's tests read, made from recorded responses: headers as Node's HTTP client
 * hands them to its scanner (repeated headers folded the way Node folds them), the page's
 * <meta http-equiv> policies, and the plain-HTTP redirect route. Pure.
 */
import type { HttpResponseFacts } from '../../facts/types'

/** One response as the scanner's tests see it. */
export interface ScanResponse {
  status: number
  /** Lower-case names; set-cookie stays a list, others are one string (Node's folding). */
  headers: Record<string, string | string[]>
  body: string
  /** <meta http-equiv="content-security-policy"> contents and <meta name="referrer">. */
  httpEquiv: Map<string, string[]>
}

/** What one scan reads: the https page (auto and https alike), the http route, the host. */
export interface ScanInput {
  hostname: string
  /** The page scanned: https://host/ after its redirects. */
  auto?: ScanResponse
  /** The first response of http://host/ and where it redirected, or undefined without port 80. */
  httpRoute?: { url: string; status: number }[]
}

// Node's IncomingMessage keeps the first of these and drops repeats; set-cookie is a list; other
// repeated headers are joined with ", " (node:http, message.headers).
const FIRST_ONLY = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
])

/** The recorded headers folded as Node's HTTP client folds them for the scanner. */
export function nodeHeaders(headers: Record<string, string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [name, values] of Object.entries(headers)) {
    if (values.length === 0) continue
    if (name === 'set-cookie') out[name] = [...values]
    else out[name] = FIRST_ONLY.has(name) ? values[0] : values.join(', ')
  }
  return out
}

/** getHttpHeaders: every value of a header, names in any case. */
export function getHttpHeaders(res: ScanResponse | undefined, name: string): string[] {
  if (!res) return []
  const lc = name.toLowerCase()
  return Object.entries(res.headers)
    .filter(([n]) => n.toLowerCase() === lc)
    .flatMap(([, v]) => v)
}

/** getFirstHttpHeader */
export function firstHeader(res: ScanResponse | undefined, name: string): string | undefined {
  return getHttpHeaders(res, name)[0]
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml'])

/** The scanner parses <meta> only in pages it treats as HTML, by the content-type before ';'. */
export function isHtml(res: ScanResponse | undefined): boolean {
  const type = firstHeader(res, 'content-type') ?? ''
  return HTML_TYPES.has(type.split(';')[0])
}

function attrs(tag: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const m of tag.matchAll(
    /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g,
  )) {
    const name = m[1].toLowerCase()
    if (!out.has(name)) out.set(name, decode(m[2] ?? m[3] ?? m[4] ?? ''))
  }
  return out
}

function decode(s: string): string {
  return s
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&apos;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&')
}

/** The start tags <name ...> of a document, attributes parsed (comments skipped). */
export function startTags(html: string, name: string): Map<string, string>[] {
  const text = html.replaceAll(/<!--[\s\S]*?-->/g, '')
  const re = new RegExp(`<${name}(?=[\\s/>])([^>]*)>`, 'gi')
  return [...text.matchAll(re)].map((m) => attrs(m[1]))
}

/** parseHttpEquivHeaders: CSP from every <meta http-equiv>, the last <meta name="referrer">. */
export function httpEquivOf(html: string): Map<string, string[]> {
  const out = new Map<string, string[]>([['content-security-policy', []]])
  for (const meta of startTags(html, 'meta')) {
    const content = meta.get('content')
    if (meta.has('http-equiv') && meta.has('content')) {
      const equiv = meta.get('http-equiv')?.toLowerCase().trim()
      if (content && equiv === 'content-security-policy') out.get(equiv)?.push(content)
    } else if (meta.get('name')?.toLowerCase().trim() === 'referrer' && content) {
      out.set('referrer-policy', [content])
    }
  }
  return out
}

/** A recorded response as the scanner sees it. */
export function scanResponse(res: HttpResponseFacts): ScanResponse {
  const scan: ScanResponse = {
    status: res.status,
    headers: nodeHeaders(res.headers),
    body: res.body,
    httpEquiv: new Map(),
  }
  if (isHtml(scan) && res.body) scan.httpEquiv = httpEquivOf(res.body)
  return scan
}
