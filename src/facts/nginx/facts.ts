/** From a directive tree to the typed facts the proxy, TLS and static checks read. */
import type { NginxConfigTree } from './dump'
import {
  addHeader,
  implicitListen,
  limitReqOf,
  limitReqZone,
  listenFacts,
  locationMatch,
  returnOf,
  upstreamFacts,
} from './directives'
import type { NginxDirective } from './tokenize'
import type {
  NginxAddHeader,
  NginxConfigFacts,
  NginxHttpFacts,
  NginxLimitReq,
  NginxLocation,
  NginxProxyHeader,
  NginxServer,
  NginxValue,
} from './types'

/** What one level passes down to the levels it encloses. */
interface Inherited {
  addHeaders: NginxAddHeader[]
  proxySetHeaders: NginxProxyHeader[]
  limitReq: NginxLimitReq[]
  root?: NginxValue
  expires?: NginxValue
  values: Partial<Record<ScalarKey, NginxValue>>
}

/** Single-valued directives every level inherits unless it sets its own. */
const SCALARS = {
  serverTokens: 'server_tokens',
  proxyReadTimeout: 'proxy_read_timeout',
  uwsgiReadTimeout: 'uwsgi_read_timeout',
  clientMaxBodySize: 'client_max_body_size',
  sslProtocols: 'ssl_protocols',
  sslCiphers: 'ssl_ciphers',
} as const
type ScalarKey = keyof typeof SCALARS
const LOCATION_SCALARS = [
  'serverTokens',
  'proxyReadTimeout',
  'uwsgiReadTimeout',
  'clientMaxBodySize',
] as const

/**
 * Extracts the facts checks need from a parsed configuration: the effective tree of
 * `parseNginxDump`, or the directives of a single conf.d-style file (whose top level is then
 * taken as the http level).
 */
export function configFacts(tree: NginxConfigTree | NginxDirective[]): NginxConfigFacts {
  const top = Array.isArray(tree) ? tree : tree.directives
  const httpBlocks = top.filter((d) => d.name === 'http' && d.block)
  const level = httpBlocks.length
    ? httpBlocks.flatMap((d) => d.block ?? [])
    : top.some((d) => d.name === 'server' || d.name === 'upstream')
      ? top
      : undefined
  if (!level) return { servers: [], upstreams: [], limitReqZones: [] }

  const simple = level.filter((d) => !d.block)
  const inherited = inherit(simple, undefined)
  const http: NginxHttpFacts = {
    directives: simple.map(({ name, args, file, line }) => ({ name, args, file, line })),
    sslCertificates: values(simple, 'ssl_certificate'),
    sslCertificateKeys: values(simple, 'ssl_certificate_key'),
    addHeaders: inherited.addHeaders,
    proxySetHeaders: inherited.proxySetHeaders,
    limitReq: inherited.limitReq,
  }
  if (inherited.root) http.root = inherited.root
  return {
    http,
    servers: blocks(level, 'server').map((s) => serverFacts(s, http, inherited)),
    upstreams: blocks(level, 'upstream').map(upstreamFacts),
    limitReqZones: simple.filter((d) => d.name === 'limit_req_zone').map(limitReqZone),
  }
}

function serverFacts(s: NginxDirective, http: NginxHttpFacts, up: Inherited): NginxServer {
  const body = s.block ?? []
  const own = inherit(body, up)
  const listen = body.filter((d) => d.name === 'listen').map(listenFacts)
  const names = body.filter((d) => d.name === 'server_name').flatMap((d) => d.args)
  const server: NginxServer = {
    file: s.file,
    line: s.line,
    listen: listen.length ? listen : [implicitListen(s)],
    serverNames: names.length ? names : [''],
    sslCertificates: listOrInherited(values(body, 'ssl_certificate'), http.sslCertificates),
    sslCertificateKeys: listOrInherited(
      values(body, 'ssl_certificate_key'),
      http.sslCertificateKeys,
    ),
    addHeaders: own.addHeaders,
    proxySetHeaders: own.proxySetHeaders,
    limitReq: own.limitReq,
    locations: [],
  }
  if (own.root) server.root = own.root
  Object.assign(server, own.values)
  const ret = returnOf(body)
  if (ret) server.return = ret
  collectLocations(body, own, undefined, server.locations)
  return server
}

function collectLocations(
  body: NginxDirective[],
  up: Inherited,
  parent: string | undefined,
  out: NginxLocation[],
): void {
  for (const d of blocks(body, 'location')) {
    const inner = d.block ?? []
    const own = inherit(inner, up)
    const { modifier, path } = locationMatch(d.args)
    const loc: NginxLocation = {
      file: d.file,
      line: d.line,
      modifier,
      path,
      addHeaders: own.addHeaders,
      proxySetHeaders: own.proxySetHeaders,
      limitReq: own.limitReq,
    }
    if (parent !== undefined) loc.parent = parent
    const proxyPass = value(inner, 'proxy_pass')
    const alias = value(inner, 'alias')
    const ret = returnOf(inner)
    if (proxyPass) loc.proxyPass = proxyPass
    const uwsgiPass = value(inner, 'uwsgi_pass')
    if (uwsgiPass) loc.uwsgiPass = uwsgiPass
    if (alias) loc.alias = alias
    if (own.root) loc.root = own.root
    for (const k of LOCATION_SCALARS) if (own.values[k]) loc[k] = own.values[k]
    if (own.expires) loc.expires = own.expires
    if (ret) loc.return = ret
    out.push(loc)
    collectLocations(inner, own, modifier ? `${modifier} ${path}` : path, out)
  }
}

/** nginx's merge rule: a list is inherited only when this level sets none of it. */
function inherit(body: NginxDirective[], up: Inherited | undefined): Inherited {
  const addHeaders = body
    .filter((d) => d.name === 'add_header' && d.args.length >= 2)
    .map(addHeader)
  const proxySetHeaders = body
    .filter((d) => d.name === 'proxy_set_header' && d.args.length >= 1)
    .map((d) => ({
      name: d.args[0],
      value: d.args[1] ?? '',
      file: d.file,
      line: d.line,
      inherited: false,
    }))
  const limitReq = body.filter((d) => d.name === 'limit_req').map(limitReqOf)
  const out: Inherited = {
    addHeaders: listOrInherited(addHeaders, up?.addHeaders),
    proxySetHeaders: listOrInherited(proxySetHeaders, up?.proxySetHeaders),
    limitReq: listOrInherited(limitReq, up?.limitReq),
    values: {},
  }
  const root = value(body, 'root') ?? inheritedValue(up?.root)
  const expires = value(body, 'expires') ?? inheritedValue(up?.expires)
  if (root) out.root = root
  if (expires) out.expires = expires
  for (const [k, name] of Object.entries(SCALARS) as [ScalarKey, string][]) {
    const v = value(body, name) ?? inheritedValue(up?.values[k])
    if (v) out.values[k] = v
  }
  return out
}

function listOrInherited<T extends { inherited: boolean }>(own: T[], up: T[] | undefined): T[] {
  return own.length ? own : (up ?? []).map((x) => ({ ...x, inherited: true }))
}

function inheritedValue(v: NginxValue | undefined): NginxValue | undefined {
  return v && { ...v, inherited: true }
}

function blocks(body: NginxDirective[], name: string): NginxDirective[] {
  return body.filter((d) => d.name === name && d.block)
}

function values(body: NginxDirective[], name: string): NginxValue[] {
  return body
    .filter((d) => d.name === name && !d.block)
    .map((d) => ({ value: d.args.join(' '), file: d.file, line: d.line, inherited: false }))
}

/** Single-valued directives: nginx refuses duplicates, so the first is the one. */
function value(body: NginxDirective[], name: string): NginxValue | undefined {
  return values(body, name)[0]
}
