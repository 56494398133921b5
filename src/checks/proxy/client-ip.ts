/** Behaviour of requests through the proxy: proxy.client-ip and proxy.host-header. */
import type { NginxServer } from '../facts/nginx/types'
import type { Observations, ProbeAnswer } from '../facts/types'
import type { CheckOutcome } from './lib/types'
import { caseless, clip, exchangeLine, header, present } from './common'
import {
  lineRef,
  locationFor,
  mainServer,
  nginxFacts,
  proxyConfigOf,
  publicHost,
  serverFor,
  tlsPort,
  userLocation,
} from './nginx'
import {
  FORGED_CLIENT,
  PROXY_FIX,
  forgedAnswer,
  plainAnswer,
  proxyFixLine,
  proxyFixOf,
} from './probe'
import { proxyExchanges, requestHost } from './responses'

const XFF_LINE = 'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;'

function sawLine(a: ProbeAnswer, what: string): string {
  const xff = caseless(a.forwarded, 'x-forwarded-for')
  return clip(
    `${what}: remote_addr ${a.remoteAddr} (X-Forwarded-For reaching the app: ${xff ?? 'none'})`,
  )
}

/** proxy.client-ip: the app sees the client nginx saw, and a forged X-Forwarded-For does not win. */
export function proxyClientIp(obs: Observations): CheckOutcome {
  const client = present(obs.proxy)?.clientAddress
  const plain = plainAnswer(obs)
  const forged = forgedAnswer(obs)
  const any = plain ?? forged
  if (client === undefined || any === undefined) {
    return { status: 'skipped', summary: 'the probe did not answer through the proxy' }
  }
  const evidence = [
    `nginx saw the client as ${client}`,
    ...(plain ? [sawLine(plain, 'plain request')] : []),
    ...(forged ? [sawLine(forged, `with a forged X-Forwarded-For: ${FORGED_CLIENT}`)] : []),
    proxyFixLine(any),
  ]
  const xFor = proxyFixOf(any)?.xFor ?? 0
  if (forged?.remoteAddr === FORGED_CLIENT) {
    const passedThrough = caseless(forged.forwarded, 'x-forwarded-for') === FORGED_CLIENT
    return {
      status: 'failed',
      summary: `a client-forged X-Forwarded-For wins: the app takes ${FORGED_CLIENT} as the client address`,
      evidence,
      fix:
        xFor > 1
          ? `ProxyFix x_for=${xFor} trusts ${xFor} proxies but there is 1 (nginx): ${PROXY_FIX}`
          : passedThrough
            ? `let nginx append the client address instead of passing the client's header on: ${XFF_LINE}`
            : `trust exactly one proxy: ${PROXY_FIX}`,
    }
  }
  if (plain !== undefined && plain.remoteAddr !== client) {
    const xff = caseless(plain.forwarded, 'x-forwarded-for')
    return {
      status: 'failed',
      summary: `the app sees ${plain.remoteAddr} (the proxy) as the client, not ${client}`,
      evidence,
      fix:
        xff === undefined
          ? `${XFF_LINE} in the location that proxies to the app, and ${PROXY_FIX}`
          : xFor > 1
            ? `ProxyFix x_for=${xFor} expects ${xFor} proxies but there is 1 (nginx): ${PROXY_FIX}`
            : `trust the X-Forwarded-For nginx sets: ${PROXY_FIX}`,
    }
  }
  const forgedPart = forged ? `; a forged X-Forwarded-For: ${FORGED_CLIENT} did not replace it` : ''
  return {
    status: 'passed',
    summary: `the app sees the client address ${client}${forgedPart}`,
    evidence,
  }
}

function landing(obs: Observations, server: NginxServer | undefined, port: number): string[] {
  if (server === undefined) return []
  const listen = server.listen.find((l) => l.port === port)
  const why = listen?.defaultServer ? 'the default_server' : 'the first server'
  return [
    `it lands on server ${server.serverNames.join(' ') || '""'} (${lineRef(obs, server)}), ${why} for port ${port}`,
  ]
}

/** proxy.host-header: a foreign Host is refused or answered by a default server, never the app. */
export function proxyHostHeader(obs: Observations): CheckOutcome {
  const x = proxyExchanges(obs, ['host-header'])[0]
  if (x === undefined) {
    return { status: 'skipped', summary: 'no request with a foreign Host header was made' }
  }
  if (proxyConfigOf(obs)?.source === 'reference') {
    return {
      status: 'skipped',
      summary:
        "no nginx config in the repository: refusing foreign Host headers is your production proxy's job (the reference proxy has a single server)",
    }
  }
  const forged = requestHost(x)
  const facts = nginxFacts(obs)
  const port = facts ? tlsPort(facts) : 443
  const target = facts && serverFor(facts, port, forged)
  const main = mainServer(obs)
  const res = x.response
  const evidence = [clip(`${exchangeLine(x)} with Host: ${forged}`), ...landing(obs, target, port)]
  if (res === undefined || [400, 421, 444].includes(res.status)) {
    return {
      status: 'passed',
      summary: res
        ? `a request for ${forged} was refused with ${res.status}`
        : `a request for ${forged} was refused: the connection was closed (${clip(x.error ?? 'no answer', 60)})`,
      evidence,
    }
  }
  const location = header(res, 'location') ?? ''
  const host = forged.toLowerCase()
  const echoed = location.toLowerCase().includes(host)
    ? `Location: ${clip(location, 160)}`
    : res.body.toLowerCase().includes(host)
      ? 'the body contains the foreign host'
      : undefined
  const route = proxyExchanges(obs, ['route']).find((r) => r.request.path === x.request.path)
  const sameAsRoute =
    route?.response !== undefined &&
    route.response.status === res.status &&
    route.response.body === res.body
  const proxied =
    target !== undefined && target === main && !!locationFor(target, x.request.path)?.proxyPass
  if (echoed === undefined && !proxied && !sameAsRoute) {
    return {
      status: 'passed',
      summary: `a request for ${forged} was answered ${res.status} by a default server without reaching the app`,
      evidence,
    }
  }
  const name = publicHost(obs) ?? 'example.com'
  return {
    status: 'failed',
    summary: echoed
      ? `a request with a foreign Host reached the app, which echoed it into its answer`
      : `a request with a foreign Host reached the app (answered ${res.status})`,
    evidence: [...evidence, ...(echoed ? [echoed] : [])],
    fix: `add a catch-all server first: server { listen 443 ssl default_server; server_name _; ssl_reject_handshake on; } (and listen 80 default_server; return 444;), keep server_name ${name} on the app's server`,
    location: userLocation(obs, target),
  }
}
