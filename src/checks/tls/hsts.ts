/**
 * tls.hsts: every HTTPS response checked carries exactly one Strict-Transport-Security with
 * max-age >= 1 year; when nginx drops it, the cause is named (add_header inheritance, no `always`).
 */
import type { NginxAddHeader } from '../../facts/nginx/types'
import type { HttpExchange, Observations } from '../../facts/types'
import { addHeaderFor, proxyResponses } from '../lib/headers'
import { headerValues, labelled, proxyExchanges, requestLine } from '../lib/http'
import {
  isCaddy,
  lineNear,
  lineRef,
  locationFor,
  locationLabel,
  mainServer,
  nginxFacts,
  proxyConfigOf,
  userLocation,
} from '../lib/nginx'
import { clip, listOf, plural } from '../lib/text'
import type { Check, CheckOutcome, Location } from '../lib/types'

const PURPOSES = ['route', 'health', 'not-found', 'static', 'trailing-slash']
const YEAR = 31536000
const HALF_YEAR = 15552000
const HSTS = 'Strict-Transport-Security "max-age=31536000; includeSubDomains" always'

/** Each Strict-Transport-Security value (a comma-joined pair counts as two). */
function stsValues(x: HttpExchange): string[] {
  return headerValues(x.response, 'strict-transport-security').flatMap((v) =>
    v.split(/,(?=\s*max-age)/i).map((s) => s.trim()),
  )
}

function maxAge(value: string): number {
  const m = /max-age\s*=\s*"?(\d+)/i.exec(value)
  return m ? Number(m[1]) : 0
}

type Problem = 'missing' | 'short' | 'half-year' | 'duplicate'

interface Judged {
  x: HttpExchange
  values: string[]
  problem?: Problem
}

function judge(x: HttpExchange): Judged {
  const values = stsValues(x)
  if (values.length === 0) return { x, values, problem: 'missing' }
  const age = Math.min(...values.map(maxAge))
  if (age < HALF_YEAR) return { x, values, problem: 'short' }
  if (age < YEAR) return { x, values, problem: 'half-year' }
  return values.length > 1 ? { x, values, problem: 'duplicate' } : { x, values }
}

function describe(j: Judged): string {
  const seen = j.values.map((v) => clip(v, 80)).join(' | ')
  const what =
    j.problem === 'missing'
      ? 'no Strict-Transport-Security'
      : j.problem === 'duplicate'
        ? `${j.values.length} Strict-Transport-Security headers: ${seen}`
        : `Strict-Transport-Security: ${seen}`
  return `${labelled(j.x)} -> ${j.x.response?.status}: ${what}`
}

function isSts(h: NginxAddHeader): boolean {
  return h.name.toLowerCase() === 'strict-transport-security'
}

interface Cause {
  line: string
  fix: string
  location?: Location
}

/** Why nginx did not add HSTS to this response: inheritance, no `always`, or no add_header at all. */
function missingCause(obs: Observations, x: HttpExchange): Cause | undefined {
  const server = mainServer(obs)
  if (server === undefined) return undefined
  const loc = locationFor(server, x.request.path)
  const sts = stsDirective(obs, x)
  const above = server.addHeaders.find(isSts) ?? nginxFacts(obs)?.http?.addHeaders.find(isSts)
  const own = loc?.addHeaders.find((h) => !h.inherited)
  if (loc && own && !sts && above) {
    return {
      line: `${locationLabel(loc)} (${lineRef(obs, loc)}) has its own add_header ${own.name} (${lineNear(obs, own, loc)}), so the add_header Strict-Transport-Security at ${lineNear(obs, above, loc)} is not inherited there`,
      fix: `repeat add_header ${HSTS}; inside ${locationLabel(loc)}: nginx drops every inherited add_header in a location that has one of its own`,
      location: userLocation(obs, loc),
    }
  }
  const status = x.response?.status ?? 0
  if (sts && !sts.always && status >= 400) {
    return {
      line: `add_header Strict-Transport-Security at ${lineRef(obs, sts)} lacks "always": nginx adds it to 2xx/3xx responses only`,
      fix: `add always: add_header Strict-Transport-Security "${sts.value}" always;`,
      location: userLocation(obs, sts),
    }
  }
  if (sts || above) return undefined
  if (isCaddy(obs)) {
    return {
      line: `no header Strict-Transport-Security in the site block (${lineRef(obs, server)}): Caddy adds none by default`,
      fix: `add header Strict-Transport-Security "max-age=31536000; includeSubDomains" to the site block (Caddy's automatic HTTPS sends no HSTS)`,
      location: userLocation(obs, server),
    }
  }
  const reference = proxyConfigOf(obs)?.source === 'reference'
  return {
    line: `no add_header Strict-Transport-Security applies in the HTTPS server (${lineRef(obs, server)})`,
    fix: reference
      ? `send HSTS from the app (e.g. Flask-Talisman; the reference proxy adds none), or give your nginx config with add_header ${HSTS};`
      : `add add_header ${HSTS}; to the HTTPS server block`,
    location: userLocation(obs, server),
  }
}

/** The add_header Strict-Transport-Security nginx applies to this response, if any. */
function stsDirective(obs: Observations, x: HttpExchange): NginxAddHeader | undefined {
  return addHeaderFor(obs, x, 'Strict-Transport-Security')
}

/** The failure when some response lacks HSTS or has max-age under 180 days. */
function hstsError(obs: Observations, judged: Judged[], evidence: string[]): CheckOutcome {
  const missing = judged.filter((j) => j.problem === 'missing')
  const causes = missing
    .map((j) => missingCause(obs, j.x))
    .filter((c): c is Cause => c !== undefined)
  const unique = [...new Map(causes.map((c) => [c.line, c])).values()]
  const evidenceAll = [...evidence, ...unique.map((c) => clip(c.line, 240))]
  if (missing.length > 0) {
    const names = listOf(
      missing.map((j) => requestLine(j.x)),
      160,
    )
    return {
      status: 'failed',
      summary: clip(
        `no Strict-Transport-Security on ${names} (${missing.length} of ${plural(judged.length, 'HTTPS response')})`,
        240,
      ),
      evidence: evidenceAll,
      fix: unique[0]?.fix ?? `send ${HSTS.replace(' always', '')} on every HTTPS response`,
      location: unique[0]?.location,
    }
  }
  const short = judged.find((j) => j.problem === 'short') as Judged
  const directive = stsDirective(obs, short.x)
  return {
    status: 'failed',
    summary: `Strict-Transport-Security max-age=${maxAge(short.values[0])} on ${requestLine(short.x)} is below 15552000 (180 days)`,
    evidence: evidenceAll,
    fix: `raise max-age to 31536000 (one year)${directive ? `: add_header ${HSTS};` : ''}`,
    location: userLocation(obs, directive),
  }
}

/** tls.hsts: one HSTS header with max-age >= 1 year on every HTTPS response, none over plain HTTP. */
function judgeHsts(obs: Observations): CheckOutcome {
  const { app, reference: own } = proxyResponses(obs, PURPOSES)
  const judged = app.map(judge)
  if (judged.length === 0) {
    return { status: 'skipped', summary: 'no HTTPS response from the app through the proxy' }
  }
  const plain = proxyExchanges(obs, ['https-redirect']).filter(
    (x) => x.scheme !== 'https' && headerValues(x.response, 'strict-transport-security').length > 0,
  )
  const bad = judged.filter((j) => j.problem !== undefined)
  const notJudged = own.length
    ? [
        `not judged: ${own.map(requestLine).join(', ')}, answered by the reference proxy itself (HSTS there is your production proxy's job)`,
      ]
    : []
  const evidence = [
    ...bad.slice(0, 8).map(describe),
    ...plain.map(
      (x) =>
        `plain HTTP ${requestLine(x)} -> ${x.response?.status} carries Strict-Transport-Security`,
    ),
    ...notJudged,
  ].map((l) => clip(l, 240))
  if (bad.some((j) => j.problem === 'missing' || j.problem === 'short')) {
    return hstsError(obs, judged, evidence)
  }
  const first = bad[0]
  if (first === undefined && plain.length === 0) {
    const subdomains = judged.every((j) => /includesubdomains/i.test(j.values[0]))
    return {
      status: 'passed',
      summary: `all ${plural(judged.length, 'HTTPS response')} carry one Strict-Transport-Security: ${clip(judged[0].values[0], 80)}`,
      evidence: [
        `checked: ${listOf(judged.map((j) => labelled(j.x)))}`,
        ...(subdomains ? [] : ['includeSubDomains is recommended']),
        ...notJudged,
      ].map((l) => clip(l, 240)),
    }
  }
  if (first === undefined) {
    return {
      status: 'failed',
      severity: 'warning',
      summary: 'a plain-HTTP response carries Strict-Transport-Security (browsers ignore it there)',
      evidence,
      fix: 'send Strict-Transport-Security on HTTPS responses only: the port-80 server should only redirect',
      location: userLocation(obs, plain[0] && stsDirective(obs, plain[0])),
    }
  }
  const directive = stsDirective(obs, first.x)
  if (first.problem === 'duplicate') {
    const who = directive
      ? `nginx (${lineRef(obs, directive)}) and the app both send one`
      : 'sent twice'
    return {
      status: 'failed',
      severity: 'warning',
      summary: `${requestLine(first.x)} carries ${first.values.length} Strict-Transport-Security headers (${who})`,
      evidence,
      fix: "send HSTS from one place: drop nginx's add_header Strict-Transport-Security or the app's (Talisman(..., strict_transport_security=False))",
      location: userLocation(obs, directive),
    }
  }
  return {
    status: 'failed',
    severity: 'warning',
    summary: `Strict-Transport-Security max-age=${maxAge(first.values[0])} is under one year (31536000)`,
    evidence,
    fix: `raise max-age to 31536000 (one year)${directive ? `: add_header ${HSTS};` : ''}`,
    location: userLocation(obs, directive),
  }
}

export const tlsHsts: Check = {
  id: 'tls.hsts',
  title: 'HSTS on every HTTPS response',
  severity: 'error',
  needs: ['proxy', 'http'],
  passesWhen: 'every HTTPS response carries one HSTS header with max-age >= 1 year',
  run: judgeHsts,
}
