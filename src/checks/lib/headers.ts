/**
 * What the headers.* checks share: which responses through the proxy they judge (HTML pages,
 * static files), and why nginx did not add a header to one of them (add_header inheritance, no
 * `always`, no add_header at all), with the config line to point at. Pure.
 */
import type { NginxAddHeader } from '../../facts/nginx/types'
import type { HttpExchange, Observations } from '../../facts/types'
import { header, headerValues, httpsExchanges, labelled, requestLine } from './http'
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
} from './nginx'
import { clip, listOf, plural } from './text'
import type { CheckOutcome, Location } from './types'

/** 'html': pages (routes, health, the error page) served as text/html; 'static': the static file. */
export type ResponseKind = 'html' | 'static'

const PAGE_PURPOSES = ['route', 'health', 'not-found']

/** With the reference proxy, responses nginx answers itself (static files) are not the user's. */
function answeredByReference(obs: Observations, x: HttpExchange): boolean {
  if (proxyConfigOf(obs)?.source !== 'reference') return false
  const server = mainServer(obs)
  const loc = server && locationFor(server, x.request.path)
  return loc !== undefined && loc.proxyPass === undefined
}

function isHtml(x: HttpExchange): boolean {
  return /^\s*text\/html\b/i.test(header(x.response, 'content-type') ?? '')
}

/**
 * The HTTPS responses through the proxy for these purposes, split into the app's and those the
 * reference proxy answered itself (not the user's to judge).
 */
export function proxyResponses(
  obs: Observations,
  purposes: string[],
): { app: HttpExchange[]; reference: HttpExchange[] } {
  const all = httpsExchanges(obs, purposes)
  const reference = all.filter((x) => answeredByReference(obs, x))
  return { app: all.filter((x) => !reference.includes(x)), reference }
}

/** The HTTPS responses through the proxy of these kinds, the reference proxy's own left out. */
export function responsesOf(obs: Observations, kinds: readonly ResponseKind[]): HttpExchange[] {
  return proxyResponses(obs, [...PAGE_PURPOSES, 'static']).app.filter((x) =>
    x.purpose === 'static' ? kinds.includes('static') : kinds.includes('html') && isHtml(x),
  )
}

function named(name: string): (h: NginxAddHeader) => boolean {
  return (h) => h.name.toLowerCase() === name.toLowerCase()
}

/** The add_header NAME nginx applies to this response, if any. */
export function addHeaderFor(
  obs: Observations,
  x: HttpExchange,
  name: string,
): NginxAddHeader | undefined {
  const server = mainServer(obs)
  const loc = server && locationFor(server, x.request.path)
  return (loc ?? server)?.addHeaders.find(named(name))
}

export interface Cause {
  line: string
  fix: string
  location?: Location
}

/** Why nginx did not add `name` to this response: inheritance, no `always`, or no add_header. */
export function missingCause(
  obs: Observations,
  x: HttpExchange,
  name: string,
  directive: string,
): Cause | undefined {
  const server = mainServer(obs)
  if (server === undefined) return undefined
  const loc = locationFor(server, x.request.path)
  const applied = addHeaderFor(obs, x, name)
  const above =
    server.addHeaders.find(named(name)) ?? nginxFacts(obs)?.http?.addHeaders.find(named(name))
  const own = loc?.addHeaders.find((h) => !h.inherited)
  if (loc && own && !applied && above) {
    return {
      line: `add_header inheritance: ${locationLabel(loc)} (${lineRef(obs, loc)}) has its own add_header ${own.name} (${lineNear(obs, own, loc)}), so the add_header ${above.name} at ${lineNear(obs, above, loc)} is not inherited there`,
      fix: `repeat add_header ${directive}; inside ${locationLabel(loc)}: nginx drops every inherited add_header in a location that has one of its own`,
      location: userLocation(obs, loc),
    }
  }
  if (applied && !applied.always && (x.response?.status ?? 0) >= 400) {
    return {
      line: `add_header ${applied.name} at ${lineRef(obs, applied)} lacks "always": nginx adds it to 2xx/3xx responses only`,
      fix: `add always: add_header ${applied.name} "${applied.value}" always;`,
      location: userLocation(obs, applied),
    }
  }
  if (applied || above) return undefined
  if (isCaddy(obs)) {
    const args = directive.replace(/\s+always$/, '')
    return {
      line: `no header ${name} in the site block (${lineRef(obs, server)})`,
      fix: `add header ${args} to the site block (a site-level header applies to every response)`,
      location: userLocation(obs, server),
    }
  }
  const reference = proxyConfigOf(obs)?.source === 'reference'
  return {
    line: `no add_header ${name} applies in the HTTPS server (${lineRef(obs, server)})`,
    fix: reference
      ? `send ${name} from the app (e.g. Flask-Talisman; the reference proxy adds none), or give your nginx config with add_header ${directive};`
      : `add add_header ${directive}; to the HTTPS server block`,
    location: userLocation(obs, server),
  }
}

/** One header rule: which responses, and what is wrong with the values one carries. */
export interface HeaderRule {
  /** As written in the fix, e.g. 'X-Content-Type-Options'. */
  name: string
  kinds: readonly ResponseKind[]
  /** The add_header arguments the fix recommends, e.g. 'X-Content-Type-Options "nosniff" always'. */
  directive: string
  /** What is wrong with the values, 'missing' when there are none, or undefined when they pass. */
  problem: (values: string[], x: HttpExchange) => string | undefined
  /** Where the fix goes when the values are wrong but nginx does not set them. */
  appFix: string
}

interface Judged {
  x: HttpExchange
  values: string[]
  problem?: string
}

function judged(x: HttpExchange, rule: HeaderRule): Judged {
  const values = headerValues(x.response, rule.name)
  return { x, values, problem: rule.problem(values, x) }
}

function shown(j: Judged, name: string): string {
  const seen = j.values.length
    ? `${name}: ${j.values.map((v) => clip(v, 100)).join(' | ')}`
    : `no ${name}`
  return `${labelled(j.x)} -> ${j.x.response?.status}: ${seen}${j.problem && j.values.length ? ` (${j.problem})` : ''}`
}

/** The whole judgement of one header over the responses of its kinds. */
export function judgeHeader(obs: Observations, rule: HeaderRule): CheckOutcome {
  const responses = responsesOf(obs, rule.kinds)
  const kinds = rule.kinds.join(' or ')
  if (responses.length === 0) {
    return {
      status: 'skipped',
      skipReason: 'not-applicable',
      summary: `no ${kinds} response from the app through the proxy`,
    }
  }
  const all = responses.map((x) => judged(x, rule))
  const bad = all.filter((j) => j.problem !== undefined)
  if (bad.length === 0) {
    return {
      status: 'passed',
      summary: clip(
        `all ${plural(all.length, `${kinds} response`)} carry ${rule.name}: ${all[0].values[0] ?? ''}`,
        240,
      ),
      evidence: [`checked: ${listOf(all.map((j) => labelled(j.x)))}`].map((l) => clip(l, 240)),
    }
  }
  const missing = bad.filter((j) => j.values.length === 0 && j.problem === 'missing')
  const causes = missing
    .map((j) => missingCause(obs, j.x, rule.name, rule.directive))
    .filter((c): c is Cause => c !== undefined)
  const unique = [...new Map(causes.map((c) => [c.line, c])).values()]
  const evidence = [
    ...bad.slice(0, 8).map((j) => shown(j, rule.name)),
    ...unique.map((c) => c.line),
  ]
  const names = listOf(
    bad.map((j) => requestLine(j.x)),
    160,
  )
  const count = `${bad.length} of ${plural(all.length, `${kinds} response`)}`
  if (missing.length > 0) {
    return {
      status: 'failed',
      summary: clip(`no ${rule.name} on ${names} (${count})`, 240),
      evidence: evidence.map((l) => clip(l, 240)),
      fix: unique[0]?.fix ?? `send add_header ${rule.directive}; on every ${kinds} response`,
      location: unique[0]?.location,
    }
  }
  const first = bad[0]
  const directive = addHeaderFor(obs, first.x, rule.name)
  return {
    status: 'failed',
    summary: clip(`${rule.name} ${first.problem} on ${names} (${count})`, 240),
    evidence: [
      ...evidence,
      ...(directive ? [`set by add_header at ${lineRef(obs, directive)}`] : []),
    ].map((l) => clip(l, 240)),
    fix: directive ? `add_header ${rule.directive};` : rule.appFix,
    location: userLocation(obs, directive),
  }
}
