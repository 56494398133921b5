/** proxy.rate-limit (notice): nginx rate-limits the requests it passes to the app. */
import type { Observations } from '../../facts/types'
import {
  isCaddy,
  passLocationFor,
  passLocations,
  lineRef,
  locationLabel,
  mainServer,
  nginxFacts,
  proxyConfigOf,
  rejection,
  userLocation,
} from '../lib/nginx'
import type { Check, CheckOutcome } from '../lib/types'

/** proxy.rate-limit (notice): a limit_req applies to the location that proxies to the app. */
function judge(obs: Observations): CheckOutcome {
  const c = proxyConfigOf(obs)
  if (c?.source === 'reference') {
    return {
      status: 'skipped',
      summary: 'no nginx config in the repository: rate limiting belongs to your production proxy',
      skipReason: 'not-applicable',
    }
  }
  if (isCaddy(obs)) {
    return {
      status: 'skipped',
      summary:
        "Caddy's standard build has no rate limiter (rate_limit is the caddy-ratelimit plugin, in neither Debian's nor the official image's caddy): a plugin build or a layer in front has to do it",
      skipReason: 'not-applicable',
    }
  }
  const refused = rejection(obs)
  if (refused) return { status: 'skipped', summary: refused, blockedBy: 'proxy.config-valid' }
  const facts = nginxFacts(obs)
  const server = mainServer(obs)
  if (facts === undefined || server === undefined) {
    return { status: 'skipped', summary: 'no parsed nginx config with an HTTPS server to read' }
  }
  const route = obs.run.routes[0] ?? '/'
  const loc = passLocationFor(server, route)
  if (loc === undefined) {
    return {
      status: 'skipped',
      summary: 'no location of the HTTPS server proxies to the app',
      skipReason: 'not-applicable',
    }
  }
  const unlimited = passLocations(server).filter((l) => l !== loc && l.limitReq.length === 0)
  const others = unlimited.length
    ? [
        `not limited: ${unlimited.map((l) => `${locationLabel(l)} (${lineRef(obs, l)})`).join(', ')}`,
      ]
    : []
  if (loc.limitReq.length > 0) {
    const limits = loc.limitReq.map((r) => {
      const zone = facts.limitReqZones.find((z) => z.zone === r.zone)
      const burst = r.burst !== undefined ? ` burst=${r.burst}` : ''
      const rate = zone?.rate ? ` (${zone.rate} per ${zone.key})` : ''
      return `limit_req zone=${r.zone}${burst}${rate}`
    })
    return {
      status: 'passed',
      summary: `${locationLabel(loc)} is rate-limited: ${limits[0]}`,
      evidence: [
        ...loc.limitReq.map(
          (r, i) => `${limits[i]}: ${lineRef(obs, r)}${r.inherited ? ' (inherited)' : ''}`,
        ),
        ...others,
      ],
    }
  }
  return {
    status: 'failed',
    summary: `no limit_req applies to ${locationLabel(loc)} (${lineRef(obs, loc)}), which proxies to the app`,
    evidence: [
      `${locationLabel(loc)} proxies ${route} to the app with no limit_req (own or inherited)`,
      ...others,
    ],
    fix: `limit_req_zone $binary_remote_addr zone=app:10m rate=10r/s; (http level) and limit_req zone=app burst=20 nodelay; in ${locationLabel(loc)}`,
    location: userLocation(obs, loc),
  }
}

export const proxyRateLimit: Check = {
  id: 'proxy.rate-limit',
  title: 'Proxy rate-limits requests',
  severity: 'notice',
  needs: ['proxyConfig'],
  passesWhen: 'nginx rate-limits requests (`limit_req`)',
  run: judge,
}
