/**
 * What proxy.timeouts and proxy.body-size share: the location that hands the checked route to
 * the app (or why there is none to judge), and nginx's time and size units. Pure.
 */
import type { NginxLocation, NginxServer, NginxValue } from '../../facts/nginx/types'
import type { Observations } from '../../facts/types'
import {
  isCaddy,
  lineRef,
  locationLabel,
  mainServer,
  nginxFacts,
  passLocationFor,
  proxyConfigOf,
  rejection,
} from './nginx'
import type { CheckOutcome } from './types'

/** Seconds of an nginx time ('60s', '1m', '90', '1h30m', '500ms'); undefined when unreadable. */
export function nginxSeconds(text: string): number | undefined {
  const units: Record<string, number> = {
    ms: 0.001,
    s: 1,
    m: 60,
    h: 3600,
    d: 86400,
    w: 604800,
    M: 2592000,
    y: 31536000,
  }
  const parts = [...text.trim().matchAll(/(\d+)(ms|[smhdwMy]?)/g)]
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim()) return undefined
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2] || 's'], 0)
}

/** Bytes of an nginx size ('1m', '10M', '512k', '1g', '1048576'); undefined when unreadable. */
export function nginxBytes(text: string): number | undefined {
  const m = /^(\d+)([kKmMgG]?)$/.exec(text.trim())
  if (!m) return undefined
  const scale: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }
  return Number(m[1]) * scale[m[2].toLowerCase()]
}

/** '2 MiB', '512 KiB', '100 bytes'. */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 ** 2 && bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2} MiB`
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`
  return `${bytes} bytes`
}

export interface AppLocation {
  server: NginxServer
  loc: NginxLocation
}

/**
 * The location handing the first route to the app (proxy_pass or uwsgi_pass), or the skipped
 * outcome saying why none is judged.
 */
export function appLocationOf(obs: Observations, what: string): AppLocation | CheckOutcome {
  if (proxyConfigOf(obs)?.source === 'reference') {
    return {
      status: 'skipped',
      summary: `no nginx config in the repository: ${what} belongs to your production proxy`,
      skipReason: 'not-applicable',
    }
  }
  const refused = rejection(obs)
  if (refused) return { status: 'skipped', summary: refused, blockedBy: 'proxy.config-valid' }
  const server = mainServer(obs)
  if (nginxFacts(obs) === undefined || server === undefined) {
    return { status: 'skipped', summary: 'no parsed nginx config with an HTTPS server to read' }
  }
  const loc = passLocationFor(server, obs.run.routes[0] ?? '/')
  if (loc === undefined) {
    return {
      status: 'skipped',
      summary:
        'no location of the HTTPS server passes requests to the app (proxy_pass, uwsgi_pass)',
      skipReason: 'not-applicable',
    }
  }
  return { server, loc }
}

/** What Caddy calls nginx's settings (reverse_proxy transport, request_body). */
const CADDY_SETTING: Record<string, string> = {
  proxy_read_timeout: 'reverse_proxy transport http read_timeout',
  client_max_body_size: 'request_body max_size',
}

/** 'proxy_read_timeout 30s at deploy/nginx.conf:40' or 'proxy_read_timeout not set in location / (deploy/nginx.conf:38): nginx's default 60s'. */
export function settingLine(
  obs: Observations,
  name: string,
  v: NginxValue | undefined,
  loc: NginxLocation,
  fallback: string,
): string {
  if (v)
    return `${name} ${v.value} at ${lineRef(obs, v)}${v.inherited ? ` (inherited by ${locationLabel(loc)})` : ''}`
  if (isCaddy(obs))
    return `${CADDY_SETTING[name] ?? name} not set at ${lineRef(obs, loc)}: Caddy sets no limit by default`
  return `${name} not set for ${locationLabel(loc)} (${lineRef(obs, loc)}): nginx's default ${fallback}`
}
