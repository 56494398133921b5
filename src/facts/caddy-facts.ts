/**
 * The proxy model (servers, locations, headers: the shape the proxy, TLS, static and header
 * checks read, shared with nginx) built from the JSON `caddy adapt` printed for a Caddyfile.
 * Caddy's semantics are written into the model: a `header` in a site block applies to every
 * route and every status (there is no add_header inheritance or `always`); reverse_proxy sends
 * Host, X-Forwarded-For, -Proto and -Host unless header_up changes them; automatic HTTPS adds a
 * port-80 server that redirects with 308. Lines come from caddy-lines.ts.
 */
import { eachHandler, listenPort, routeHosts } from './caddy-json'
import type { CaddyConfig, CaddyHandler, CaddyHeaderOps, CaddyRoute } from './caddy-json'
import { blockEnd, caddyLines, directiveLine, headerLine, siteLine } from './caddy-lines'
import type { CaddyLines } from './caddy-lines'
import type {
  NginxAddHeader,
  NginxConfigFacts,
  NginxListen,
  NginxLocation,
  NginxProxyHeader,
  NginxServer,
} from './nginx/types'

/** What reverse_proxy sends upstream when the Caddyfile says nothing (Caddy 2.x). */
export const CADDY_PROXY_DEFAULTS: [string, string][] = [
  ['Host', '{http.request.hostport}'],
  ['X-Forwarded-For', '{http.request.remote.host}'],
  ['X-Forwarded-Proto', '{http.request.scheme}'],
  ['X-Forwarded-Host', '{http.request.host}'],
]

interface Ctx {
  file: string
  lines: CaddyLines
  from: number
  to: number
  siteLine: number
}

/** Where a Caddy matcher path lands in the model: '/static/*' is the prefix '/static/'. */
function pathOf(route: CaddyRoute): { modifier: '' | '='; path: string } | undefined {
  const p = route.match?.flatMap((m) => m.path ?? [])[0]
  if (p === undefined) return undefined
  return p.endsWith('*')
    ? { modifier: '', path: p.slice(0, -1) || '/' }
    : { modifier: '=', path: p }
}

function responseHeaders(
  ops: CaddyHeaderOps | undefined,
  ctx: Ctx,
  inherited: boolean,
): NginxAddHeader[] {
  const entries = [...Object.entries(ops?.set ?? {}), ...Object.entries(ops?.add ?? {})]
  return entries.map(([name, values]) => ({
    name,
    value: values.join(', '),
    always: true,
    inherited,
    file: ctx.file,
    line: headerLine(ctx.lines, name, ctx.from, ctx.to) ?? ctx.siteLine,
  }))
}

function proxyHeaders(h: CaddyHandler, line: number, file: string): NginxProxyHeader[] {
  const req = h.headers?.request
  const dropped = new Set((req?.delete ?? []).map((n) => n.toLowerCase()))
  const set = Object.entries({ ...(req?.set ?? {}), ...(req?.add ?? {}) })
  const own = new Set(set.map(([n]) => n.toLowerCase()))
  return [
    ...CADDY_PROXY_DEFAULTS.filter(
      ([n]) => !dropped.has(n.toLowerCase()) && !own.has(n.toLowerCase()),
    ),
    ...set.map(([n, v]) => [n, v.join(', ')] as [string, string]),
  ].map(([name, value]) => ({ name, value, inherited: false, file, line }))
}

function newLocation(
  ctx: Ctx,
  at: { modifier: '' | '='; path: string },
  line: number,
): NginxLocation {
  return {
    ...at,
    file: ctx.file,
    line,
    addHeaders: [],
    proxySetHeaders: [],
    limitReq: [],
  }
}

/** What a site block sets for every route: response headers, a request body limit. */
interface Site {
  headers: NginxAddHeader[]
  body?: NginxLocation['clientMaxBodySize']
}

/** Fills the site's locations from its routes; site-level settings go to `site`. */
function walk(
  routes: CaddyRoute[] | undefined,
  ctx: Ctx,
  at: { modifier: '' | '='; path: string } | undefined,
  locs: Map<string, NginxLocation>,
  site: Site,
  strip: { prefix?: string },
): void {
  for (const route of routes ?? []) {
    const here = pathOf(route) ?? at
    const key = (a: typeof here): string => (a ? `${a.modifier} ${a.path}` : '')
    const loc = (): NginxLocation => {
      const a = here ?? { modifier: '' as const, path: '/' }
      const k = key(a)
      const found = locs.get(k)
      if (found) return found
      const written = a.modifier === '=' ? a.path : `${a.path}*`
      const line =
        findPathLine(ctx, written) ??
        directiveLine(ctx.lines, 'handle', () => true, ctx.from, ctx.to)
      const created = newLocation(ctx, a, line ?? ctx.siteLine)
      locs.set(k, created)
      return created
    }
    for (const h of route.handle ?? []) {
      if (h.handler === 'subroute') walk(h.routes, ctx, here, locs, site, strip)
      else if (h.handler === 'headers') {
        if (here === undefined) site.headers.push(...responseHeaders(h.response, ctx, false))
        else loc().addHeaders.push(...responseHeaders(h.response, ctx, false))
      } else if (h.handler === 'rewrite' && h.strip_path_prefix) strip.prefix = h.strip_path_prefix
      else if (h.handler === 'vars' && typeof h.root === 'string')
        setRoot(loc(), h.root, ctx, strip)
      else if (h.handler === 'file_server' && typeof h.root === 'string')
        setRoot(loc(), h.root, ctx, strip)
      else if (h.handler === 'reverse_proxy') setProxy(loc(), h, ctx)
      else if (h.handler === 'request_body' && typeof h.max_size === 'number') {
        const line = directiveLine(ctx.lines, 'max_size', () => true, ctx.from, ctx.to)
        const v = value(ctx, `${h.max_size}`, line)
        if (here === undefined) site.body = v
        else loc().clientMaxBodySize = v
      } else if (h.handler === 'static_response' && h.status_code !== undefined) {
        const target = (h.headers as Record<string, string[]> | undefined)?.Location?.[0]
        const line = directiveLine(ctx.lines, 'redir', () => true, ctx.from, ctx.to)
        loc().return = {
          code: Number(h.status_code),
          file: ctx.file,
          line: line ?? ctx.siteLine,
          ...(target ? { target } : {}),
        }
      }
    }
  }
}

function findPathLine(ctx: Ctx, written: string): number | undefined {
  return (
    directiveLine(ctx.lines, 'handle_path', (w) => w === written, ctx.from, ctx.to) ??
    directiveLine(ctx.lines, 'handle', (w) => w === written, ctx.from, ctx.to) ??
    directiveLine(ctx.lines, 'route', (w) => w === written, ctx.from, ctx.to) ??
    // a named matcher: `@static path /static/*`
    directiveLine(ctx.lines, 'path', (w) => w === written, ctx.from, ctx.to) ??
    ctxMatcherLine(ctx, written)
  )
}

function ctxMatcherLine(ctx: Ctx, written: string): number | undefined {
  for (let i = ctx.from; i < ctx.to && i <= ctx.lines.words.length; i++) {
    const w = ctx.lines.words[i - 1]
    if (w[0]?.startsWith('@') && w.includes(written)) return i
  }
  return undefined
}

function value(ctx: Ctx, v: string, line: number | undefined): NginxLocation['root'] {
  return { value: v, inherited: false, file: ctx.file, line: line ?? ctx.siteLine }
}

function setRoot(loc: NginxLocation, root: string, ctx: Ctx, strip: { prefix?: string }): void {
  const line = directiveLine(ctx.lines, 'root', (w) => w === root, ctx.from, ctx.to)
  // handle_path strips the prefix before file_server looks: the location's URL maps onto root
  // itself, which is what nginx calls an alias.
  const stripped = strip.prefix !== undefined && `${strip.prefix}/` === loc.path
  const v = value(ctx, stripped ? `${root.replace(/\/+$/, '')}/` : root, line)
  if (stripped) loc.alias = v
  else loc.root = v
}

function setProxy(loc: NginxLocation, h: CaddyHandler, ctx: Ctx): void {
  const dial = h.upstreams?.[0]?.dial ?? ''
  const port = /:(\d+)$/.exec(dial)?.[1]
  const line =
    directiveLine(
      ctx.lines,
      'reverse_proxy',
      (w) =>
        w === dial || w.endsWith(`//${dial}`) || (port !== undefined && w.endsWith(`:${port}`)),
      ctx.from,
      ctx.to,
    ) ?? directiveLine(ctx.lines, 'reverse_proxy', () => true, ctx.from, ctx.to)
  const at = line ?? ctx.siteLine
  const tls = h.transport?.tls !== undefined
  const target = passTarget(dial)
  loc.proxyPass = value(ctx, `${tls ? 'https' : 'http'}://${target}`, at)
  loc.proxySetHeaders = proxyHeaders(h, at, ctx.file)
  const timeout = h.transport?.read_timeout
  if (timeout !== undefined) {
    const tline = directiveLine(ctx.lines, 'read_timeout', () => true, ctx.from, ctx.to)
    const text = typeof timeout === 'number' ? `${Math.round(timeout / 1e9)}s` : timeout
    loc.proxyReadTimeout = value(ctx, text, tline ?? at)
  }
}

/** Site-level settings apply to every location (Caddy sorts `header`, `request_body` before the handlers). */
function withSite(loc: NginxLocation, site: Site): NginxLocation {
  const own = new Set(loc.addHeaders.map((h) => h.name.toLowerCase()))
  const above = site.headers.filter((h) => !own.has(h.name.toLowerCase()))
  const body = loc.clientMaxBodySize ?? (site.body && { ...site.body, inherited: true })
  return {
    ...(body ? { clientMaxBodySize: body } : {}),
    ...loc,
    addHeaders: [...above.map((h) => ({ ...h, inherited: true })), ...loc.addHeaders],
  }
}

function listen(port: number, ssl: boolean, args: string): NginxListen {
  return {
    address: '*',
    port,
    ssl,
    defaultServer: false,
    http2: ssl,
    args: [args],
    file: '',
    line: 0,
  }
}

/** The proxy model of an adapted Caddyfile, with `file` (repository path) lines. */
export function caddyConfigFacts(
  config: CaddyConfig,
  text: string,
  file: string,
): NginxConfigFacts {
  const lines = caddyLines(text)
  const http = config.apps?.http
  const httpPort = http?.http_port ?? 80
  const servers: NginxServer[] = []
  const sites: { route: CaddyRoute; port: number; redirect: boolean; line: number }[] = []
  for (const srv of Object.values(http?.servers ?? {})) {
    const port = listenPort(srv.listen?.[0] ?? ':443') ?? 443
    const auto = srv.automatic_https
    for (const route of srv.routes ?? []) {
      const hosts = routeHosts(route)
      const line = siteLine(lines, hosts, port) ?? 1
      sites.push({
        route,
        port,
        redirect: port !== httpPort && !auto?.disable && !auto?.disable_redirects,
        line,
      })
    }
  }
  const starts = sites.map((s) => s.line)
  for (const s of sites) {
    const ctx: Ctx = {
      file,
      lines,
      from: s.line,
      to: blockEnd(starts, s.line, lines.words.length),
      siteLine: s.line,
    }
    const hosts = routeHosts(s.route)
    const locs = new Map<string, NginxLocation>()
    const site: Site = { headers: [] }
    walk(s.route.handle ? [{ handle: s.route.handle }] : [], ctx, undefined, locs, site, {})
    const ssl = s.port !== httpPort
    const server: NginxServer = {
      file,
      line: s.line,
      listen: [{ ...listen(s.port, ssl, `:${s.port}`), file, line: s.line }],
      serverNames: hosts.length ? hosts : [''],
      sslCertificates: [],
      sslCertificateKeys: [],
      addHeaders: site.headers,
      proxySetHeaders: [],
      limitReq: [],
      locations: [...locs.values()].map((l) => withSite(l, site)),
    }
    const tlsLine = directiveLine(lines, 'protocols', () => true, ctx.from, ctx.to)
    if (tlsLine !== undefined)
      server.sslProtocols = {
        value: lines.words[tlsLine - 1].slice(1).join(' '),
        inherited: false,
        file,
        line: tlsLine,
      }
    servers.push(server)
    if (ssl && s.redirect && hosts.length)
      servers.push(redirectServer(hosts, httpPort, file, s.line))
  }
  return { servers, upstreams: [], limitReqZones: [] }
}

/** Automatic HTTPS: Caddy answers plain HTTP for the site's hosts with a 308 to https. */
function redirectServer(hosts: string[], port: number, file: string, line: number): NginxServer {
  return {
    file,
    line,
    listen: [{ ...listen(port, false, `:${port}`), file, line }],
    serverNames: hosts,
    sslCertificates: [],
    sslCertificateKeys: [],
    return: { code: 308, target: 'https://{http.request.host}{http.request.uri}', file, line },
    addHeaders: [],
    proxySetHeaders: [],
    limitReq: [],
    locations: [],
  }
}

/** Every upstream dial address of the config, for the plan. */
export function caddyDials(config: CaddyConfig): string[] {
  const out: string[] = []
  for (const srv of Object.values(config.apps?.http?.servers ?? {}))
    eachHandler(srv.routes, (h) => {
      if (h.handler === 'reverse_proxy')
        for (const u of h.upstreams ?? []) if (u.dial) out.push(u.dial)
    })
  return out
}

/** A dial address as the model's proxy_pass writes it: a unix socket in nginx's spelling (unix:/path). */
function passTarget(dial: string): string {
  return dial.startsWith('unix/') ? `unix:${dial.slice(5)}` : dial
}

/** The Caddyfile line of the reverse_proxy that dials `dial` (0 when none does). */
export function dialLine(facts: NginxConfigFacts, dial: string): number {
  const loc = facts.servers
    .flatMap((s) => s.locations)
    .find((l) => l.proxyPass?.value.endsWith(`//${passTarget(dial)}`))
  return loc?.proxyPass?.line ?? 0
}
