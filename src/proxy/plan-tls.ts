/**
 * The certificate side of a plan (pure): which paths the config names for certificates, and
 * how a throw-away one reaches TLS servers that name none (a conf.d file at http level, or
 * inline at the start of the http block of a whole nginx.conf that does not include conf.d).
 */
import { matchFiles, parseNginxFile, type NginxDirective } from '../facts/nginx-config'

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
