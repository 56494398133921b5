/**
 * Checks on the nginx configuration put in front of the app: proxy.config-valid,
 * proxy.forwarded-headers, proxy.rate-limit. The behaviour checks of the proxy live in
 * proxy-traffic.ts (client-ip, host-header) and proxy-urls.ts (https-urls).
 */
import type { NginxConfigFacts } from '../facts/nginx/types'
import type { Observations, ProxyConfigFacts } from '../facts/types'
import type { CheckOutcome, Location } from './lib/types'
import { clip } from './common'
import {
  appLocationFor,
  appLocations,
  lineRef,
  locationLabel,
  mainServer,
  nginxFacts,
  proxyConfigOf,
  rejection,
  userLocation,
} from './nginx'
import { proxyForwardedHeaders } from './forwarded'
import { proxyClientIp, proxyHostHeader } from './proxy-traffic'
import { proxyHttpsUrls } from './proxy-urls'
import { staticAliasTraversal, staticServedByProxy } from './static'

/**
 * What the action did with the config, as evidence lines: the upstream rewrites in one line,
 * then the runtime's notes (certificate, static folders, kept upstreams) without the lines that
 * repeat a rewrite.
 */
function standUpLines(c: ProxyConfigFacts): string[] {
  const lines: string[] = []
  if (c.rewrites.length > 0) {
    const changes = c.rewrites.map(
      (r) => `${directiveAt(c.facts, r)} ${r.before} -> ${r.after} (line ${r.line})`,
    )
    lines.push(`${changes.join('; ')}; nothing else changed`)
  } else if (c.source !== 'reference') {
    lines.push('no upstream address needed changing: the config runs as written')
  }
  const repeats = (note: string): boolean =>
    c.rewrites.some((r) => note.startsWith(`Line ${r.line}: `))
  return [...lines, ...c.notes.filter((n) => !repeats(n))].map((l) => clip(l, 240))
}

/**
 * The directive of a rewrite: proxy_pass or an upstream block's server, read from the facts;
 * without them (nginx refused the config), a URL with a scheme is a proxy_pass.
 */
function directiveAt(
  facts: NginxConfigFacts | undefined,
  r: ProxyConfigFacts['rewrites'][number],
): string {
  const own = (f: string): boolean => !f.startsWith('/')
  const servers = facts?.servers ?? []
  const passes = servers.some((s) =>
    s.locations.some((l) => l.proxyPass?.line === r.line && own(l.file)),
  )
  if (passes || (facts === undefined && /^["']?https?:\/\//.test(r.before))) return 'proxy_pass'
  const upstream = facts?.upstreams.find((u) =>
    u.servers.some((s) => s.line === r.line && own(s.file)),
  )
  return upstream ? `upstream ${upstream.name}: server` : 'upstream'
}

function rejectFix(c: ProxyConfigFacts): string {
  const message = c.test.message ?? ''
  const line = c.test.line !== undefined ? ` on line ${c.test.line}` : ''
  if (c.source === 'reference')
    return 'the reference proxy should always load: report this as a flask-deploy-check bug'
  const unknown = /unknown directive "([^"]+)"/.exec(message)
  if (unknown) {
    return `nginx reads "${unknown[1]}"${line} as a directive: correct its spelling, or quote the value before it (an unquoted value ends at its first ';')`
  }
  const host = /host not found in upstream "([^"]+)"/.exec(message)
  if (host) {
    return `nginx resolves "${host[1]}" when it starts: proxy to 127.0.0.1:<port> (the action points loopback upstreams at the app container) or to a name that resolves where nginx runs`
  }
  if (/certificate/.test(message)) {
    return 'name the certificate with ssl_certificate / ssl_certificate_key at fixed paths (the action fills them with a throw-away certificate)'
  }
  return `fix the config until nginx -t accepts it: docker run --rm -v "$PWD/${c.path ?? 'nginx.conf'}:/etc/nginx/conf.d/default.conf:ro" nginx nginx -t`
}

function rejectLocation(c: ProxyConfigFacts): Location | undefined {
  if (c.source === 'reference') return undefined
  const file = c.test.file
  if (file !== undefined && !file.startsWith('/')) {
    return c.test.line === undefined ? { file } : { file, line: c.test.line }
  }
  return c.path === undefined ? undefined : { file: c.path }
}

/** proxy.config-valid: nginx -t accepts the configuration the action puts in front. */
export function proxyConfigValid(obs: Observations): CheckOutcome {
  const c = proxyConfigOf(obs)
  if (c === undefined) return { status: 'skipped', summary: 'no proxy config was prepared' }
  const name = c.source === 'reference' ? 'the reference proxy' : (c.path ?? 'the nginx config')
  if (!c.test.ok) {
    const where = c.test.file !== undefined ? ` in ${c.test.file}:${c.test.line ?? '?'}` : ''
    return {
      status: 'failed',
      summary: clip(`nginx -t rejected ${name}: ${c.test.message ?? 'no message'}`),
      evidence: [clip(`nginx -t: ${c.test.message ?? ''}${where}`), ...standUpLines(c)],
      fix: rejectFix(c),
      location: rejectLocation(c),
    }
  }
  const summary =
    c.source === 'reference'
      ? 'no nginx config in the repository: the reference proxy (TLS, forwarded headers, /static/) stands in front, and nginx -t accepts it'
      : `nginx -t accepts ${name} (${c.source === 'input' ? 'the nginx-config input' : 'found in the repository'})`
  return { status: 'passed', summary, evidence: standUpLines(c) }
}

/** proxy.rate-limit (notice): a limit_req applies to the location that proxies to the app. */
export function proxyRateLimit(obs: Observations): CheckOutcome {
  const c = proxyConfigOf(obs)
  if (c?.source === 'reference') {
    return {
      status: 'skipped',
      summary: 'no nginx config in the repository: rate limiting belongs to your production proxy',
    }
  }
  const refused = rejection(obs)
  if (refused) return { status: 'skipped', summary: refused }
  const facts = nginxFacts(obs)
  const server = mainServer(obs)
  if (facts === undefined || server === undefined) {
    return { status: 'skipped', summary: 'no parsed nginx config with an HTTPS server to read' }
  }
  const route = obs.run.routes[0] ?? '/'
  const loc = appLocationFor(server, route)
  if (loc === undefined) {
    return { status: 'skipped', summary: 'no location of the HTTPS server proxies to the app' }
  }
  const unlimited = appLocations(server).filter((l) => l !== loc && l.limitReq.length === 0)
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

/** The proxy family, by check id (registered in registry.ts). */
export const proxyChecks = {
  'proxy.https-urls': proxyHttpsUrls,
  'proxy.client-ip': proxyClientIp,
  'proxy.forwarded-headers': proxyForwardedHeaders,
  'proxy.config-valid': proxyConfigValid,
  'static.served-by-proxy': staticServedByProxy,
  'proxy.host-header': proxyHostHeader,
  'static.alias-traversal': staticAliasTraversal,
  'proxy.rate-limit': proxyRateLimit,
}
