/**
 * Reading the nginx config facts the way nginx itself picks a server and a location for a
 * request, and pointing at config lines. Pure; imports types only.
 */
import type {
  NginxConfigFacts,
  NginxLocation,
  NginxServer,
  NginxSource,
} from '../../facts/nginx/types'
import type { Observations, ProxyConfigFacts } from '../../facts/types'
import { present } from './parts'
import type { Location } from './types'

/** The proxy config part, when observed. */
export function proxyConfigOf(obs: Observations): ProxyConfigFacts | undefined {
  return present(obs.proxyConfig)
}

/** True when the proxy in front is the repository's Caddyfile (facts from `caddy adapt`). */
export function isCaddy(obs: Observations): boolean {
  return proxyConfigOf(obs)?.kind === 'caddy'
}

/** The proxy's name for the report's sentences: 'Caddy' for a Caddyfile, else 'nginx'. */
export function proxyName(obs: Observations): 'nginx' | 'Caddy' {
  return isCaddy(obs) ? 'Caddy' : 'nginx'
}

/** The parsed effective config, when nginx printed one (for Caddy: the same model, from `caddy adapt`). */
export function nginxFacts(obs: Observations): NginxConfigFacts | undefined {
  return proxyConfigOf(obs)?.facts
}

/** Why config facts are missing when nginx refused the config (checks skip with it), else undefined. */
export function rejection(obs: Observations): string | undefined {
  const test = proxyConfigOf(obs)?.test
  if (test === undefined || test.ok) return undefined
  const where = test.file ? ` (${test.file}${test.line ? `:${test.line}` : ''})` : ''
  return `nginx rejected the configuration: ${test.message ?? 'no message'}${where}`
}

/** The public host name requests carry (Host and SNI). */
export function publicHost(obs: Observations): string | undefined {
  return proxyConfigOf(obs)?.serverName
}

/**
 * A report location for a config line, only when the line is in the user's own config: the
 * runtime gives those files repo-relative paths; the reference proxy and nginx's stock files
 * (absolute paths inside the image) are nothing the user can edit.
 */
export function userLocation(
  obs: Observations,
  src: NginxSource | undefined,
): Location | undefined {
  const config = proxyConfigOf(obs)
  if (src === undefined || config === undefined || config.source === 'reference') return undefined
  if (src.file.startsWith('/')) return undefined
  return { file: src.file, line: src.line }
}

/** 'deploy/nginx.conf:14', or 'reference proxy, line 14'. */
export function lineRef(obs: Observations, src: NginxSource): string {
  if (proxyConfigOf(obs)?.source === 'reference') return `reference proxy, line ${src.line}`
  return `${src.file}:${src.line}`
}

/** 'line 14' when `src` is in the same file as `near`, else lineRef (for lines after a lineRef). */
export function lineNear(obs: Observations, src: NginxSource, near: NginxSource): string {
  return src.file === near.file ? `line ${src.line}` : lineRef(obs, src)
}

/** 'location /static/', 'location = /healthz'. */
export function locationLabel(loc: NginxLocation): string {
  const name = loc.modifier === '@' ? `@${loc.path}` : loc.path
  return loc.modifier && loc.modifier !== '@'
    ? `location ${loc.modifier} ${name}`
    : `location ${name}`
}

function listensOn(server: NginxServer, port: number): boolean {
  return server.listen.some((l) => l.port === port)
}

function nameMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase()
  const h = host.toLowerCase()
  if (p.startsWith('~')) {
    try {
      return new RegExp(pattern.slice(1), 'i').test(host)
    } catch {
      return false
    }
  }
  if (p.startsWith('*.')) return h.endsWith(p.slice(1))
  if (p.startsWith('.')) return h === p.slice(1) || h.endsWith(p)
  if (p.endsWith('.*')) return h.startsWith(p.slice(0, -1))
  return p === h
}

/** The server nginx picks on `port` for a host no server_name matches: default_server, else the first. */
export function defaultServer(facts: NginxConfigFacts, port: number): NginxServer | undefined {
  const on = facts.servers.filter((s) => listensOn(s, port))
  return on.find((s) => s.listen.some((l) => l.port === port && l.defaultServer)) ?? on[0]
}

/** The server nginx picks for `host` on `port` (server_name match, else the default server). */
export function serverFor(
  facts: NginxConfigFacts,
  port: number,
  host: string | undefined,
): NginxServer | undefined {
  const on = facts.servers.filter((s) => listensOn(s, port))
  const named =
    host === undefined ? undefined : on.find((s) => s.serverNames.some((n) => nameMatches(n, host)))
  return named ?? defaultServer(facts, port)
}

/** The TLS port the proxy publishes: 443, else the first port listened on with ssl. */
export function tlsPort(facts: NginxConfigFacts): number {
  const listens = facts.servers.flatMap((s) => s.listen).filter((l) => l.ssl)
  return listens.find((l) => l.port === 443)?.port ?? listens[0]?.port ?? 443
}

/**
 * The port the checks' requests enter nginx on: its TLS port, or behind a load balancer
 * (tls-termination: upstream) the plain port it forwards to (80, else the first plain one).
 */
export function entryPort(obs: Observations, facts: NginxConfigFacts): number {
  if (proxyConfigOf(obs)?.tls !== 'upstream') return tlsPort(facts)
  const plain = facts.servers.flatMap((s) => s.listen).filter((l) => !l.ssl && l.port)
  return plain.find((l) => l.port === 80)?.port ?? plain[0]?.port ?? 80
}

/** The server that serves the public host name on the port requests enter nginx on. */
export function mainServer(obs: Observations): NginxServer | undefined {
  const facts = nginxFacts(obs)
  return facts && serverFor(facts, entryPort(obs, facts), publicHost(obs))
}

function key(loc: NginxLocation): string {
  return loc.modifier ? `${loc.modifier} ${loc.path}` : loc.path
}

function regexMatches(loc: NginxLocation, path: string): boolean {
  try {
    return new RegExp(loc.path, loc.modifier === '~*' ? 'i' : '').test(path)
  } catch {
    return false
  }
}

/** nginx's location search among the locations directly inside `parent` (undefined: the server). */
function pick(
  all: NginxLocation[],
  parent: string | undefined,
  path: string,
): NginxLocation | undefined {
  const level = all.filter((l) => l.parent === parent && l.modifier !== '@')
  const exact = level.find((l) => l.modifier === '=' && l.path === path)
  if (exact) return exact
  const prefix = level
    .filter((l) => (l.modifier === '' || l.modifier === '^~') && path.startsWith(l.path))
    .sort((a, b) => b.path.length - a.path.length)[0]
  const regex =
    prefix?.modifier === '^~'
      ? undefined
      : level.find((l) => (l.modifier === '~' || l.modifier === '~*') && regexMatches(l, path))
  const found = regex ?? prefix
  if (found === undefined) return undefined
  return pick(all, key(found), path) ?? found
}

/** The location of `server` nginx uses for a request path (query string ignored). */
export function locationFor(server: NginxServer, path: string): NginxLocation | undefined {
  return pick(server.locations, undefined, path.split('?')[0])
}

/** Locations that hand requests to the app (proxy_pass). */
export function appLocations(server: NginxServer): NginxLocation[] {
  return server.locations.filter((l) => l.proxyPass !== undefined)
}

/** The location that proxies `path` to the app, else the first one that proxies anything. */
export function appLocationFor(server: NginxServer, path: string): NginxLocation | undefined {
  const loc = locationFor(server, path)
  return loc?.proxyPass ? loc : appLocations(server)[0]
}

/** Locations that hand requests to the app in either protocol (proxy_pass or uwsgi_pass). */
export function passLocations(server: NginxServer): NginxLocation[] {
  return server.locations.filter((l) => l.proxyPass !== undefined || l.uwsgiPass !== undefined)
}

/** The location that passes `path` to the app (proxy_pass or uwsgi_pass), else the first that passes anything. */
export function passLocationFor(server: NginxServer, path: string): NginxLocation | undefined {
  const loc = locationFor(server, path)
  return loc?.proxyPass || loc?.uwsgiPass ? loc : passLocations(server)[0]
}
