/**
 * proxy.upstream: every proxy_pass / uwsgi_pass of the checked server reaches the app: the port it
 * listens on, in the protocol it speaks. A 502 through the proxy is explained, never counted as
 * an answer of the app.
 */
import { isLoopback, withoutDockerDns } from '../../facts/loopback'
import type { Observations } from '../../facts/types'
import { exchangeLine, nginxError } from '../lib/http'
import {
  isCaddy,
  lineRef,
  nginxFacts,
  proxyConfigOf,
  proxyName,
  rejection,
  userLocation,
} from '../lib/nginx'
import { present } from '../lib/parts'
import { clip, listOf } from '../lib/text'
import type { Check, CheckOutcome } from '../lib/types'
import { proxiedToApp, upstreamTargets, type UpstreamTarget } from '../lib/upstream'

/** The directive as the user wrote it (before the action pointed a loopback host at the app). */
function written(obs: Observations, t: UpstreamTarget): string {
  const before = proxyConfigOf(obs)?.rewrites.find((r) => r.line === t.value.line)?.before
  return `${isCaddy(obs) ? 'reverse_proxy' : t.directive} ${before ?? t.value.value}`
}

function problemOf(
  t: UpstreamTarget,
  ports: number[] | undefined,
  protocol: 'http' | 'uwsgi',
): string | undefined {
  if (t.port !== undefined && ports !== undefined && !ports.includes(t.port)) {
    return `port ${t.port}: the app listens on ${ports.length ? ports.join(', ') : 'no reachable port'}`
  }
  if (t.protocol !== protocol) {
    return t.protocol === 'http'
      ? 'proxy_pass speaks HTTP, but the app port speaks the uwsgi protocol (uWSGI socket): use uwsgi_pass with include uwsgi_params'
      : 'uwsgi_pass speaks the uwsgi protocol, but the app port speaks HTTP: use proxy_pass, or uWSGI socket = instead of http'
  }
  return undefined
}

function judge(obs: Observations): CheckOutcome {
  const facts = nginxFacts(obs)
  if (facts === undefined) {
    return { status: 'skipped', summary: rejection(obs) ?? 'the nginx configuration was not read' }
  }
  const targets = upstreamTargets(obs)
  if (targets.length === 0) {
    return {
      status: 'skipped',
      summary: 'no location of the checked server passes requests on (proxy_pass / uwsgi_pass)',
      skipReason: 'not-applicable',
    }
  }
  const boot = present(obs.boot)
  const sockets = boot?.listening
    ? withoutDockerDns(boot.listening).filter((l) => !isLoopback(l.address))
    : undefined
  const ports = sockets && [...new Set(sockets.map((l) => l.port))]
  const protocol = obs.run.appProtocol ?? 'http'
  const answered = proxiedToApp(obs)
  const gateway = answered.filter(nginxError)
  const reached = answered.filter((x) => !nginxError(x))
  const listenLine = sockets
    ? `the app listens on ${sockets.length ? listOf(sockets.map((l) => `${l.address}:${l.port}`)) : 'nothing reachable'} (${protocol === 'uwsgi' ? 'uwsgi protocol' : 'HTTP'})`
    : `the app port is ${obs.run.port} (${protocol === 'uwsgi' ? 'uwsgi protocol' : 'HTTP'}); its sockets were not read`
  const configLines = targets.map((t) => `${written(obs, t)} (${lineRef(obs, t.value)})`)
  const wrong = targets
    .filter((t) => !t.variable && t.unix === undefined)
    .map((t) => ({ t, problem: problemOf(t, ports, protocol) }))
    .filter((w): w is { t: UpstreamTarget; problem: string } => w.problem !== undefined)
  const gatewayLines = gateway
    .slice(0, 2)
    .map((x) => `${exchangeLine(x)} through the proxy (${proxyName(obs)}'s own error page)`)
  if (wrong.length > 0 || (answered.length > 0 && reached.length === 0)) {
    const first = wrong[0]
    const port = ports?.find((p) => p === obs.run.port) ?? ports?.[0] ?? obs.run.port
    const fix = first
      ? first.t.protocol !== protocol
        ? protocol === 'uwsgi'
          ? `uwsgi_pass app:${port}; include uwsgi_params; (the app speaks uwsgi on ${port})`
          : `proxy_pass http://app:${port}; (the app speaks HTTP on ${port})`
        : `${first.t.directive} ${first.t.protocol === 'http' ? 'http://' : ''}127.0.0.1:${port}; (or the app's service name): the port the app listens on`
      : `point ${targets[0].directive} at the app's address and the port it listens on (${port})`
    return {
      status: 'failed',
      summary: first
        ? clip(`${written(obs, first.t)} does not reach the app: ${first.problem}`, 240)
        : `nothing reached the app through the proxy: every answer was ${proxyName(obs)}'s ${gateway[0]?.response?.status ?? 502}`,
      evidence: [...configLines, listenLine, ...gatewayLines],
      fix,
      location: userLocation(obs, (first?.t ?? targets[0]).value),
    }
  }
  return {
    status: 'passed',
    summary: clip(
      `${listOf(
        targets.map((t) => written(obs, t)),
        160,
      )} reaches the app${reached[0] ? ` (${exchangeLine(reached[0])} through the proxy)` : ''}`,
      240,
    ),
    evidence: [...configLines, listenLine, ...reached.slice(0, 2).map(exchangeLine)],
  }
}

export const proxyUpstream: Check = {
  id: 'proxy.upstream',
  title: 'The proxy reaches the app (upstream host, port and protocol)',
  severity: 'error',
  needs: ['proxyConfig', 'boot'],
  passesWhen:
    'every `proxy_pass` / `uwsgi_pass` of the checked locations reaches the app: the port it listens on, in the protocol it speaks; a 502 from nginx never counts as an answer',
  run: judge,
}
