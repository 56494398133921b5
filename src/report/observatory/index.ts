/**
 * The report's `observatory` entry: the grade the MDN HTTP Observatory's published scoring
 * (algorithm 4) gives the responses the proxy stage recorded, computed from them and never by
 * requesting anything: the landing page graded as a scan of https://host/ would grade it, and
 * every other HTML, static and error response graded as if it were that page. Pure.
 */
import { httpsExchanges, proxyExchanges, requestHost, requestLine } from '../../checks/lib/http'
import type { HttpExchange, Observations } from '../../facts/types'
import { ALGORITHM_VERSION, gradeOf, type TestOutcome } from './grade'
import { firstHeader, scanResponse, type ScanInput } from './input'

export interface ObservatoryResponse {
  request: string
  status: number
  score: number
  grade: string
}

/** Report field `observatory` (schema 1, added by issue 12; older readers ignore it). */
export type ObservatoryReport =
  | {
      algorithm_version: number
      /** The response graded as the scanned page, e.g. 'GET /'. */
      page: string
      score: number
      grade: string
      tests: TestOutcome[]
      /** The other HTML, static and error responses, each graded as if it were the page. */
      responses: ObservatoryResponse[]
      /** What the scan would see that the run did not record, and how it was scored. */
      notes: string[]
    }
  | { unavailable: string }

export const NOTES = [
  "certificates taken as valid (the run's own certificate is self-signed; a deployed one is not)",
  'no CORS preflight is sent: scored as the Observatory scores a page without Access-Control-Allow-Origin',
  'the HSTS preload list is not consulted: the host is taken as not preloaded',
  "cookies are the page's own Set-Cookie headers (the scan also keeps those of /robots.txt and the preflight)",
]

const PAGES = ['route', 'health', 'not-found', 'static']

function isRedirect(x: HttpExchange): boolean {
  const s = x.response?.status ?? 0
  return s >= 300 && s < 400
}

/** The page a scan lands on: the first route (`/` first), following recorded redirects. */
function landing(pages: HttpExchange[]): HttpExchange | undefined {
  const routes = pages.filter((x) => x.purpose === 'route' && x.request.method === 'GET')
  let page = routes.find((x) => x.request.path === '/') ?? routes[0]
  for (let hops = 0; page && isRedirect(page) && hops < 5; hops++) {
    const location = page.response && firstHeader(scanResponse(page.response), 'location')
    const path = location && new URL(location, 'https://host/').pathname
    const next = pages.find((x) => x.request.path === path && x !== page)
    if (!next) break
    page = next
  }
  return page
}

/** The http:// route the scan follows: port 80's answer and where it sends the browser. */
function httpRoute(obs: Observations, host: string): ScanInput['httpRoute'] {
  const x = proxyExchanges(obs, ['https-redirect']).find((e) => e.response !== undefined)
  if (!x?.response) return undefined
  const first = { url: `http://${host}${x.request.path}`, status: x.response.status }
  const location = isRedirect(x) ? x.response.headers.location?.[0] : undefined
  if (!location) return [first]
  return [first, { url: new URL(location, first.url).href, status: 0 }]
}

/** One scan input per recorded response: the landing page first, then the others. */
export interface RecordedScan {
  request: string
  status: number
  scan: ScanInput
}

/** The inputs a scan would read, one per HTML, static and error response (landing page first). */
export function scansOf(obs: Observations): RecordedScan[] {
  const pages = httpsExchanges(obs, PAGES).filter((x) => x.response !== undefined)
  const page = landing(pages)
  if (!page) return []
  const hostname = (requestHost(page) || 'example.com').replace(/:\d+$/, '')
  const route = httpRoute(obs, hostname)
  return [page, ...pages.filter((x) => x !== page)].map((x) => ({
    request: requestLine(x),
    status: x.response?.status ?? 0,
    scan: { hostname, auto: x.response && scanResponse(x.response), httpRoute: route },
  }))
}

/** The grade of the recorded responses, or why there is none. */
export function observatoryOf(obs: Observations): ObservatoryReport {
  const [page, ...others] = scansOf(obs)
  if (!page) return { unavailable: 'no HTTPS page from the app through the proxy' }
  const graded = gradeOf(page.scan)
  return {
    algorithm_version: ALGORITHM_VERSION,
    page: page.request,
    score: graded.score,
    grade: graded.grade,
    tests: graded.tests,
    responses: others.map(({ request, status, scan }) => {
      const { score, grade } = gradeOf(scan)
      return { request, status, score, grade }
    }),
    notes: NOTES,
  }
}
