/**
 * Whether anything the action sent through the proxy reached the app, and the proxy_pass /
 * uwsgi_pass targets of the checked server. Checks that judge what the proxied app did are
 * blocked by proxy.upstream when every answer was nginx's own gateway error. Pure.
 */
import type { NginxLocation, NginxValue } from '../../facts/nginx/types'
import type { HttpExchange, Observations } from '../../facts/types'
import { exchangeLine, nginxError, proxyExchanges } from './http'
import { mainServer, nginxFacts } from './nginx'
import { present } from './parts'

/** The proxied requests meant for the app: each route and the health path. */
export function proxiedToApp(obs: Observations): HttpExchange[] {
  return proxyExchanges(obs, ['route', 'health']).filter((x) => x.response !== undefined)
}

/** A line naming why nothing reached the app through the proxy, or undefined when something did. */
export function unreachedApp(obs: Observations): string | undefined {
  if (present(obs.proxy) === undefined) return undefined
  const answered = proxiedToApp(obs)
  if (answered.length === 0 || !answered.every(nginxError)) return undefined
  return `nothing reached the app through the proxy (${exchangeLine(answered[0])}, nginx's own error)`
}

export interface UpstreamTarget {
  loc: NginxLocation
  directive: 'proxy_pass' | 'uwsgi_pass'
  value: NginxValue
  /** The protocol nginx speaks to it. */
  protocol: 'http' | 'uwsgi'
  host?: string
  port?: number
  /** An upstream block's name the value refers to. */
  upstream?: string
  unix?: string
  variable: boolean
}

function parseTarget(
  directive: UpstreamTarget['directive'],
  v: NginxValue,
): Omit<UpstreamTarget, 'loc' | 'value' | 'directive'> {
  const protocol = directive === 'uwsgi_pass' ? 'uwsgi' : 'http'
  const text = v.value.trim()
  if (text.includes('$')) return { protocol, variable: true }
  const m = /^(?:(https?|uwsgi|suwsgi):\/\/)?(unix:[^:]+:?|\[[^\]]+\]|[^:/]+)(?::(\d+))?/.exec(text)
  if (!m) return { protocol, variable: false }
  if (m[2].startsWith('unix:')) return { protocol, variable: false, unix: m[2].replace(/:$/, '') }
  const scheme = m[1] ?? (directive === 'proxy_pass' ? 'http' : 'uwsgi')
  const port = m[3] !== undefined ? Number(m[3]) : undefined
  return {
    protocol,
    variable: false,
    host: m[2],
    ...(port !== undefined
      ? { port }
      : scheme === 'http'
        ? { port: 80 }
        : scheme === 'https'
          ? { port: 443 }
          : {}),
  }
}

/** Every proxy_pass / uwsgi_pass of the checked server, an upstream block's servers expanded. */
export function upstreamTargets(obs: Observations): UpstreamTarget[] {
  const server = mainServer(obs)
  const facts = nginxFacts(obs)
  if (server === undefined || facts === undefined) return []
  const out: UpstreamTarget[] = []
  for (const loc of server.locations) {
    const passes: [UpstreamTarget['directive'], NginxValue | undefined][] = [
      ['proxy_pass', loc.proxyPass],
      ['uwsgi_pass', loc.uwsgiPass],
    ]
    for (const [directive, value] of passes) {
      if (value === undefined) continue
      const t = parseTarget(directive, value)
      const block = t.host ? facts.upstreams.find((u) => u.name === t.host) : undefined
      if (block) {
        for (const s of block.servers) {
          out.push({
            loc,
            directive,
            value: {
              ...value,
              value: `${value.value} -> server ${s.address}`,
              file: s.file,
              line: s.line,
            },
            protocol: t.protocol,
            upstream: block.name,
            variable: false,
            ...(s.host !== undefined ? { host: s.host } : {}),
            ...(s.port !== undefined ? { port: s.port } : s.host !== undefined ? { port: 80 } : {}),
            ...(s.unix !== undefined ? { unix: s.unix } : {}),
          })
        }
        continue
      }
      out.push({ loc, directive, value, ...t })
    }
  }
  return out
}
