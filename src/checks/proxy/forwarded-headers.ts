/**
 * proxy.forwarded-headers: every location that proxies to the app sends Host, X-Forwarded-For
 * and X-Forwarded-Proto (config, with nginx's proxy_set_header inheritance), and they reach the
 * app (the probe's view of the raw headers).
 */
import type { NginxLocation, NginxProxyHeader, NginxServer } from '../../facts/nginx/types'
import type { Observations } from '../../facts/types'
import { caseless } from '../lib/http'
import {
  isCaddy,
  appLocationFor,
  appLocations,
  lineNear,
  lineRef,
  locationLabel,
  mainServer,
  nginxFacts,
  publicHost,
  rejection,
  userLocation,
} from '../lib/nginx'
import { plainAnswer } from '../lib/probe'
import { clip } from '../lib/text'
import type { Check, CheckOutcome } from '../lib/types'

interface Wanted {
  name: string
  /** The value the chapter uses. */
  value: string
  /** Whether a configured value does the job. */
  ok: (value: string, host: string | undefined) => boolean
  /** What nginx sends when the location sets none. */
  unset: string
}

const WANTED: Wanted[] = [
  {
    name: 'Host',
    value: '$host',
    ok: (v, host) =>
      /\$(host|http_host|server_name)\b/.test(v) ||
      v === host ||
      /^\{(http\.request\.)?(host|hostport)\}$/.test(v),
    unset: 'Host: $proxy_host (the upstream address, e.g. app:8000)',
  },
  {
    name: 'X-Forwarded-For',
    value: '$proxy_add_x_forwarded_for',
    ok: (v) => v.trim() !== '',
    unset: 'no X-Forwarded-For',
  },
  {
    name: 'X-Forwarded-Proto',
    value: '$scheme',
    ok: (v) =>
      /\$scheme\b|\$http_x_forwarded_proto\b/.test(v) ||
      v === 'https' ||
      /^\{(http\.request\.)?scheme\}$/.test(v),
    unset: 'no X-Forwarded-Proto',
  },
]

interface Gap {
  loc: NginxLocation
  lines: string[]
  names: string[]
}

function find(list: NginxProxyHeader[], name: string): NginxProxyHeader | undefined {
  return [...list].reverse().find((h) => h.name.toLowerCase() === name.toLowerCase())
}

/** What one location gets wrong, with the inheritance rule when it explains the gap. */
function gapOf(obs: Observations, server: NginxServer, loc: NginxLocation): Gap | undefined {
  const host = publicHost(obs)
  const http = nginxFacts(obs)?.http?.proxySetHeaders ?? []
  const own = loc.proxySetHeaders.some((h) => !h.inherited)
  const lines: string[] = []
  const names: string[] = []
  for (const w of WANTED) {
    const set = find(loc.proxySetHeaders, w.name)
    if (set !== undefined && w.ok(set.value, host)) continue
    names.push(w.name)
    if (set !== undefined) {
      lines.push(`${w.name} is set to "${set.value}" (${lineRef(obs, set)})`)
      continue
    }
    const above = find(server.proxySetHeaders, w.name) ?? find(http, w.name)
    lines.push(
      own && above !== undefined
        ? `no ${w.name}: the proxy_set_header ${w.name} at ${lineNear(obs, above, loc)} is not inherited, because this location sets proxy_set_header of its own`
        : `no proxy_set_header ${w.name}: nginx sends ${w.unset}`,
    )
  }
  return names.length ? { loc, lines, names } : undefined
}

/** proxy.forwarded-headers (config and behaviour). */
function judge(obs: Observations): CheckOutcome {
  const refused = rejection(obs)
  if (refused) return { status: 'skipped', summary: refused, blockedBy: 'proxy.config-valid' }
  const server = mainServer(obs)
  const locations = server ? appLocations(server) : []
  const answer = plainAnswer(obs)
  if (locations.length === 0 && answer === undefined) {
    return {
      status: 'skipped',
      summary: server
        ? 'no location of the HTTPS server proxies to the app (proxy_pass), and the probe did not answer through the proxy'
        : 'no parsed nginx config with an HTTPS server, and the probe did not answer through the proxy',
    }
  }
  // The location serving the first route leads: it is the one users' pages go through.
  const lead = server && appLocationFor(server, obs.run.routes[0] ?? '/')
  const gaps = server
    ? [...locations]
        .sort((a, b) => Number(b === lead) - Number(a === lead))
        .map((l) => gapOf(obs, server, l))
        .filter((g): g is Gap => g !== undefined)
    : []
  const arrived = WANTED.slice(1).map((w) => ({
    name: w.name,
    value: answer && caseless(answer.forwarded, w.name.toLowerCase()),
  }))
  const lost = answer ? arrived.filter((a) => a.value === undefined).map((a) => a.name) : []
  const seen = answer
    ? [
        clip(
          `reached the app: ${arrived.map((a) => `${a.name}: ${a.value ?? '(none)'}`).join(', ')}`,
        ),
      ]
    : ['the probe did not answer through the proxy: judged from the config only']
  if (gaps.length === 0 && lost.length === 0) {
    const set = locations.map(
      (l) =>
        `${locationLabel(l)} (${lineRef(obs, l)}): ${WANTED.map((w) => `${w.name} ${find(l.proxySetHeaders, w.name)?.value ?? '?'}`).join(', ')}`,
    )
    return {
      status: 'passed',
      summary: `the proxy forwards Host, X-Forwarded-For and X-Forwarded-Proto${answer ? ', and they reach the app' : ''}`,
      evidence: [...set.map((l) => clip(l)), ...seen],
    }
  }
  const first = gaps[0]
  const names = first ? first.names : lost
  const caddyFix = `reverse_proxy sends Host, X-Forwarded-For and X-Forwarded-Proto by itself: remove the header_up lines that drop or change ${names.join(', ')}`
  const fix = isCaddy(obs)
    ? caddyFix
    : `in ${first ? locationLabel(first.loc) : 'the location that proxies to the app'}: ${WANTED.filter(
        (w) => names.includes(w.name),
      )
        .map((w) => `proxy_set_header ${w.name} ${w.value};`)
        .join(' ')}`
  const summary = first
    ? `${locationLabel(first.loc)} (${lineRef(obs, first.loc)}) does not forward ${first.names.join(', ')}${gaps.length > 1 ? ` (and ${gaps.length - 1} more location${gaps.length > 2 ? 's' : ''})` : ''}`
    : `${lost.join(' and ')} did not reach the app through the proxy`
  return {
    status: 'failed',
    summary,
    evidence: [
      ...gaps.flatMap((g) => g.lines.map((l) => clip(`${locationLabel(g.loc)}: ${l}`, 240))),
      ...seen,
    ],
    fix,
    location: first ? userLocation(obs, first.loc) : undefined,
  }
}

export const proxyForwardedHeaders: Check = {
  id: 'proxy.forwarded-headers',
  title: 'Proxy forwards Host, X-Forwarded-For and X-Forwarded-Proto',
  severity: 'error',
  needs: ['proxyConfig'],
  passesWhen:
    'every location that proxies to the app sets Host, X-Forwarded-For and X-Forwarded-Proto, and they reach the app',
  run: judge,
}
