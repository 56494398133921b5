/** Static files behind the proxy: static.served-by-proxy, static.alias-traversal. */
import type { NginxLocation } from '../facts/nginx/types'
import type { HttpExchange, Observations } from '../facts/types'
import {
  appExchanges,
  cacheSeconds,
  exchangeLine,
  headerValues,
  logged,
  loggedLines,
  proxyExchanges,
  requestLine,
} from './lib/http'
import {
  isCaddy,
  lineRef,
  locationFor,
  locationLabel,
  mainServer,
  proxyName,
  userLocation,
} from './lib/nginx'
import { present } from './lib/parts'
import { clip, listOf, plural } from './lib/text'
import type { Check, CheckOutcome } from './lib/types'

const DAY = 86400

/** The app's static folder in the image, for fixes: WORKDIR/static/. */
function staticFolder(obs: Observations): string {
  const dir = present(obs.image)?.workingDir
  return dir ? `${dir.replace(/\/$/, '')}/static/` : '/srv/myapp/app/static/'
}

function lifetime(seconds: number | undefined): string {
  if (seconds === undefined) return 'no cache lifetime (no Cache-Control max-age, no Expires)'
  if (seconds >= DAY) return `cached for ${plural(Math.floor(seconds / DAY), 'day')}`
  return `cached for only ${seconds} s`
}

function staticLocation(loc: NginxLocation | undefined): NginxLocation | undefined {
  return loc && !loc.proxyPass && (loc.alias ?? loc.root) ? loc : undefined
}

/**
 * Lines for who answered: the app's access log, or the config when the app logs nothing. The
 * action's own requests for the same path on the app port (a /static/ path in `routes`) are
 * logged too: only lines beyond those count as the app serving the proxy's request.
 */
function appLogged(obs: Observations, x: HttpExchange): { byApp: boolean; line: string } {
  const logs = present(obs.logs)
  if (logs === undefined) return { byApp: false, line: 'the app logs were not read' }
  const lines = [...logs.stdout, ...logs.stderr]
  const hits = loggedLines(x, lines)
  const own = appExchanges(obs).filter(
    (a) => a.response !== undefined && requestLine(a) === requestLine(x),
  ).length
  if (hits.length > own) {
    return { byApp: true, line: `the app's access log has it: ${clip(hits[hits.length - 1], 160)}` }
  }
  const others = new Set((present(obs.http) ?? []).filter((o) => logged(o, lines)).map(requestLine))
    .size
  const ownLine =
    own > 0
      ? ` (the ${plural(own, 'line')} for the action's own request on the app port aside)`
      : ''
  return {
    byApp: false,
    line:
      others > 0
        ? `no line for it in the app's access log${ownLine} (which has ${plural(others, 'other request')})`
        : 'the app writes no access log: decided from the config',
  }
}

/** static.served-by-proxy: a /static/ file is answered by nginx with a cache lifetime >= 1 day. */
function judgeServed(obs: Observations): CheckOutcome {
  const x = proxyExchanges(obs, ['static'])[0]
  if (x === undefined) {
    return {
      status: 'skipped',
      summary: 'no static file was requested (the app has none to ask for)',
      skipReason: 'not-applicable',
    }
  }
  const path = x.request.path
  const server = mainServer(obs)
  const served = server && locationFor(server, path)
  const loc = staticLocation(served)
  const res = x.response
  const who = appLogged(obs, x)
  const evidence = [exchangeLine(x)]
  const block = isCaddy(obs)
    ? `handle_path /static/* { root * ${staticFolder(obs)}; header Cache-Control "public, max-age=2592000"; file_server }`
    : `location /static/ { alias ${staticFolder(obs)}; expires 30d; }`
  if ((server && loc === undefined) || who.byApp) {
    evidence.push(
      served
        ? `${locationLabel(served)} (${lineRef(obs, served)}) handles it`
        : 'no location serves it',
      who.line,
    )
    return {
      status: 'failed',
      summary: loc
        ? `${path} was served by the app, not ${proxyName(obs)}`
        : `no location serves /static/: ${path} goes through to the app`,
      evidence,
      fix: `let ${proxyName(obs)} serve the static folder: ${block} in the HTTPS ${isCaddy(obs) ? 'site block' : 'server'}`,
      location: userLocation(obs, server),
    }
  }
  const target = loc?.alias ?? loc?.root
  const configLine =
    loc && target
      ? [
          `${locationLabel(loc)} ${loc.alias ? 'alias' : 'root'} ${target.value} (${lineRef(obs, loc)})`,
        ]
      : []
  if (res === undefined || res.status !== 200) {
    return {
      status: 'failed',
      summary: `${requestLine(x)} through the proxy answered ${res ? res.status : clip(x.error ?? 'nothing', 80)}, not 200`,
      evidence: [...evidence, ...configLine],
      fix: `point the alias at the folder that holds the static files, with a trailing slash: ${block}`,
      location: userLocation(obs, target ?? loc),
    }
  }
  const secs = cacheSeconds(res)
  const headers = ['cache-control', 'expires'].flatMap((h) =>
    headerValues(res, h).map((v) => `${h}: ${clip(v, 80)}`),
  )
  if (secs === undefined || secs < DAY) {
    return {
      status: 'failed',
      summary: `${path} is served by ${proxyName(obs)} but ${lifetime(secs)}; static files should be cached at least 1 day`,
      evidence: [...evidence, ...headers, ...configLine],
      fix: isCaddy(obs)
        ? `add header Cache-Control "public, max-age=2592000" next to file_server (${loc ? lineRef(obs, loc) : 'the /static/* block'}): file_server sends ETag and Last-Modified but no cache lifetime`
        : `add expires 30d; to ${loc ? locationLabel(loc) : 'location /static/'}`,
      location: userLocation(obs, loc),
    }
  }
  return {
    status: 'passed',
    summary: `${path} is served by ${proxyName(obs)}${loc ? ` (${locationLabel(loc)})` : ''} and ${lifetime(secs)}`,
    evidence: [...evidence, ...headers, ...configLine, who.line],
  }
}

const CANARY = 'flask-deploy-check canary'

function traversed(x: HttpExchange): boolean {
  return x.response?.status === 200 && x.response.body.includes(CANARY)
}

/** static.alias-traversal: GET /static../<file> must not serve a file next to the static folder. */
function judgeTraversal(obs: Observations): CheckOutcome {
  const tries = proxyExchanges(obs, ['traversal'])
  if (tries.length === 0) {
    const aliases = (present(obs.proxyConfig)?.facts?.servers ?? []).flatMap((s) =>
      s.locations.filter((l) => l.alias !== undefined),
    )
    // Only an alias can be escaped this way: with none, there is nothing to traverse.
    if (present(obs.proxyConfig)?.facts && aliases.length === 0) {
      return {
        status: 'passed',
        summary: 'no location uses alias, so /static../ cannot escape a folder',
      }
    }
    return { status: 'skipped', summary: 'no traversal request was made' }
  }
  const answered = tries.filter((x) => x.response !== undefined)
  if (answered.length === 0) {
    const x = tries[0]
    return {
      status: 'skipped',
      summary: `${clip(requestLine(x), 100)} got no answer: ${clip(x.error ?? '', 80)}`,
    }
  }
  const server = mainServer(obs)
  const x = answered.find(traversed) ?? answered[0]
  const loc = server && locationFor(server, x.request.path)
  const alias = loc?.alias?.value
  const shape =
    loc !== undefined && alias !== undefined && !loc.path.endsWith('/') && alias.endsWith('/')
  const configLine =
    loc && alias ? [`${locationLabel(loc)} (${lineRef(obs, loc)}) has alias ${alias}`] : []
  if (traversed(x)) {
    const prefix = loc && shape ? `${loc.path}/` : '/static/'
    const dir = alias ?? staticFolder(obs)
    return {
      status: 'failed',
      summary: `${clip(requestLine(x), 100)} served a file from outside the static folder (alias path traversal)`,
      evidence: [
        `${exchangeLine(x)}: the body is the canary file placed next to the static folder`,
        ...configLine,
        ...(shape && loc
          ? [
              `${loc.path}../x maps to ${alias}../x: the location lacks the trailing slash its alias has`,
            ]
          : []),
      ],
      fix: `location ${prefix} { alias ${dir.endsWith('/') ? dir : `${dir}/`}; }: end both the location and the alias with a slash`,
      location: userLocation(obs, loc),
    }
  }
  return {
    status: 'passed',
    summary: `${listOf(answered.map(requestLine), 120)} did not escape the static folder (${answered.map((a) => a.response?.status).join(', ')})`,
    evidence: [...answered.map(exchangeLine), ...configLine],
  }
}

export const staticServedByProxy: Check = {
  id: 'static.served-by-proxy',
  title: 'Static files are served by the proxy',
  severity: 'warning',
  needs: ['proxy', 'http', 'logs'],
  passesWhen: '/static/ is served by nginx with a long cache lifetime',
  run: judgeServed,
}

export const staticAliasTraversal: Check = {
  id: 'static.alias-traversal',
  title: 'No path traversal through a static alias',
  severity: 'error',
  needs: ['proxy', 'http'],
  passesWhen: '`GET /static../` does not escape the static folder',
  run: judgeTraversal,
}
