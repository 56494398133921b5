/**
 * The locations of one Caddy site, from the routes `caddy adapt` printed: a path matcher (a
 * handle, handle_path or route block) is a location; a site-level `header` or `request_body`
 * applies to every location (Caddy sorts those directives before the handlers, and there is no
 * add_header-style inheritance to lose them); reverse_proxy carries Caddy's default forwarded
 * headers unless header_up changes them. Lines come from caddy-lines.ts.
 */
import type { CaddyHandler, CaddyHeaderOps, CaddyRoute } from './caddy-json'
import { directiveLine, headerLine } from './caddy-lines'
import type { CaddyLines } from './caddy-lines'
import type { NginxAddHeader, NginxLocation, NginxProxyHeader } from './nginx/types'

/** What reverse_proxy sends upstream when the Caddyfile says nothing (Caddy 2.x). */
export const CADDY_PROXY_DEFAULTS: [string, string][] = [
  ['Host', '{http.request.hostport}'],
  ['X-Forwarded-For', '{http.request.remote.host}'],
  ['X-Forwarded-Proto', '{http.request.scheme}'],
  ['X-Forwarded-Host', '{http.request.host}'],
]

export interface Ctx {
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
export interface Site {
  headers: NginxAddHeader[]
  body?: NginxLocation['clientMaxBodySize']
}

/** Fills the site's locations from its routes; site-level settings go to `site`. */
export function walk(
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
export function withSite(loc: NginxLocation, site: Site): NginxLocation {
  const own = new Set(loc.addHeaders.map((h) => h.name.toLowerCase()))
  const above = site.headers.filter((h) => !own.has(h.name.toLowerCase()))
  const body = loc.clientMaxBodySize ?? (site.body && { ...site.body, inherited: true })
  return {
    ...(body ? { clientMaxBodySize: body } : {}),
    ...loc,
    addHeaders: [...above.map((h) => ({ ...h, inherited: true })), ...loc.addHeaders],
  }
}

/** A dial address as the model's proxy_pass writes it: a unix socket in nginx's spelling (unix:/path). */
export function passTarget(dial: string): string {
  return dial.startsWith('unix/') ? `unix:${dial.slice(5)}` : dial
}
