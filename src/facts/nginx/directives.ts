/** Readers for single directives (listen, add_header, limit_req, return, location, upstream). */
import type { NginxDirective } from './tokenize'
import type {
  NginxAddHeader,
  NginxLimitReq,
  NginxLimitReqZone,
  NginxListen,
  NginxLocation,
  NginxReturn,
  NginxUpstream,
} from './types'

/** `add_header NAME VALUE [always]`. */
export function addHeader(d: NginxDirective): NginxAddHeader {
  const always = d.args[2] === 'always'
  return { name: d.args[0], value: d.args[1], always, file: d.file, line: d.line, inherited: false }
}

function params(args: string[]): Map<string, string> {
  return new Map(args.map((a) => [a.split('=')[0], a.slice(a.indexOf('=') + 1)]))
}

/** `limit_req zone=NAME [burst=N] [nodelay | delay=N]`. */
export function limitReqOf(d: NginxDirective): NginxLimitReq {
  const p = params(d.args)
  const r: NginxLimitReq = {
    zone: p.get('zone') ?? '',
    nodelay: d.args.includes('nodelay'),
    file: d.file,
    line: d.line,
    inherited: false,
  }
  if (p.has('burst')) r.burst = Number(p.get('burst'))
  if (p.has('delay')) r.delay = Number(p.get('delay'))
  return r
}

/** `limit_req_zone KEY zone=NAME:SIZE rate=RATE`. */
export function limitReqZone(d: NginxDirective): NginxLimitReqZone {
  const p = params(d.args.slice(1))
  const [zone, size] = (p.get('zone') ?? '').split(':')
  const z: NginxLimitReqZone = { key: d.args[0] ?? '', zone, file: d.file, line: d.line }
  if (size) z.size = size
  if (p.has('rate')) z.rate = p.get('rate')
  return z
}

/** The first `return` of a level. */
export function returnOf(body: NginxDirective[]): NginxReturn | undefined {
  const d = body.find((x) => x.name === 'return' && x.args.length)
  if (!d) return undefined
  const [first, second] = d.args
  if (!/^\d+$/.test(first)) return { code: 302, target: first, file: d.file, line: d.line }
  const r: NginxReturn = { code: Number(first), file: d.file, line: d.line }
  if (second !== undefined) r.target = second
  return r
}

/** Splits `address:port` / `[v6]:port` / `port` / `unix:path`; nginx's default port is 80. */
export function splitAddress(addr: string): { host?: string; port?: number; unix?: string } {
  if (addr.startsWith('unix:')) return { unix: addr.slice(5) }
  if (/^\d+$/.test(addr)) return { port: Number(addr) }
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(addr)
  if (!m) return { host: addr }
  return m[2] ? { host: m[1], port: Number(m[2]) } : { host: m[1] }
}

/** `listen ADDRESS[:PORT] [ssl] [http2] [default_server] ...`. */
export function listenFacts(d: NginxDirective): NginxListen {
  const [addr = '', ...flags] = d.args
  const l: NginxListen = {
    ssl: flags.includes('ssl'),
    defaultServer: flags.includes('default_server') || flags.includes('default'),
    http2: flags.includes('http2'),
    args: d.args,
    file: d.file,
    line: d.line,
  }
  const { host, port, unix } = splitAddress(addr)
  if (unix !== undefined) return { ...l, unix }
  return { ...l, address: host || '*', port: port ?? 80 }
}

/** What nginx listens on for a server without `listen` (when run as root). */
export function implicitListen(s: NginxDirective): NginxListen {
  const base = { ssl: false, defaultServer: false, http2: false, args: [], implicit: true }
  return { ...base, address: '*', port: 80, file: s.file, line: s.line }
}

/** `location [=|^~|~|~*] PATH`, `location @NAME`. */
export function locationMatch(args: string[]): Pick<NginxLocation, 'modifier' | 'path'> {
  const mods = ['=', '^~', '~*', '~'] as const
  if (args.length >= 2) {
    const mod = mods.find((m) => m === args[0])
    if (mod) return { modifier: mod, path: args[1] }
  }
  const a = args[0] ?? ''
  if (a.startsWith('@')) return { modifier: '@', path: a.slice(1) }
  // nginx also accepts the modifier glued to the path: `location =/healthz`.
  const glued = mods.find((m) => a.length > m.length && a.startsWith(m))
  return glued ? { modifier: glued, path: a.slice(glued.length) } : { modifier: '', path: a }
}

/** `upstream NAME { server ADDRESS [params]; ... }`. */
export function upstreamFacts(u: NginxDirective): NginxUpstream {
  const servers = (u.block ?? [])
    .filter((d) => d.name === 'server' && !d.block && d.args.length)
    .map((d) => ({
      address: d.args[0],
      ...splitAddress(d.args[0]),
      params: d.args.slice(1),
      file: d.file,
      line: d.line,
    }))
  return { name: u.args[0] ?? '', file: u.file, line: u.line, servers }
}
