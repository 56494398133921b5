/**
 * The certificate side of a plan (pure): which paths the config names for certificates, and
 * how a throw-away one reaches TLS servers that name none (a conf.d file at http level, or
 * inline at the start of the http block of a whole nginx.conf that does not include conf.d).
 */
import {
  matchFiles,
  parseNginxFile,
  tokenizeNginx,
  type NginxDirective,
  type NginxListen,
} from '../facts/nginx-config'
import { listenFacts } from '../facts/nginx/directives'
import { parseStatements, type NginxStatement } from '../facts/nginx/tokenize'

/** The http-level certificate file added when the config names none (sorts first in conf.d). */
export const TLS_CONF_TARGET = '/etc/nginx/conf.d/00-flask-deploy-check-tls.conf'
export const ADDED_CERT = '/etc/nginx/flask-deploy-check/cert.pem'
export const ADDED_KEY = '/etc/nginx/flask-deploy-check/key.pem'
/** nginx's configuration prefix: relative paths in the config are relative to it. */
const CONF_PREFIX = '/etc/nginx/'

/** Every certificate path the config names, anywhere: one throw-away certificate serves all. */
export function certificatePaths(directives: NginxDirective[]): {
  certPaths: { path: string; content: 'cert' | 'key' | 'bundle' }[]
  skippedCertPaths: string[]
} {
  const skippedCertPaths: string[] = []
  const roles = new Map<string, Set<'cert' | 'key'>>()
  walk(directives, (d) => {
    const role =
      d.name === 'ssl_certificate' || d.name === 'ssl_trusted_certificate'
        ? 'cert'
        : d.name === 'ssl_certificate_key'
          ? 'key'
          : undefined
    const value = d.args[0]
    if (!role || value === undefined) return
    if (value.includes('$') || value.startsWith('data:') || value.startsWith('engine:')) {
      if (!skippedCertPaths.includes(value)) skippedCertPaths.push(value)
      return
    }
    const abs = value.startsWith('/') ? value : CONF_PREFIX + value
    roles.set(abs, (roles.get(abs) ?? new Set()).add(role))
  })
  const certPaths = [...roles].map(([path, r]) => ({
    path,
    content:
      r.size === 2 ? ('bundle' as const) : r.has('key') ? ('key' as const) : ('cert' as const),
  }))
  return { certPaths, skippedCertPaths }
}

/** True when the main file's http block includes conf.d/*.conf (where the TLS file goes). */
export function includesTlsConf(directives: NginxDirective[]): boolean {
  const http = directives.find((d) => d.name === 'http' && d.block)?.block ?? []
  return http.some((d) => {
    if (d.name !== 'include' || d.args.length !== 1) return false
    const pattern = d.args[0].startsWith('/') ? d.args[0] : CONF_PREFIX + d.args[0]
    return matchFiles(pattern, [TLS_CONF_TARGET]).length > 0
  })
}

/** Adds the certificate right after `http {`, on the same line, so no line number moves. */
export function injectCertificate(text: string, file: string): string {
  const http = parseNginxFile(text, file).find((d) => d.name === 'http' && d.block)
  if (!http) return text
  const re = /(^|[\s;}])http\s*\{/g
  re.lastIndex = lineOffset(text, http.line)
  const m = re.exec(text)
  if (!m) return text
  const at = m.index + m[0].length
  return `${text.slice(0, at)} ssl_certificate ${ADDED_CERT}; ssl_certificate_key ${ADDED_KEY};${text.slice(at)}`
}

function lineOffset(text: string, line: number): number {
  let at = 0
  for (let l = 1; l < line && at >= 0; l++) at = text.indexOf('\n', at) + 1
  return Math.max(0, at - 1)
}

function walk(directives: NginxDirective[], visit: (d: NginxDirective) => void): void {
  for (const d of directives) {
    visit(d)
    if (d.block) walk(d.block, visit)
  }
}

/** One server the action gave a TLS listener, as `certbot --nginx` would. */
export interface AddedTls {
  /** Line of the server block. */
  line: number
  /** The listen directive added. */
  listen: string
}

/**
 * What `certbot --nginx` does to a config without TLS, in the text: each server listening on
 * port 80 without ssl (else each plain TCP server) gets `listen 443 ssl` and the throw-away
 * certificate, inserted right after `server {` so that no line number moves. The first such
 * server's default_server flag carries over to its 443 listener (nginx allows one per port).
 */
export function addTlsListeners(text: string, file: string): { text: string; added: AddedTls[] } {
  const statements = parseStatements(tokenizeNginx(text, file), file)
  const servers: { s: NginxStatement; listens: NginxListen[]; named: boolean }[] = []
  const visit = (ss: NginxStatement[]): void => {
    for (const s of ss) {
      if (!s.block) continue
      if (s.name.value === 'server') {
        const ds = s.block.map((b) => ({
          name: b.name.value,
          args: b.args.map((a) => a.value),
          file,
          line: b.name.line,
        }))
        const own = ds.filter((d) => d.name === 'listen').map(listenFacts)
        const named = ds.some((d) => d.name === 'ssl_certificate')
        servers.push({ s, listens: own.length ? own : [{ ...PLAIN_80 }], named })
      } else if (s.name.value === 'http') visit(s.block)
    }
  }
  visit(statements)
  if (servers.some((x) => x.listens.some((l) => l.ssl))) return { text, added: [] }
  const plain = (x: (typeof servers)[number], only80: boolean): boolean =>
    x.listens.some((l) => l.port !== undefined && (!only80 || l.port === 80))
  const on80 = servers.filter((x) => plain(x, true))
  const chosen = on80.length ? on80 : servers.filter((x) => plain(x, false))
  const inserts: { at: number; add: string; line: number; listen: string }[] = []
  let defaultTaken = false
  for (const x of chosen) {
    const last = x.s.args.length ? x.s.args[x.s.args.length - 1] : x.s.name
    const brace = text.indexOf('{', last.end)
    if (brace < 0) continue
    const isDefault: boolean = !defaultTaken && x.listens.some((l) => l.defaultServer)
    defaultTaken ||= isDefault
    const listen = `listen 443 ssl${isDefault ? ' default_server' : ''};`
    const cert = x.named ? '' : ` ssl_certificate ${ADDED_CERT}; ssl_certificate_key ${ADDED_KEY};`
    inserts.push({ at: brace + 1, add: ` ${listen}${cert}`, line: x.s.name.line, listen })
  }
  let out = text
  for (const i of [...inserts].sort((a, b) => b.at - a.at))
    out = `${out.slice(0, i.at)}${i.add}${out.slice(i.at)}`
  return { text: out, added: inserts.map(({ line, listen }) => ({ line, listen })) }
}

const PLAIN_80: NginxListen = {
  ssl: false,
  defaultServer: false,
  http2: false,
  args: [],
  address: '*',
  port: 80,
  file: '',
  line: 0,
}
