/** proxy.config-valid: nginx -t accepts the configuration the action puts in front of the app. */
import type { NginxConfigFacts } from '../../facts/nginx/types'
import type { Observations, ProxyConfigFacts } from '../../facts/types'
import { proxyConfigOf } from '../lib/nginx'
import { clip } from '../lib/text'
import type { Check, CheckOutcome, Location } from '../lib/types'

/**
 * What the action did with the config, as evidence lines: the upstream rewrites in one line,
 * then the runtime's notes (certificate, static folders, kept upstreams) without the lines that
 * repeat a rewrite.
 */
function standUpLines(c: ProxyConfigFacts): string[] {
  const lines: string[] = []
  if (c.rewrites.length > 0) {
    const changes = c.rewrites.map(
      (r) => `${directiveAt(c.facts, r, c.kind)} ${r.before} -> ${r.after} (line ${r.line})`,
    )
    lines.push(`${changes.join('; ')}; nothing else changed`)
  } else if (c.source !== 'reference') {
    lines.push('no upstream address needed changing: the config runs as written')
  }
  const repeats = (note: string): boolean =>
    c.rewrites.some((r) => note.startsWith(`Line ${r.line}: `))
  return [...lines, ...c.notes.filter((n) => !repeats(n))].map((l) => clip(l, 240))
}

/**
 * The directive of a rewrite: proxy_pass or an upstream block's server, read from the facts;
 * without them (nginx refused the config), a URL with a scheme is a proxy_pass.
 */
function directiveAt(
  facts: NginxConfigFacts | undefined,
  r: ProxyConfigFacts['rewrites'][number],
  kind?: ProxyConfigFacts['kind'],
): string {
  const own = (f: string): boolean => !f.startsWith('/')
  const servers = facts?.servers ?? []
  const passes = servers.some((s) =>
    s.locations.some((l) => l.proxyPass?.line === r.line && own(l.file)),
  )
  if (kind === 'caddy') return 'reverse_proxy'
  if (passes || (facts === undefined && /^["']?https?:\/\//.test(r.before))) return 'proxy_pass'
  const upstream = facts?.upstreams.find((u) =>
    u.servers.some((s) => s.line === r.line && own(s.file)),
  )
  return upstream ? `upstream ${upstream.name}: server` : 'upstream'
}

function rejectFix(c: ProxyConfigFacts): string {
  const message = c.test.message ?? ''
  if (c.kind === 'caddy')
    return `fix the Caddyfile until Caddy's adapter accepts it: docker run --rm -v "$PWD/${c.path ?? 'Caddyfile'}:/etc/caddy/Caddyfile:ro" caddy caddy adapt --config /etc/caddy/Caddyfile`
  const line = c.test.line !== undefined ? ` on line ${c.test.line}` : ''
  if (c.source === 'reference')
    return 'the reference proxy should always load: report this as a flask-deploy-check bug'
  const unknown = /unknown directive "([^"]+)"/.exec(message)
  if (unknown) {
    return `nginx reads "${unknown[1]}"${line} as a directive: correct its spelling, or quote the value before it (an unquoted value ends at its first ';')`
  }
  const host = /host not found in upstream "([^"]+)"/.exec(message)
  if (host) {
    return `nginx resolves "${host[1]}" when it starts: proxy to 127.0.0.1:<port> (the action points loopback upstreams at the app container) or to a name that resolves where nginx runs`
  }
  if (/certificate/.test(message)) {
    return 'name the certificate with ssl_certificate / ssl_certificate_key at fixed paths (the action fills them with a throw-away certificate)'
  }
  return `fix the config until nginx -t accepts it: docker run --rm -v "$PWD/${c.path ?? 'nginx.conf'}:/etc/nginx/conf.d/default.conf:ro" nginx nginx -t`
}

function rejectLocation(c: ProxyConfigFacts): Location | undefined {
  if (c.source === 'reference') return undefined
  const file = c.test.file
  if (file !== undefined && !file.startsWith('/')) {
    return c.test.line === undefined ? { file } : { file, line: c.test.line }
  }
  return c.path === undefined ? undefined : { file: c.path }
}

/** proxy.config-valid: nginx -t accepts the configuration the action puts in front. */
function judge(obs: Observations): CheckOutcome {
  const c = proxyConfigOf(obs)
  if (c === undefined) return { status: 'skipped', summary: 'no proxy config was prepared' }
  const name = c.source === 'reference' ? 'the reference proxy' : (c.path ?? 'the nginx config')
  // Caddy's own parser (`caddy adapt`) judges a Caddyfile, as `nginx -t` does an nginx config.
  const tester = c.kind === 'caddy' ? 'caddy adapt' : 'nginx -t'
  if (!c.test.ok) {
    const where = c.test.file !== undefined ? ` in ${c.test.file}:${c.test.line ?? '?'}` : ''
    return {
      status: 'failed',
      summary: clip(`${tester} rejected ${name}: ${c.test.message ?? 'no message'}`),
      evidence: [clip(`${tester}: ${c.test.message ?? ''}${where}`), ...standUpLines(c)],
      fix: rejectFix(c),
      location: rejectLocation(c),
    }
  }
  const summary =
    c.source === 'reference'
      ? 'no nginx config in the repository: the reference proxy (TLS, forwarded headers, /static/) stands in front, and nginx -t accepts it'
      : `${tester} accepts ${name} (${c.source === 'input' ? `the ${c.kind === 'caddy' ? 'caddy' : 'nginx'}-config input` : 'found in the repository'})`
  return { status: 'passed', summary, evidence: standUpLines(c) }
}

export const proxyConfigValid: Check = {
  id: 'proxy.config-valid',
  title: 'nginx accepts the configuration',
  severity: 'error',
  needs: ['proxyConfig'],
  passesWhen:
    "`nginx -t` accepts the configuration (the repository's, or the reference proxy when it has none)",
  run: judge,
}
