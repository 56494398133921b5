/**
 * proxy.https-urls: behind the TLS proxy, the absolute URLs the app generates (Location headers
 * including Werkzeug's trailing-slash redirect, links in route bodies, the probe's url_for) use
 * https:// and the public host.
 */
import type { HttpExchange, Observations, ProbeAnswer } from '../../facts/types'
import { SERVER_NAMES, serverOfSoftware } from '../../facts/wsgi'
import { caseless, header, httpsExchanges, requestHost, requestLine } from '../lib/http'
import { appLocationFor, locationLabel, mainServer, publicHost, userLocation } from '../lib/nginx'
import { PROXY_FIX, plainAnswer, probeSkip, proxyFixLine, proxyFixOf } from '../lib/probe'
import { present } from '../lib/parts'
import { clip, plural } from '../lib/text'
import type { Check, CheckOutcome } from '../lib/types'
import { absoluteUrls, isInternalHost, type FoundUrl } from '../lib/urls'

const LOCATION_PURPOSES = ['route', 'trailing-slash', 'health', 'not-found', 'static']

interface Finding {
  /** What a person reads: 'GET /docs answered 308 with Location: http://...'. */
  text: string
  /** Why it is wrong: 'http://' or 'the internal host app'. */
  why: string
}

/** Why a URL pointing at this deployment is wrong, or undefined (fine, or another site's). */
function wrong(u: FoundUrl, host: string): string | undefined {
  if (u.host === host.toLowerCase()) return u.scheme === 'http' ? 'http://' : undefined
  return isInternalHost(u.host) ? `the internal host ${u.host}` : undefined
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Findings in one exchange: its Location (and URLs inside it) and, for routes, its body. */
interface Seen {
  n: number
  /** A few of the URLs that were fine, for the passed evidence. */
  samples: string[]
}

function findings(obs: Observations, x: HttpExchange, seen: Seen): Finding[] {
  const host = publicHost(obs) ?? requestHost(x)
  const out: Finding[] = []
  const location = header(x.response, 'location')
  if (location !== undefined) {
    for (const u of absoluteUrls(decoded(location))) {
      seen.n++
      const why = wrong(u, host)
      const text = `${requestLine(x)} (${x.purpose}) answered ${x.response?.status} with Location: ${clip(location, 120)}`
      if (why) out.push({ text, why })
      else seen.samples.push(text)
    }
  }
  if (x.purpose === 'route') {
    // One finding per URL a page links to: a redirect page holds it in href and text alike.
    const urls = new Set<string>()
    for (const u of absoluteUrls(x.response?.body ?? '')) {
      if (urls.has(u.url)) continue
      urls.add(u.url)
      seen.n++
      const why = wrong(u, host)
      const text = `${requestLine(x)} links to ${clip(u.url, 120)}`
      if (why) out.push({ text, why })
      else seen.samples.push(text)
    }
  }
  return out
}

function probeFindings(obs: Observations, a: ProbeAnswer): Finding[] {
  const host = (publicHost(obs) ?? a.host).toLowerCase()
  const out: Finding[] = []
  for (const [what, url] of [
    ['url_for(..., _external=True)', a.externalUrl],
    ['request.url_root', a.urlRoot],
  ]) {
    const u = absoluteUrls(url)[0]
    if (u === undefined) continue
    const why =
      u.scheme !== 'https' ? 'http://' : u.host !== host ? `the host ${u.host}` : undefined
    if (why) out.push({ text: `the probe: ${what} is ${clip(url, 120)}`, why })
  }
  return out
}

function probeLines(a: ProbeAnswer): string[] {
  const proto = caseless(a.forwarded, 'x-forwarded-proto')
  return [
    clip(
      `the probe through the proxy: request.scheme ${a.scheme}, host ${a.host}, url_for ${a.externalUrl}`,
    ),
    `X-Forwarded-Proto reaching the app: ${proto ?? 'none'}; wsgi.url_scheme from the server: ${a.serverScheme}; ${proxyFixLine(a)}`,
  ]
}

/** A production server by name; Werkzeug trusts no forwarded header, so it is never the one. */
function serverLabel(software: string): string {
  const kind = serverOfSoftware(software)
  return kind !== undefined && kind !== 'werkzeug' ? SERVER_NAMES[kind] : 'the WSGI server'
}

/** proxy.https-urls. */
function judge(obs: Observations): CheckOutcome {
  const seen: Seen = { n: 0, samples: [] }
  const found = httpsExchanges(obs, LOCATION_PURPOSES).flatMap((x) => findings(obs, x, seen))
  const answer = plainAnswer(obs)
  if (answer) found.push(...probeFindings(obs, answer))
  const evidenceProbe = answer ? probeLines(answer) : []
  if (found.length > 0) {
    const server = mainServer(obs)
    const loc = server && appLocationFor(server, obs.run.routes[0] ?? '/')
    const protoSet = loc?.proxySetHeaders.some((h) => /^x-forwarded-proto$/i.test(h.name))
    const protoArrived = answer && caseless(answer.forwarded, 'x-forwarded-proto')
    const nginxGap = loc !== undefined && (answer ? !protoArrived : !protoSet)
    // Behind a load balancer nginx's own scheme is http: `$scheme` overwrites the balancer's https.
    const behind = (present(obs.proxy)?.hops ?? 1) > 1
    const overwritten = behind && loc !== undefined && protoArrived === 'http'
    if (overwritten)
      return {
        status: 'failed',
        summary: clip(
          `${found[0].text}: ${found[0].why} behind the load balancer: nginx sends X-Forwarded-Proto http${found.length > 1 ? ` (and ${found.length - 1} more)` : ''}`,
          240,
        ),
        evidence: [
          ...found.slice(0, 6).map((f) => clip(`${f.text} (${f.why})`)),
          ...evidenceProbe,
          'the load balancer sent X-Forwarded-Proto: https to nginx',
        ],
        fix: `pass the balancer's scheme on in ${locationLabel(loc)}: proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto; ($scheme is nginx's own, http)`,
        location: userLocation(
          obs,
          loc.proxySetHeaders.find((h) => /^x-forwarded-proto$/i.test(h.name)) ?? loc,
        ),
      }
    return {
      status: 'failed',
      summary: clip(
        `${found[0].text}: ${found[0].why} behind the TLS proxy${found.length > 1 ? ` (and ${found.length - 1} more)` : ''}`,
        240,
      ),
      evidence: [...found.slice(0, 6).map((f) => clip(`${f.text} (${f.why})`)), ...evidenceProbe],
      fix: nginxGap
        ? `add proxy_set_header X-Forwarded-Proto $scheme; and Host $host; to ${locationLabel(loc)}, and ${PROXY_FIX}`
        : `trust the proxy's headers: ${PROXY_FIX} (from werkzeug.middleware.proxy_fix import ProxyFix)`,
      location: nginxGap ? userLocation(obs, loc) : undefined,
    }
  }
  if (answer && answer.serverScheme === 'https' && !proxyFixOf(answer)?.xProto) {
    const server = serverLabel(answer.serverSoftware)
    return {
      status: 'failed',
      severity: 'warning',
      summary: `URLs are https only because ${server} itself trusts X-Forwarded-Proto, with no ProxyFix: fragile`,
      evidence: [
        ...evidenceProbe,
        `${server} honours X-Forwarded-Proto only from the addresses it trusts (Gunicorn: forwarded_allow_ips, 127.0.0.1 by default); from a proxy at any other address the URLs turn http://`,
      ],
      fix: `make the app trust the proxy itself: ${PROXY_FIX}`,
    }
  }
  if (seen.n === 0 && !answer) {
    const skipReason = probeSkip(obs)
    return {
      status: 'skipped',
      summary:
        'no absolute URL to judge: no Location header or absolute link in the responses, and the probe did not answer',
      ...(skipReason ? { skipReason } : {}),
    }
  }
  const parts = [
    ...(seen.n > 0 ? [plural(seen.n, 'absolute URL')] : []),
    ...(answer ? ["the probe's url_for"] : []),
  ]
  return {
    status: 'passed',
    summary: `generated URLs use https://${publicHost(obs) ?? answer?.host ?? ''}: ${parts.join(' and ')} checked`,
    evidence: [...seen.samples.slice(0, 4), ...evidenceProbe],
  }
}

export const proxyHttpsUrls: Check = {
  id: 'proxy.https-urls',
  title: 'Generated URLs are https behind the proxy',
  severity: 'error',
  needs: ['proxy', 'http'],
  needsProxiedApp: true,
  passesWhen: 'behind the TLS proxy, generated URLs are `https://` with the public host',
  run: judge,
}
