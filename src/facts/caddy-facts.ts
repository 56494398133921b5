/**
 * The proxy model (servers, locations, headers: the shape the proxy, TLS, static and header
 * checks read, shared with nginx) built from the JSON `caddy adapt` printed for a Caddyfile.
 * Caddy's semantics are written into the model: a `header` in a site block applies to every
 * route and every status (there is no add_header inheritance or `always`); reverse_proxy sends
 * Host, X-Forwarded-For, -Proto and -Host unless header_up changes them; automatic HTTPS adds a
 * port-80 server that redirects with 308. Lines come from caddy-lines.ts.
 */
import { listenPort, routeHosts } from './caddy-json'
import type { CaddyConfig, CaddyRoute } from './caddy-json'
import { blockEnd, caddyLines, directiveLine, siteLine } from './caddy-lines'
import { passTarget, walk, withSite, type Ctx, type Site } from './caddy-routes'
import type { NginxConfigFacts, NginxListen, NginxLocation, NginxServer } from './nginx/types'

export { CADDY_PROXY_DEFAULTS } from './caddy-routes'

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
  const sites: {
    routes: CaddyRoute[]
    hosts: string[]
    port: number
    redirect: boolean
    line: number
  }[] = []
  for (const srv of Object.values(http?.servers ?? {})) {
    const port = listenPort(srv.listen?.[0] ?? ':443') ?? 443
    const auto = srv.automatic_https
    const redirect = port !== httpPort && !auto?.disable && !auto?.disable_redirects
    // A site with host names is one route matching them; a site without (`:443 {`) is
    // written into the server's route list itself.
    const named = (srv.routes ?? []).filter((r) => routeHosts(r).length > 0)
    const unnamed = (srv.routes ?? []).filter((r) => routeHosts(r).length === 0)
    for (const route of named) {
      const hosts = routeHosts(route)
      const line = siteLine(lines, hosts, port) ?? 1
      sites.push({
        routes: route.handle ? [{ handle: route.handle }] : [],
        hosts,
        port,
        redirect,
        line,
      })
    }
    if (unnamed.length)
      sites.push({
        routes: unnamed,
        hosts: [],
        port,
        redirect,
        line: siteLine(lines, [], port) ?? 1,
      })
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
    const hosts = s.hosts
    const locs = new Map<string, NginxLocation>()
    const site: Site = { headers: [] }
    walk(s.routes, ctx, undefined, locs, site, {})
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

/** The Caddyfile line of the reverse_proxy that dials `dial` (0 when none does). */
export function dialLine(facts: NginxConfigFacts, dial: string): number {
  const loc = facts.servers
    .flatMap((s) => s.locations)
    .find((l) => l.proxyPass?.value.endsWith(`//${passTarget(dial)}`))
  return loc?.proxyPass?.line ?? 0
}
