/** Reading the introspection probe's answers. Pure; imports types only. */
import type { Observations, ProbeAnswer } from '../../facts/types'
import { caseless } from './http'
import { present } from './parts'
import type { SkipReason } from './types'

/**
 * Why the probe has no answers when the run chose not to ask it (introspect: false), else
 * undefined. A check that finds nothing else to judge is then skipped for that reason, not blocked.
 */
export function probeSkip(obs: Observations): SkipReason | undefined {
  return 'unavailable' in obs.probe ? obs.probe.skip : undefined
}

/** Every probe answer (none when the probe was off or never answered). */
export function probeAnswers(obs: Observations): ProbeAnswer[] {
  return present(obs.probe)?.answers ?? []
}

/** The plain answer through the proxy (no forged header), or on the app port with `via`. */
export function plainAnswer(
  obs: Observations,
  via: 'proxy' | 'app' = 'proxy',
): ProbeAnswer | undefined {
  return probeAnswers(obs).find((a) => a.via === via && Object.keys(a.forged).length === 0)
}

/** The answer through the proxy to a request with a client-forged X-Forwarded-For. */
export function forgedAnswer(obs: Observations): ProbeAnswer | undefined {
  return probeAnswers(obs).find(
    (a) => a.via === 'proxy' && caseless(a.forged, 'x-forwarded-for') !== undefined,
  )
}

/** The ProxyFix entry of the app's middleware chain, if any. */
export function proxyFixOf(a: ProbeAnswer): ProbeAnswer['middleware'][number] | undefined {
  return a.middleware.find((m) => /ProxyFix/.test(m.name))
}

/** 'ProxyFix(x_for=1, x_proto=1, x_host=0)' or 'no ProxyFix in app.wsgi_app'. */
export function proxyFixLine(a: ProbeAnswer): string {
  const fix = proxyFixOf(a)
  if (fix === undefined) {
    const chain = a.middleware.map((m) => m.name).join(' -> ')
    return `no ProxyFix in app.wsgi_app${chain ? ` (${chain})` : ''}`
  }
  return `ProxyFix(x_for=${fix.xFor ?? 0}, x_proto=${fix.xProto ?? 0}, x_host=${fix.xHost ?? 0})`
}

/** The chapter's ProxyFix line, for fixes. */
export const PROXY_FIX = 'app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)'

/**
 * The ProxyFix line for the proxies in front of the app: behind a load balancer and nginx,
 * X-Forwarded-For holds two appended addresses, while nginx passes the balancer's
 * X-Forwarded-Proto and Host on as one value each.
 */
export function proxyFixFor(hops: number): string {
  return hops > 1
    ? `app.wsgi_app = ProxyFix(app.wsgi_app, x_for=${hops}, x_proto=1, x_host=1)`
    : PROXY_FIX
}

/** The proxies in front of the app, as words: "1 (nginx)" or "2 (the load balancer and nginx)". */
export function hopsText(hops: number): string {
  return hops > 1 ? `${hops} (the load balancer and nginx)` : '1 (nginx)'
}
