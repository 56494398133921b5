/**
 * How a Caddyfile stands in front of the app for a run, decided from the JSON `caddy adapt`
 * printed (pure; the container and a host-mode runner both use it): loopback upstreams point at
 * the app's host with the same port, certificates come from Caddy's internal CA (`tls internal`,
 * offline) instead of ACME, the admin endpoint is off, and the folders file_server serves under
 * /static are named so the app's static files can be put there.
 */
import { listenPort, routeHosts } from '../facts/caddy-json'
import type { CaddyConfig, CaddyHandler, CaddyRoute } from '../facts/caddy-json'
import { isLoopback, isUnspecified } from '../facts/loopback'
import type { NginxConfigFacts } from '../facts/nginx/types'
import type { StaticTarget } from './plan'
import { usableName } from './plan'

export interface CaddyRewrite {
  line: number
  before: string
  after: string
}

export interface CaddyKept {
  line: number
  value: string
  reason: 'not-loopback' | 'unix-socket' | 'variable'
}

export interface CaddyPlan {
  /** The config Caddy runs (JSON text). */
  json: string
  rewrites: CaddyRewrite[]
  kept: CaddyKept[]
  /** Upstream names (compose services) that mean the app: resolved to it, the text unchanged. */
  serviceHosts: string[]
  statics: StaticTarget[]
  /** The HTTPS port, and the plain-HTTP port when automatic HTTPS redirects from it. */
  sslPort?: number
  plainPort?: number
  /** The first site host name, when a site names one. */
  serverName?: string
  /** Every site host name: the internal CA issues a certificate for each. */
  hosts: string[]
  notes: string[]
}

export interface CaddyPlanInput {
  /** Where the app answers, seen from Caddy: the container alias, or 127.0.0.1 on a host. */
  appHost: string
  /** Line of each dial address in the Caddyfile (the facts' reverse_proxy lines). */
  lineOf: (dial: string) => number
}

function rewriteDial(
  dial: string,
  input: CaddyPlanInput,
): { after?: string; kept?: CaddyKept['reason'] } {
  if (dial.includes('{')) return { kept: 'variable' }
  if (dial.startsWith('unix/')) return { kept: 'unix-socket' }
  const m = /^(?:[a-z0-9]+\/)?(\[[^\]]+\]|[^:]*):(\d+)$/.exec(dial)
  if (!m) return { kept: 'not-loopback' }
  const host = m[1]
  if (host === '' || isLoopback(host) || isUnspecified(host))
    return { after: `${input.appHost}:${m[2]}` }
  return { kept: 'not-loopback' }
}

function eachRoute(routes: CaddyRoute[] | undefined, visit: (h: CaddyHandler) => void): void {
  for (const r of routes ?? [])
    for (const h of r.handle ?? []) {
      visit(h)
      if (h.handler === 'subroute') eachRoute(h.routes, visit)
    }
}

/** Static folders of the model: /static locations served from disk (alias or root + path). */
export function caddyStatics(facts: NginxConfigFacts): StaticTarget[] {
  const out: StaticTarget[] = []
  for (const loc of facts.servers.flatMap((s) => s.locations)) {
    if (!loc.path.startsWith('/static') || loc.proxyPass) continue
    const v = loc.alias ?? loc.root
    if (!v || v.value.includes('{') || !v.value.startsWith('/')) continue
    const kind = loc.alias ? 'alias' : 'root'
    const raw = kind === 'alias' ? v.value : `${v.value.replace(/\/+$/, '')}${loc.path}`
    const dir = raw.replace(/\/+$/, '') || '/'
    if (!out.some((t) => t.dir === dir))
      out.push({ location: loc.path, line: loc.line, kind, value: v.value, dir })
  }
  return out
}

/** The run's config and what was changed, from the adapted config and its proxy model. */
export function planCaddy(
  adapted: CaddyConfig,
  facts: NginxConfigFacts,
  input: CaddyPlanInput,
): CaddyPlan {
  const config = JSON.parse(JSON.stringify(adapted)) as CaddyConfig
  const rewrites: CaddyRewrite[] = []
  const kept: CaddyKept[] = []
  const http = config.apps?.http
  const servers = Object.values(http?.servers ?? {})
  for (const srv of servers)
    eachRoute(srv.routes, (h) => {
      if (h.handler !== 'reverse_proxy') return
      for (const u of h.upstreams ?? []) {
        if (!u.dial) continue
        const r = rewriteDial(u.dial, input)
        const line = input.lineOf(u.dial)
        if (r.after) {
          rewrites.push({ line, before: u.dial, after: r.after })
          u.dial = r.after
        } else kept.push({ line, value: u.dial, reason: r.kept ?? 'not-loopback' })
      }
    })
  const hosts = [
    ...new Set(servers.flatMap((s) => (s.routes ?? []).flatMap(routeHosts)).filter(usableName)),
  ]
  const httpPort = http?.http_port ?? 80
  const ports = servers.map((s) => listenPort(s.listen?.[0] ?? ':443') ?? 443)
  const sslPort = ports.find((p) => p !== httpPort)
  const redirects = servers.some(
    (s) =>
      (listenPort(s.listen?.[0] ?? ':443') ?? 443) !== httpPort &&
      !s.automatic_https?.disable &&
      !s.automatic_https?.disable_redirects &&
      (s.routes ?? []).some((r) => routeHosts(r).length > 0),
  )
  const plainPort = ports.includes(httpPort) || redirects ? httpPort : undefined
  const notes: string[] = []
  const apps = (config.apps ??= {})
  if (apps.tls?.certificates)
    notes.push(
      'The Caddyfile loads its own certificate files: replaced by the internal CA for the run.',
    )
  const policy =
    hosts.length > 0
      ? { subjects: hosts, issuers: [{ module: 'internal' }] }
      : { issuers: [{ module: 'internal' }], on_demand: true }
  apps.tls = { ...(apps.tls ?? {}), automation: { policies: [policy] } }
  delete apps.tls.certificates
  config.admin = { disabled: true }
  notes.push(
    `Certificates for ${hosts.length ? hosts.join(', ') : 'any name (on demand)'} come from Caddy's internal CA (tls internal), not from an ACME issuer.`,
  )
  const serviceHosts = [
    ...new Set(
      kept
        .filter((k) => k.reason === 'not-loopback')
        .map((k) => /^([A-Za-z][A-Za-z0-9_-]*):\d+$/.exec(k.value)?.[1] ?? '')
        .filter(Boolean),
    ),
  ]
  return {
    json: JSON.stringify(config),
    rewrites,
    kept,
    serviceHosts,
    statics: caddyStatics(facts),
    ...(sslPort !== undefined ? { sslPort } : {}),
    ...(plainPort !== undefined ? { plainPort } : {}),
    ...(hosts[0] ? { serverName: hosts[0] } : {}),
    hosts,
    notes,
  }
}
