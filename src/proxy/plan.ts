/**
 * What standing a config up needs, read from its text before nginx sees it (pure): where it is
 * mounted, its upstreams pointed at the app, the certificate paths to fill, the static
 * directories to fill, the ports to publish and the public name. The effective facts come
 * later from `nginx -T`; this reading only decides the mounts.
 */
import {
  configFacts,
  NginxSyntaxError,
  parseNginxFile,
  rewriteUpstreams,
  type NginxConfigFacts,
  type NginxDirective,
  type NginxLimitReq,
  type UpstreamKept,
  type UpstreamRewrite,
} from '../facts/nginx-config'
import { addTlsListeners, type AddedTls } from './certbot'
import { certificatePaths, includesTlsConf, injectCertificate } from './plan-tls'

export const SITE_TARGET = '/etc/nginx/conf.d/default.conf'
export const MAIN_TARGET = '/etc/nginx/nginx.conf'
export { ADDED_CERT, ADDED_KEY, TLS_CONF_TARGET } from './plan-tls'
export type { AddedTls } from './certbot'

/** A file the config includes, mounted beside it (repository path, in-container target). */
export interface IncludedText {
  path: string
  target: string
  text: string
}

/** Where TLS ends: the config's own servers, the action's addition (certbot's), or a balancer. */
export type TlsMode = 'nginx' | 'added' | 'upstream'

/** A directory nginx serves /static/ from, to be filled with the app's static files. */
export interface StaticTarget {
  /** The location's path as written, e.g. '/static/'. */
  location: string
  line: number
  kind: 'alias' | 'root'
  /** The alias or root value as written. */
  value: string
  /** The directory in the proxy container that answers the location (no trailing slash). */
  dir: string
}

export interface ProxyPlan {
  /** 'main' = a whole nginx.conf (top-level http/events); 'site' = a conf.d server file. */
  kind: 'site' | 'main'
  /** Where the text is mounted in the proxy container. */
  target: string
  /** The text to mount: upstreams rewritten (and, for a main file, the certificate added inline). */
  text: string
  rewrites: UpstreamRewrite[]
  kept: UpstreamKept[]
  /**
   * Single-label upstream hosts left as written (`proxy_pass http://web:8000`, a compose service
   * name): the proxy containers resolve them to the app container through /etc/hosts.
   */
  serviceHosts: string[]
  /** In-container certificate paths the config names, and what to put there. */
  certPaths: { path: string; content: 'cert' | 'key' | 'bundle' }[]
  /** Certificate paths left alone (variables, `data:`). */
  skippedCertPaths: string[]
  /** How the certificate is supplied to servers naming none: a conf.d file, or inline in http {}. */
  addCert?: 'conf.d' | 'inline'
  statics: StaticTarget[]
  /** The TLS port (443 unless the config says otherwise); absent when no server listens with ssl. */
  sslPort?: number
  /** A plain-HTTP port some server listens on (80), for tls.https-redirect. */
  plainPort?: number
  /** The first usable server_name of the TLS servers. */
  serverName?: string
  /** The config uses limit_req: pace the checker's own requests. */
  rateLimited: boolean
  /** How long to wait before retrying a request the rate limit refused. */
  retryAfterMs: number
  /** The smallest `burst` of its limit_req directives (0 when one has none): requests let through at once. */
  rateBurst?: number
  /** Our tokenizer could not read the text: it is mounted as is and nginx -t gives the reason. */
  parseError?: string
  /** Included repository files, upstreams rewritten and TLS added like the main text. */
  included: IncludedText[]
  /** 'added' when no server listened with ssl and the action added listeners (as certbot does). */
  tls: TlsMode
  /** The listeners added, per file (repository path) and server line. */
  tlsAdded: (AddedTls & { path: string })[]
}

export interface PlanOptions {
  /** Add `listen 443 ssl` to a config that has no TLS server (tls-termination: nginx). */
  addTls?: boolean
  included?: IncludedText[]
}

/**
 * Reads a config's text (the user's, or the reference) and plans its mounts. `file` names it in
 * messages (repo-relative path). Never throws: unreadable text gives a plan with parseError.
 */
export function planProxy(
  text: string,
  appHost: string,
  file: string,
  opts: PlanOptions = {},
): ProxyPlan {
  let directives: NginxDirective[]
  let rewritten: ReturnType<typeof rewriteUpstreams>
  const included: IncludedText[] = []
  const tlsAdded: ProxyPlan['tlsAdded'] = []
  try {
    rewritten = rewriteUpstreams(text, appHost, file)
    const others = (opts.included ?? []).map((f) => {
      const r = rewriteUpstreams(f.text, appHost, f.path)
      return { ...f, text: r.text, r }
    })
    const all = [{ path: file, text: rewritten.text }, ...others]
    const anySsl = all.some((f) => hasSslListener(f.text, f.path))
    if (opts.addTls && !anySsl) {
      for (const f of all) {
        const added = addTlsListeners(f.text, f.path)
        f.text = added.text
        tlsAdded.push(...added.added.map((a) => ({ ...a, path: f.path })))
      }
      rewritten = { ...rewritten, text: all[0].text }
    }
    for (const o of others) {
      included.push({ path: o.path, target: o.target, text: all[others.indexOf(o) + 1].text })
      rewritten.changes.push(...o.r.changes)
      rewritten.kept.push(...o.r.kept)
    }
    directives = withIncluded(
      parseNginxFile(rewritten.text, file),
      included.flatMap((f) => parseNginxFile(f.text, f.path)),
    )
  } catch (err) {
    if (!(err instanceof NginxSyntaxError)) throw err
    const main = /^\s*(http|events)\s*\{/m.test(text)
    return {
      ...emptyPlan(main ? 'main' : 'site', text),
      parseError: err.message,
    }
  }
  const kind = directives.some((d) => d.name === 'http' || d.name === 'events') ? 'main' : 'site'
  const facts = configFacts(directives)
  const plan = emptyPlan(kind, rewritten.text)
  plan.included = included
  plan.tlsAdded = tlsAdded
  if (tlsAdded.length) plan.tls = 'added'
  plan.rewrites = rewritten.changes
  plan.kept = rewritten.kept
  plan.serviceHosts = serviceHosts(rewritten.kept)
  Object.assign(plan, certificatePaths(directives))
  const tlsServers = facts.servers.filter((s) => s.listen.some((l) => l.ssl && l.port))
  if (tlsServers.some((s) => s.sslCertificates.length === 0)) {
    plan.addCert = kind === 'site' || includesTlsConf(directives) ? 'conf.d' : 'inline'
    if (plan.addCert === 'inline') plan.text = injectCertificate(plan.text, file)
  }
  plan.statics = staticTargets(facts)
  plan.sslPort = tlsServers.flatMap((s) => s.listen).find((l) => l.ssl && l.port)?.port
  const plain = facts.servers.flatMap((s) => s.listen).filter((l) => !l.ssl && l.port)
  plan.plainPort = (plain.find((l) => l.port === 80) ?? plain[0])?.port
  plan.serverName = tlsServers.flatMap((s) => s.serverNames).find(usableName)
  const limits = [facts.http?.limitReq ?? [], ...facts.servers.map(limitsOf)].flat()
  plan.rateLimited = limits.length > 0
  if (plan.rateLimited) plan.rateBurst = Math.min(...limits.map((l) => l.burst ?? 0))
  plan.retryAfterMs = retryAfter(facts)
  return plan
}

function emptyPlan(kind: ProxyPlan['kind'], text: string): ProxyPlan {
  const target = kind === 'main' ? MAIN_TARGET : SITE_TARGET
  const base = { kind, target, text, rewrites: [], kept: [], serviceHosts: [], certPaths: [] }
  const rest = { skippedCertPaths: [], statics: [], rateLimited: false, retryAfterMs: 1000 }
  return { ...base, ...rest, included: [], tls: 'nginx', tlsAdded: [] }
}

/** The included files' directives where nginx reads them: inside http {} of a main file. */
function withIncluded(main: NginxDirective[], included: NginxDirective[]): NginxDirective[] {
  if (!included.length) return main
  const http = main.find((d) => d.name === 'http' && d.block)
  if (!http) return [...main, ...included]
  return main.map((d) => (d === http ? { ...d, block: [...(d.block ?? []), ...included] } : d))
}

function hasSslListener(text: string, file: string): boolean {
  const servers = configFacts(parseNginxFile(text, file)).servers
  return servers.some((s) => s.listen.some((l) => l.ssl))
}

/** Prefix locations under /static served from disk (alias, or root + location path). */
function staticTargets(facts: NginxConfigFacts): StaticTarget[] {
  const out: StaticTarget[] = []
  for (const loc of facts.servers.flatMap((s) => s.locations)) {
    if (!['', '^~'].includes(loc.modifier) || !loc.path.startsWith('/static')) continue
    if (loc.proxyPass || loc.return) continue
    const v = loc.alias ?? loc.root
    if (!v || v.value.includes('$') || !v.value.startsWith('/')) continue
    const kind = loc.alias ? 'alias' : 'root'
    const raw = kind === 'alias' ? v.value : `${v.value.replace(/\/+$/, '')}${loc.path}`
    const dir = raw.replace(/\/+$/, '') || '/'
    if (out.some((t) => t.dir === dir)) continue
    out.push({ location: loc.path, line: loc.line, kind, value: v.value, dir })
  }
  return out
}

function limitsOf(s: NginxConfigFacts['servers'][number]): NginxLimitReq[] {
  return [...s.limitReq, ...s.locations.flatMap((l) => l.limitReq)]
}

/** A second apart by default; slower when a zone's rate allows less than one request a second. */
function retryAfter(facts: NginxConfigFacts): number {
  let ms = 1000
  for (const z of facts.limitReqZones) {
    const m = /^(\d+)r\/([sm])$/.exec(z.rate ?? '')
    if (m && Number(m[1]) > 0) ms = Math.max(ms, (m[2] === 's' ? 1000 : 60_000) / Number(m[1]))
  }
  return Math.min(ms, 3000)
}

/** Host names like compose services (`web`, `flask_app`): one label, not an address. */
export function serviceHosts(kept: UpstreamKept[]): string[] {
  const hosts = kept
    .filter((k) => k.reason === 'not-loopback')
    .map((k) => /^(?:[a-z]+:\/\/)?([^/:\s]+)/i.exec(k.value)?.[1] ?? '')
    .filter((h) => /^[A-Za-z][A-Za-z0-9_-]*$/.test(h))
  return [...new Set(hosts)]
}

/** A real host name: not '_', empty, a wildcard, a regex or a variable. */
export function usableName(name: string): boolean {
  return /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(name) && name !== 'localhost'
}
