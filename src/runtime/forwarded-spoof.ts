/**
 * proxy.forwarded-spoof's observation: through the running proxy, each X-Forwarded-* header the
 * app might trust is forged on its own with a fresh canary, on a page and on a redirect, and
 * the probe (when on) is asked the same way: what came back is judged by the check.
 */
import { randomBytes } from 'node:crypto'
import { spoofCanaries } from '../facts/forwarded-spoof'
import type { ForwardedSpoofFacts, HttpExchange, ProbeAnswer } from '../facts/types'
import { interpretProbe, type PreparedProbe } from '../probe/introspect'
import { proxyRequest, spoofExchanges, type ProxyRuntime } from '../probe/proxy-requests'

/** Asks the probe one question; the answer, or undefined when it did not answer as the probe. */
export async function ask(
  exchange: Promise<HttpExchange>,
  via: ProbeAnswer['via'],
  forged: Record<string, string>,
  probe: PreparedProbe,
  envKey: string | undefined,
): Promise<ProbeAnswer | undefined> {
  const ex = await exchange
  const body = ex.response?.status === 200 ? ex.response.body : ''
  return interpretProbe(body, via, forged, { token: probe.token, injectedKey: envKey })
}

export interface SpoofInput {
  rt: ProxyRuntime
  routes: string[]
  /** Rules Werkzeug redirects to with a trailing slash (from the probe): an absolute Location. */
  trailingSlashRules?: string[]
  probe?: PreparedProbe
  envKey?: string
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
  const exchanges = await spoofExchanges(s.rt, { canaries, paths, signal: s.signal })
  const answers: ProbeAnswer[] = []
  if (s.probe) {
    for (const [name, value] of Object.entries(canaries)) {
      const forged = { [name]: value }
      const ex = proxyRequest(s.rt, {
        purpose: 'probe',
        path: s.probe.path,
        headers: forged,
        signal: s.signal,
      })
      const answer = await ask(ex, 'proxy', forged, s.probe, s.envKey)
      if (answer) answers.push(answer)
    }
  }
  return { canaries, exchanges, answers }
}
