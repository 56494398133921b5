/** proxy.host-header: a request with a foreign Host header through the proxy never reaches the app. */
import type { NginxServer } from '../../facts/nginx/types'
import type { Observations } from '../../facts/types'
import { exchangeLine, header, nginxError, proxyExchanges, requestHost } from '../lib/http'
import {
  isCaddy,
  lineRef,
  locationFor,
  mainServer,
  nginxFacts,
  proxyConfigOf,
  publicHost,
  serverFor,
  entryPort,
  userLocation,
} from '../lib/nginx'
import { clip } from '../lib/text'
import type { Check, CheckOutcome } from '../lib/types'

function landing(obs: Observations, server: NginxServer | undefined, port: number): string[] {
  if (server === undefined) return []
  const listen = server.listen.find((l) => l.port === port)
  const why = listen?.defaultServer ? 'the default_server' : 'the first server'
  return [
    `it lands on server ${server.serverNames.join(' ') || '""'} (${lineRef(obs, server)}), ${why} for port ${port}`,
  ]
}

/** proxy.host-header: a foreign Host is refused or answered by a default server, never the app. */
function judge(obs: Observations): CheckOutcome {
  const x = proxyExchanges(obs, ['host-header'])[0]
  if (x === undefined) {
    return { status: 'skipped', summary: 'no request with a foreign Host header was made' }
  }
  if (proxyConfigOf(obs)?.source === 'reference') {
    return {
      status: 'skipped',
      summary:
        "no nginx config in the repository: refusing foreign Host headers is your production proxy's job (the reference proxy has a single server)",
      skipReason: 'not-applicable',
    }
  }
  const forged = requestHost(x)
  const facts = nginxFacts(obs)
  const port = facts ? entryPort(obs, facts) : 443
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
  if (nginxError(x)) {
    // nginx's own 502/504: the request was meant for the app but never reached it.
    return {
      status: 'skipped',
      summary: `a request for ${forged} got nginx's own ${res.status}: it did not reach the app, so this shows nothing`,
      evidence,
      blockedBy: 'proxy.upstream',
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
    fix: isCaddy(obs)
      ? `name the site by its host (${name} {) instead of a catch-all address such as :443 or a wildcard, so Caddy answers other hosts without the app`
      : `add a catch-all server first: server { listen 443 ssl default_server; server_name _; ssl_reject_handshake on; } (and listen 80 default_server; return 444;), keep server_name ${name} on the app's server`,
    location: userLocation(obs, target),
  }
}

export const proxyHostHeader: Check = {
  id: 'proxy.host-header',
  title: 'Foreign Host headers do not reach the app',
  severity: 'warning',
  needs: ['proxy', 'http'],
  needsProxiedApp: true,
  passesWhen: 'a foreign Host header never reaches the app',
  run: judge,
}
