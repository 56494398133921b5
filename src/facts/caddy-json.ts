/**
 * The part of Caddy's native JSON config (what `caddy adapt` prints for a Caddyfile) that the
 * proxy facts and the run plan read. Types and a route walker only: every fact about a
 * Caddyfile comes from Caddy's own adapter, never from reading the Caddyfile ourselves.
 */

export interface CaddyHeaderOps {
  set?: Record<string, string[]>
  add?: Record<string, string[]>
  delete?: string[]
  /** Applied when the response is written (Caddy defers when a header is deleted). */
  deferred?: boolean
}

export interface CaddyHandler {
  handler: string
  /** subroute */
  routes?: CaddyRoute[]
  /** reverse_proxy */
  upstreams?: { dial?: string }[]
  headers?: { request?: CaddyHeaderOps; response?: CaddyHeaderOps }
  transport?: { protocol?: string; read_timeout?: number | string; tls?: unknown }
  /** headers */
  request?: CaddyHeaderOps
  response?: CaddyHeaderOps
  /** vars (root) and file_server */
  root?: string
  /** rewrite (handle_path) */
  strip_path_prefix?: string
  /** request_body, in bytes */
  max_size?: number
  /** static_response (redir, respond) */
  status_code?: number | string
  [key: string]: unknown
}

export interface CaddyMatch {
  host?: string[]
  path?: string[]
  [key: string]: unknown
}

export interface CaddyRoute {
  group?: string
  match?: CaddyMatch[]
  handle?: CaddyHandler[]
  terminal?: boolean
}

export interface CaddyServer {
  listen?: string[]
  routes?: CaddyRoute[]
  automatic_https?: { disable?: boolean; disable_redirects?: boolean; skip?: string[] }
  tls_connection_policies?: { protocol_min?: string; protocol_max?: string; [k: string]: unknown }[]
  [key: string]: unknown
}

export interface CaddyConfig {
  admin?: { disabled?: boolean; [k: string]: unknown }
  apps?: {
    http?: { http_port?: number; https_port?: number; servers?: Record<string, CaddyServer> }
    tls?: { automation?: { policies?: unknown[] }; certificates?: unknown; [k: string]: unknown }
    [key: string]: unknown
  }
  [key: string]: unknown
}

/** Every handler of the routes, depth first, in order (subroutes included). */
export function eachHandler(
  routes: CaddyRoute[] | undefined,
  visit: (h: CaddyHandler) => void,
): void {
  for (const r of routes ?? []) {
    for (const h of r.handle ?? []) {
      visit(h)
      if (h.handler === 'subroute') eachHandler(h.routes, visit)
    }
  }
}

/** Host names of a site route's matchers. */
export function routeHosts(route: CaddyRoute): string[] {
  return (route.match ?? []).flatMap((m) => m.host ?? [])
}

/** The port of a listener address such as ':443' or '127.0.0.1:8443'. */
export function listenPort(address: string): number | undefined {
  const m = /:(\d+)(?:-\d+)?$/.exec(address)
  return m ? Number(m[1]) : undefined
}

/** Caddy's `adapt` error as file, line and message ("Caddyfile:12 - Error during parsing: ..."). */
export function parseAdaptError(
  stderr: string,
): { message: string; file?: string; line?: number } | undefined {
  const text = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^\{"level":"(info|warn)"/.test(l))
    .pop()
  if (!text) return undefined
  const plain = text.replace(/^Error:\s*/, '').replace(/^adapting config using caddyfile:\s*/, '')
  const at = /(\S+?):(\d+) - (?:Error during parsing: )?(.*)$/.exec(plain)
  if (at) return { file: at[1], line: Number(at[2]), message: at[3] }
  return { message: plain }
}
