/**
 * What `certbot --nginx` (with its default redirect) does to a config without TLS, done to the
 * text: a server with a real server_name that listens on port 80 has that listen turned into
 * `listen 443 ssl`, gets the certificate, and a new port-80 server in certbot's own form
 * redirects its names to https; a catch-all server (`server_name _`) keeps port 80 and gets a
 * 443 ssl listener beside it. Without a port-80 server, each plain TCP server is treated so.
 * Edits stay on their lines and new servers go at the end, so no line of the user's file moves.
 */
import { tokenizeNginx, type NginxDirective, type NginxListen } from '../facts/nginx-config'
import { listenFacts } from '../facts/nginx/directives'
import { parseStatements, type NginxStatement, type NginxToken } from '../facts/nginx/tokenize'
import { ADDED_CERT, ADDED_KEY } from './plan-tls'

/** One server the action gave a TLS listener. */
export interface AddedTls {
  /** Line of the server block. */
  line: number
  /** The listen directive added (or what `listen 80` became). */
  listen: string
  /** The names a new port-80 server redirects to https (certbot's redirect), if any. */
  redirects?: string[]
}

interface Server {
  s: NginxStatement
  listens: { l: NginxListen; st?: NginxStatement }[]
  names: string[]
  hasCert: boolean
}

/**
 * What certbot writes beside the certificate of each server it edits: its TLS settings (protocols,
 * ciphers, session cache) and its DH parameters; the stand-ins (standins.ts) hold their content.
 */
export const CERTBOT_INCLUDES = [
  '/etc/letsencrypt/options-ssl-nginx.conf',
  '/etc/letsencrypt/ssl-dhparams.pem',
] as const
const CERTBOT_SSL_OPTIONS = `include ${CERTBOT_INCLUDES[0]}; ssl_dhparam ${CERTBOT_INCLUDES[1]};`

const USABLE = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/

/** The edited text and what was added; the text is unchanged when some server has ssl. */
export function addTlsListeners(text: string, file: string): { text: string; added: AddedTls[] } {
  const tokens = tokenizeNginx(text, file)
  const statements = parseStatements(tokens, file)
  const servers: Server[] = []
  let httpClose: number | undefined
  const visit = (ss: NginxStatement[]): void => {
    for (const s of ss) {
      if (!s.block) continue
      if (s.name.value === 'server') servers.push(serverOf(s, file))
      else if (s.name.value === 'http') {
        httpClose = closingBrace(tokens, s)
        visit(s.block)
      }
    }
  }
  visit(statements)
  if (servers.some((x) => x.listens.some(({ l }) => l.ssl))) return { text, added: [] }
  const on = (x: Server, only80: boolean): boolean =>
    x.listens.some(({ l }) => l.port !== undefined && (!only80 || l.port === 80))
  const on80 = servers.filter((x) => on(x, true))
  const chosen = on80.length ? on80 : servers.filter((x) => on(x, false))
  const edits: { from: number; to: number; add: string }[] = []
  const added: AddedTls[] = []
  const redirectServers: string[] = []
  let defaultTaken = false
  for (const x of chosen) {
    const brace = text.indexOf('{', lastToken(x.s).end)
    const isDefault: boolean = !defaultTaken && x.listens.some(({ l }) => l.defaultServer)
    defaultTaken ||= isDefault
    const listen = `listen 443 ssl${isDefault ? ' default_server' : ''};`
    const cert = x.hasCert
      ? ''
      : ` ssl_certificate ${ADDED_CERT}; ssl_certificate_key ${ADDED_KEY}; ${CERTBOT_SSL_OPTIONS}`
    const port = (l: NginxListen): boolean => l.port === (on80.length ? 80 : l.port)
    const plain = x.listens.filter(({ l }) => !l.ssl && l.port !== undefined && port(l))
    const written = plain.filter((p) => p.st !== undefined)
    if (x.names.length && written.length) {
      // certbot: the site moves to 443; its port-80 listen becomes the redirect server's.
      const [first, ...rest] = written
      const st = first.st as NginxStatement
      edits.push({ from: st.name.start, to: semicolon(tokens, st).end, add: listen })
      for (const r of rest) {
        const rs = r.st as NginxStatement
        edits.push({ from: rs.name.start, to: semicolon(tokens, rs).end, add: '' })
      }
      edits.push({ from: brace + 1, to: brace + 1, add: cert })
      redirectServers.push(redirect(x.names, first.l))
      added.push({ line: x.s.name.line, listen, redirects: x.names })
    } else {
      edits.push({ from: brace + 1, to: brace + 1, add: ` ${listen}${cert}` })
      added.push({ line: x.s.name.line, listen })
    }
  }
  if (redirectServers.length) {
    const block = `\n# Added by flask-deploy-check, as certbot --nginx writes its redirect:\n${redirectServers.join('\n')}`
    const at = httpClose ?? text.length
    edits.push({ from: at, to: at, add: httpClose === undefined ? `${block}` : `${block}\n` })
  }
  let out = text
  for (const e of [...edits].sort((a, b) => b.from - a.from))
    out = `${out.slice(0, e.from)}${e.add}${out.slice(e.to)}`
  return { text: out, added }
}

/** certbot's redirect server for a site's names (its `# managed by Certbot` form). */
function redirect(names: string[], l: NginxListen): string {
  const ifs = names.map(
    (n) =>
      `    if ($host = ${n}) {\n        return 301 https://$host$request_uri;\n    } # managed by Certbot\n`,
  )
  const listen = `listen ${l.args.filter((a) => a !== 'ssl').join(' ') || '80'};`
  return `server {\n${ifs.join('')}    ${listen}\n    server_name ${names.join(' ')};\n    return 404; # managed by Certbot\n}\n`
}

function serverOf(s: NginxStatement, file: string): Server {
  const body = s.block ?? []
  const listens = body
    .filter((b) => b.name.value === 'listen')
    .map((st) => ({ st, l: listenFacts(directive(st, file)) }))
  const names = body
    .filter((b) => b.name.value === 'server_name')
    .flatMap((b) => b.args.map((a) => a.value))
    .filter((n) => USABLE.test(n) && n !== 'localhost')
  return {
    s,
    listens: listens.length ? listens : [{ l: { ...IMPLICIT_80, file, line: s.name.line } }],
    names,
    hasCert: body.some((b) => b.name.value === 'ssl_certificate'),
  }
}

function directive(st: NginxStatement, file: string): NginxDirective {
  return { name: st.name.value, args: st.args.map((a) => a.value), file, line: st.name.line }
}

function lastToken(s: NginxStatement): NginxToken {
  return s.args.length ? s.args[s.args.length - 1] : s.name
}

/** The `;` that ends a simple statement. */
function semicolon(tokens: NginxToken[], st: NginxStatement): NginxToken {
  const end = lastToken(st).end
  return tokens.find((t) => t.kind === ';' && t.start >= end) as NginxToken
}

/** Offset of the `}` that closes a block statement. */
function closingBrace(tokens: NginxToken[], s: NginxStatement): number | undefined {
  let i = tokens.findIndex((t) => t.kind === '{' && t.start >= lastToken(s).end)
  let depth = 0
  for (; i >= 0 && i < tokens.length; i++) {
    if (tokens[i].kind === '{') depth++
    else if (tokens[i].kind === '}' && --depth === 0) return tokens[i].start
  }
  return undefined
}

const IMPLICIT_80: NginxListen = {
  ssl: false,
  defaultServer: false,
  http2: false,
  args: [],
  address: '*',
  port: 80,
  file: '',
  line: 0,
  implicit: true,
}
