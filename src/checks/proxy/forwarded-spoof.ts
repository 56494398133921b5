/**
 * proxy.forwarded-spoof: a client cannot steer the URLs the app generates. Each X-Forwarded-*
 * header ProxyFix can trust was forged on its own, with a canary, through the proxy; a canary in
 * a Location, a page's body or the app's own view of the request (the probe) means nginx passed
 * the client's value on and the app believed it (the guide's x_host=1 behind a location that sets
 * no X-Forwarded-Host is the classic case: password-reset links to the attacker's host).
 */
import { PROXYFIX_ARG, SPOOF_HEADERS, type SpoofHeader } from '../../facts/forwarded-spoof'
import type { NginxLocation } from '../../facts/nginx/types'
import type { HttpExchange, Observations, ProbeAnswer } from '../../facts/types'
import { header, requestLine } from '../lib/http'
import {
  appLocationFor,
  lineRef,
  locationLabel,
  mainServer,
  proxyConfigOf,
  userLocation,
} from '../lib/nginx'
import { plainAnswer, proxyFixLine } from '../lib/probe'
import { present } from '../lib/parts'
import { clip, listOf } from '../lib/text'
import type { Check, CheckOutcome } from '../lib/types'

/** How each header is best pinned in the nginx location that proxies to the app. */
const PIN: Record<SpoofHeader, string> = {
  'x-forwarded-host': 'proxy_set_header X-Forwarded-Host $host;',
  'x-forwarded-port': 'proxy_set_header X-Forwarded-Port $server_port;',
  'x-forwarded-prefix': 'proxy_set_header X-Forwarded-Prefix "";',
  'x-forwarded-proto': 'proxy_set_header X-Forwarded-Proto $scheme;',
}

const NAME: Record<SpoofHeader, string> = {
  'x-forwarded-host': 'X-Forwarded-Host',
  'x-forwarded-port': 'X-Forwarded-Port',
  'x-forwarded-prefix': 'X-Forwarded-Prefix',
  'x-forwarded-proto': 'X-Forwarded-Proto',
}

interface Finding {
  header: SpoofHeader
  /** '<request> -> <where the canary came back>' */
  line: string
}

/** Whether text carries the canary (a port only as `:<port>` of a URL, digits being common). */
function carries(text: string, h: SpoofHeader, canary: string): boolean {
  if (h === 'x-forwarded-port') return new RegExp(`:${canary}(?![0-9])`).test(text)
  return text.toLowerCase().includes(canary.toLowerCase())
}

function forgedHeader(x: { [k: string]: string }): SpoofHeader | undefined {
  return SPOOF_HEADERS.find((h) => x[h] !== undefined)
}

function inExchange(x: HttpExchange, canaries: Record<string, string>): Finding | undefined {
  const h = forgedHeader(x.request.headers)
  const res = x.response
  if (h === undefined || res === undefined) return undefined
  const canary = canaries[h]
  const sent = `${NAME[h]}: ${canary} on ${requestLine(x)}`
  const location = header(res, 'location')
  if (location !== undefined && carries(location, h, canary))
    return { header: h, line: `${sent} -> ${res.status} Location: ${clip(location, 160)}` }
  if (carries(res.body, h, canary))
    return { header: h, line: `${sent} -> ${res.status}: the page's URLs carry it` }
  return undefined
}

function inAnswer(a: ProbeAnswer, canaries: Record<string, string>): Finding | undefined {
  const h = forgedHeader(a.forged)
  if (h === undefined) return undefined
  const canary = canaries[h]
  const seen: [string, string][] = [
    ['request.host', a.host],
    ['url_root', a.urlRoot],
    ['url_for(..., _external=True)', a.externalUrl],
    ['request.scheme', a.scheme],
  ]
  const hit = seen.find(([, v]) => carries(v, h, canary))
  if (hit === undefined) return undefined
  return { header: h, line: `${NAME[h]}: ${canary} -> the app's ${hit[0]} is ${clip(hit[1], 120)}` }
}

function appLocation(obs: Observations): NginxLocation | undefined {
  const server = mainServer(obs)
  return server ? appLocationFor(server, obs.run.routes[0] ?? '/') : undefined
}

function judge(obs: Observations): CheckOutcome {
  const spoof = present(obs.forwardedSpoof)
  if (spoof === undefined) return { status: 'skipped', summary: 'no forged request was made' }
  const answered = spoof.exchanges.filter((x) => x.response !== undefined)
  if (answered.length === 0 && spoof.answers.length === 0) {
    return {
      status: 'skipped',
      summary: 'no request with a forged X-Forwarded-* header was answered',
    }
  }
  if (proxyConfigOf(obs)?.source === 'reference') {
    return {
      status: 'skipped',
      summary:
        "no nginx config in the repository: pinning X-Forwarded-Host and its kin is your production proxy's job (the reference proxy is the guide's example, which passes a client's X-Forwarded-Host on)",
      skipReason: 'not-applicable',
    }
  }
  const findings = [
    ...spoof.exchanges.map((x) => inExchange(x, spoof.canaries)),
    ...spoof.answers.map((a) => inAnswer(a, spoof.canaries)),
  ].filter((f): f is Finding => f !== undefined)
  const tried = `forged, one at a time: ${SPOOF_HEADERS.map((h) => NAME[h]).join(', ')} (${answered.length} requests${spoof.answers.length ? `, ${spoof.answers.length} probe answers` : ''})`
  const plain = plainAnswer(obs)
  const proxyFix = plain ? [`the app: ${proxyFixLine(plain)}`] : []
  if (findings.length === 0) {
    return {
      status: 'passed',
      summary: 'no forged X-Forwarded-* header reached the URLs the app generates',
      evidence: [tried, ...proxyFix],
    }
  }
  const headers = [...new Set(findings.map((f) => f.header))]
  const loc = appLocation(obs)
  const where = loc ? ` in ${locationLabel(loc)} (${lineRef(obs, loc)})` : ''
  const lower = headers.map((h) => `${PROXYFIX_ARG[h]}=0`).join(', ')
  return {
    status: 'failed',
    summary: `a client-sent ${listOf(headers.map((h) => NAME[h]))} steers the app's URLs: the proxy passes it on and the app trusts it`,
    evidence: [...findings.map((f) => f.line).slice(0, 8), tried, ...proxyFix],
    fix: `set each header the app trusts in the proxy${where}: ${headers.map((h) => PIN[h]).join(' ')}; or lower ProxyFix's ${lower} when no proxy sends it`,
    location: userLocation(obs, loc),
  }
}

export const proxyForwardedSpoof: Check = {
  id: 'proxy.forwarded-spoof',
  title: 'Clients cannot forge the forwarded headers the app trusts',
  severity: 'warning',
  passesWhen:
    'a client-sent X-Forwarded-Host, -Port, -Prefix or -Proto never reaches the URLs the app generates',
  needs: ['forwardedSpoof'],
  needsProxiedApp: true,
  run: judge,
}
