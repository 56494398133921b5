/**
 * Questions to the in-app probe: one request, read as the probe's answer only when it answered as
 * the probe (its token), and the same question through the proxy with forged headers.
 */
import type { HttpExchange, ProbeAnswer } from '../facts/types'
import { interpretProbe, type PreparedProbe } from '../probe/introspect'
import { mapInOrder } from '../probe/in-order'
import { proxyRequest, type ProxyRuntime } from '../probe/proxy-requests'

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

/** The probe asked through the proxy once per set of forged headers; answers in that order. */
export async function askThroughProxy(
  rt: ProxyRuntime,
  probe: PreparedProbe,
  forgeries: Record<string, string>[],
  o: { envKey?: string; parallel?: number; signal?: AbortSignal },
): Promise<ProbeAnswer[]> {
  const answers = await mapInOrder(forgeries, o.parallel ?? 1, (forged) => {
    const ex = proxyRequest(rt, {
      purpose: 'probe',
      path: probe.path,
      headers: forged,
      signal: o.signal,
    })
    return ask(ex, 'proxy', forged, probe, o.envKey)
  })
  return answers.filter((a): a is ProbeAnswer => a !== undefined)
}
