/**
 * proxy.forwarded-spoof's observation: through the running proxy, each X-Forwarded-* header the
 * app might trust is forged on its own with a fresh canary, on a page and on a redirect, and
 * the probe (when on) is asked the same way: what came back is judged by the check.
 */
import { randomBytes } from 'node:crypto'
import { spoofCanaries } from '../facts/forwarded-spoof'
import type { ForwardedSpoofFacts } from '../facts/types'
import type { PreparedProbe } from '../probe/introspect'
import { spoofExchanges, type ProxyRuntime } from '../probe/proxy-requests'
import { askThroughProxy } from './probe-questions'

export interface SpoofInput {
  rt: ProxyRuntime
  routes: string[]
  /** Rules Werkzeug redirects to with a trailing slash (from the probe): an absolute Location. */
  trailingSlashRules?: string[]
  probe?: PreparedProbe
  envKey?: string
  /** Requests in flight at once (one under limit_req). */
  parallel?: number
  signal?: AbortSignal
}

/** The forgeries and what came back; never throws for the app's answers. */
export async function observeForwardedSpoof(s: SpoofInput): Promise<ForwardedSpoofFacts> {
  // Not the run's secret token: the canaries are meant to be quoted in evidence.
  const canaries = spoofCanaries(randomBytes(3).toString('hex'))
  const redirect = (s.trailingSlashRules ?? []).find((p) => p.length > 1 && p.endsWith('/'))
  const paths = [
    ...new Set([
      ...(s.routes.length > 0 ? [s.routes[0]] : ['/']),
      ...(redirect ? [redirect.replace(/\/+$/, '')] : []),
    ]),
  ]
  const forgeries = Object.entries(canaries).map(([name, value]) => ({ [name]: value }))
  const o = { envKey: s.envKey, parallel: s.parallel, signal: s.signal }
  const exchanges = await spoofExchanges(s.rt, {
    canaries,
    paths,
    parallel: s.parallel,
    signal: s.signal,
  })
  const answers = s.probe ? await askThroughProxy(s.rt, s.probe, forgeries, o) : []
  return { canaries, exchanges, answers }
}
