/**
 * Pointing a user's nginx config at the app container. Configs written for one host proxy to
 * 127.0.0.1:8000; in our stack the proxy runs in its own container, where loopback is nginx
 * itself, so only the host of those addresses is replaced and every other byte is kept.
 */
import { isLoopback, isUnspecified } from '../loopback'
import { parseStatements, tokenizeNginx, type NginxStatement, type NginxToken } from './tokenize'

/** One address that was rewritten. */
export interface UpstreamRewrite {
  /** 1-based line in the given text. */
  line: number
  directive: 'proxy_pass' | 'uwsgi_pass' | 'server'
  /** The argument as written (quotes included), and what replaced it. */
  before: string
  after: string
}

/** An upstream address left alone, with the reason (so the caller can warn). */
export interface UpstreamKept {
  line: number
  directive: 'proxy_pass' | 'uwsgi_pass' | 'server'
  value: string
  reason: 'not-loopback' | 'unix-socket' | 'variable'
}

export interface UpstreamRewriteResult {
  text: string
  changes: UpstreamRewrite[]
  kept: UpstreamKept[]
}

const PASS = new Set(['proxy_pass', 'uwsgi_pass'])

/**
 * Rewrites loopback upstream addresses (`proxy_pass http://127.0.0.1:8000`,
 * `http://localhost:8000`, `uwsgi_pass 127.0.0.1:3031`, `upstream x { server 127.0.0.1:8000; }`)
 * in one configuration file's text to `appHost`, keeping the port, path and every other byte. A
 * proxy_pass or uwsgi_pass naming an upstream block of the same file is left to that block's
 * servers. Throws NginxSyntaxError when the text cannot be tokenized.
 */
export function rewriteUpstreams(
  configText: string,
  appHost: string,
  file = 'nginx.conf',
): UpstreamRewriteResult {
  const statements = parseStatements(tokenizeNginx(configText, file), file)
  const upstreamNames = new Set<string>()
  walk(statements, undefined, (s) => {
    if (s.name.value === 'upstream' && s.block && s.args[0]) upstreamNames.add(s.args[0].value)
  })
  const host = appHost.includes(':') && !appHost.startsWith('[') ? `[${appHost}]` : appHost
  const edits: { token: NginxToken; after: string }[] = []
  const changes: UpstreamRewrite[] = []
  const kept: UpstreamKept[] = []
  walk(statements, undefined, (s, parent) => {
    const name = s.name.value
    const inUpstream = name === 'server' && !s.block && parent === 'upstream'
    if ((!PASS.has(name) && !inUpstream) || !s.args.length) return
    const directive = name as UpstreamRewrite['directive']
    const token = s.args[0]
    const raw = configText.slice(token.start, token.end)
    const q = raw[0] === '"' || raw[0] === "'" ? 1 : 0
    const m = /^((?:[a-z]+:\/\/)?)(\[[^\]]*\]|[^/:$?"'\s]+)/i.exec(raw.slice(q))
    const keep = (reason: UpstreamKept['reason']): void => {
      kept.push({ line: token.line, directive, value: token.value, reason })
    }
    if (!m) return keep(token.value.includes('$') ? 'variable' : 'not-loopback')
    const [, scheme, target] = m
    if (target.toLowerCase() === 'unix' && raw.slice(q + scheme.length + 4).startsWith(':')) {
      return keep('unix-socket')
    }
    if (name !== 'server' && upstreamNames.has(target)) return
    if (!isLoopbackHost(target)) return keep('not-loopback')
    const at = q + scheme.length
    const after = raw.slice(0, at) + host + raw.slice(at + target.length)
    edits.push({ token, after })
    changes.push({ line: token.line, directive, before: raw, after })
  })
  let text = configText
  for (const e of [...edits].sort((a, b) => b.token.start - a.token.start)) {
    text = text.slice(0, e.token.start) + e.after + text.slice(e.token.end)
  }
  return { text, changes, kept }
}

/**
 * Loopback as seen from the proxy's own container. 0.0.0.0 and [::] are included because Linux
 * connects them to the local host, so a config using them also meant "this machine".
 */
export function isLoopbackHost(host: string): boolean {
  return isLoopback(host) || isUnspecified(host)
}

function walk(
  statements: NginxStatement[],
  parent: string | undefined,
  visit: (s: NginxStatement, parent: string | undefined) => void,
): void {
  for (const s of statements) {
    visit(s, parent)
    if (s.block) walk(s.block, s.name.value, visit)
  }
}
