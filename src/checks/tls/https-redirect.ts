/** tls.https-redirect: plain HTTP on the proxy's port 80 redirects permanently to https. */
import type { Observations } from '../../facts/types'
import { header, proxyExchanges, requestHost } from '../lib/http'
import {
  isCaddy,
  lineRef,
  nginxFacts,
  proxyConfigOf,
  publicHost,
  serverFor,
  userLocation,
} from '../lib/nginx'
import { clip } from '../lib/text'
import type { Check, CheckOutcome } from '../lib/types'

/** tls.https-redirect: plain HTTP on port 80 redirects (301/308) to https with the same host and path. */
function judge(obs: Observations): CheckOutcome {
  if (proxyConfigOf(obs)?.tls === 'upstream') {
    return {
      status: 'skipped',
      summary:
        "TLS ends at the load balancer (tls-termination: upstream): its listener rules, not the repository's nginx, redirect plain HTTP",
      skipReason: 'not-applicable',
    }
  }
  const facts = nginxFacts(obs)
  if (facts && !facts.servers.some((s) => s.listen.some((l) => l.port === 80))) {
    return {
      status: 'skipped',
      summary: 'the config has no port-80 server',
      skipReason: 'not-applicable',
    }
  }
  const x = proxyExchanges(obs, ['https-redirect'])[0]
  if (x === undefined)
    return { status: 'skipped', summary: 'no plain-HTTP request was made to port 80' }
  const host = publicHost(obs) ?? requestHost(x)
  const expected = `https://${host}${x.request.path}`
  const server80 = facts && serverFor(facts, 80, host)
  const location = userLocation(obs, server80?.return ?? server80)
  const fix = isCaddy(obs)
    ? `let Caddy's automatic HTTPS redirect plain HTTP (308): name the site by its host (${host} {), and drop auto_https off / disable_redirects and any http:// site block for it`
    : `redirect permanently: server { listen 80; server_name ${host}; return 301 https://$host$request_uri; }`
  const asked = `http://${host}${x.request.path}`
  const res = x.response
  if (res === undefined) {
    return {
      status: 'failed',
      summary: `plain HTTP got no answer on port 80: ${clip(x.error ?? 'connection closed', 80)}`,
      evidence: [`GET ${asked} -> ${clip(x.error ?? 'no response', 120)}`],
      fix,
      location,
    }
  }
  const target = header(res, 'location')
  const evidence = [
    `GET ${asked} -> ${res.status}${target !== undefined ? ` Location: ${clip(target, 160)}` : ''}`,
    ...(server80
      ? [`port-80 server ${server80.serverNames.join(' ')} (${lineRef(obs, server80)})`]
      : []),
  ]
  let url: URL | undefined
  try {
    url = target === undefined ? undefined : new URL(target, `http://${host}`)
  } catch {
    url = undefined
  }
  const same =
    url !== undefined &&
    url.protocol === 'https:' &&
    url.hostname === host.toLowerCase() &&
    (url.port === '' || url.port === '443') &&
    url.pathname + url.search === x.request.path
  if (res.status < 300 || res.status >= 400 || target === undefined) {
    return {
      status: 'failed',
      summary: `plain HTTP is answered ${res.status}, not redirected to https`,
      evidence,
      fix,
      location,
    }
  }
  if (!same) {
    return {
      status: 'failed',
      summary: `plain HTTP redirects to ${clip(target, 100)}, not ${clip(expected, 100)}`,
      evidence,
      fix,
      location,
    }
  }
  if (res.status === 301 || res.status === 308) {
    return {
      status: 'passed',
      summary: `plain HTTP redirects (${res.status}) to ${clip(expected, 120)}`,
      evidence,
    }
  }
  return {
    status: 'failed',
    summary: `plain HTTP redirects with ${res.status} (temporary), not 301/308`,
    evidence,
    fix,
    location,
  }
}

export const tlsHttpsRedirect: Check = {
  id: 'tls.https-redirect',
  title: 'Plain HTTP redirects to HTTPS',
  severity: 'warning',
  needs: ['proxy', 'http'],
  passesWhen:
    'plain HTTP on port 80 redirects (301/308) to https with the same host and path; not applicable without a port-80 server',
  run: judge,
}
