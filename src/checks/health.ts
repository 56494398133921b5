/** The health endpoint: health.endpoint (app port and through the proxy), health.no-session. */
import { cookieShape, parseSetCookie } from '../facts/set-cookie'
import type { HttpExchange, Observations } from '../facts/types'
import { appExchanges, exchangeLine, header, headerValues, proxyExchanges } from './lib/http'
import { present } from './lib/parts'
import { clip, plural } from './lib/text'
import type { Check, CheckOutcome } from './lib/types'

function where(x: HttpExchange): string {
  return x.via === 'proxy' ? 'through the proxy' : 'on the app port'
}

/** The failure of one health request, or undefined when it answered 200 quickly without redirect. */
function judgeHealth(x: HttpExchange, path: string, appOk: boolean): CheckOutcome | undefined {
  const res = x.response
  const evidence = [`${exchangeLine(x)} (${where(x)})`]
  const proxy = x.via === 'proxy'
  const suffix = proxy ? ' through the proxy' : ''
  const addRoute = `add a ${path} route that returns 200 'ok' without redirects, login or database work`
  if (res === undefined) {
    return {
      status: 'failed',
      summary: `GET ${path} failed ${where(x)}: ${clip(x.error ?? 'no response', 120)}`,
      evidence,
      fix: proxy
        ? `make nginx pass ${path} to the app (check the location that matches it)`
        : addRoute,
    }
  }
  const location = header(res, 'location')
  if (location !== undefined) evidence.push(`Location: ${clip(location, 160)}`)
  if (res.status >= 300 && res.status < 400) {
    return {
      status: 'failed',
      summary: `GET ${path} redirects (${res.status}) to ${clip(location ?? '?', 120)}${suffix}`,
      evidence,
      fix: `answer ${path} with 200 directly: exempt it from HTTPS redirects (e.g. Talisman force_https) and login${proxy ? ', and from any nginx return/rewrite' : ''}`,
    }
  }
  if (res.status !== 200) {
    if (res.body.trim() !== '') evidence.push(`body: ${clip(res.body, 120)}`)
    let fix =
      res.status === 404 || res.status === 405
        ? addRoute
        : `make ${path} answer 200 whenever the app can serve: no checks that fail in a fresh container (database, external services)`
    if (proxy && (res.status === 502 || res.status === 504)) {
      fix = `nginx could not reach the app (${res.status}): point proxy_pass at the app's address and port`
    } else if (proxy && appOk) {
      fix = `the app answers 200 on its port: make the nginx location that matches ${path} pass it to the app`
    }
    return {
      status: 'failed',
      summary: `GET ${path} answered ${res.status}, not 200${suffix}`,
      evidence,
      fix,
    }
  }
  if (res.ms > 1000) {
    return {
      status: 'failed',
      summary: `GET ${path} took ${Math.round(res.ms)} ms (limit 1000 ms)${suffix}`,
      evidence,
      fix: `keep ${path} cheap: answer 200 'ok' without slow checks`,
    }
  }
  return undefined
}

/** The health requests health.endpoint judges: on the app port, and through the proxy when it stood. */
function healthRequests(obs: Observations): { app: HttpExchange[]; proxy: HttpExchange[] } {
  const app = appExchanges(obs, ['health'])
  return { app, proxy: present(obs.proxy) ? proxyExchanges(obs, ['health']) : [] }
}

/** health.endpoint: GET health-path answers 200 without redirect within 1 s, on the app port and through the proxy. */
function judgeEndpoint(obs: Observations): CheckOutcome {
  const path = obs.run.healthPath
  const { app, proxy } = healthRequests(obs)
  if (app.length === 0 && proxy.length === 0) {
    return { status: 'skipped', summary: `no request to ${path} was made` }
  }
  const appOk = app.length > 0 && app.every((x) => judgeHealth(x, path, false) === undefined)
  for (const x of [...app, ...proxy]) {
    const failure = judgeHealth(x, path, appOk)
    if (failure) return failure
  }
  const answered = (xs: HttpExchange[], label: string): string[] =>
    xs.length ? [`200 in ${Math.round(xs[0].response?.ms ?? 0)} ms ${label}`] : []
  return {
    status: 'passed',
    summary: `GET ${path} answered ${[...answered(app, 'on the app port'), ...answered(proxy, 'through the proxy')].join(' and ')}`,
    evidence: [...app, ...proxy].map((x) => `${exchangeLine(x)} (${where(x)})`),
  }
}

const NOT_CACHEABLE = /\b(no-store|no-cache|private)\b|(?:^|[\s,])max-age\s*=\s*0+(?!\d)/i

/** health.no-session (notice): health responses set no cookie and forbid caching explicitly. */
function judgeNoSession(obs: Observations): CheckOutcome {
  const path = obs.run.healthPath
  // Only a 200 is the health answer: a 404, a redirect or nginx's 502 says nothing about it.
  const all = [...appExchanges(obs, ['health']), ...proxyExchanges(obs, ['health'])]
  const xs = all.filter((x) => x.response?.status === 200)
  if (xs.length === 0) {
    // Health requests that got no 200 are health.endpoint's failure.
    const answers = all.map((x) => x.response?.status ?? 'no answer')
    return {
      status: 'skipped',
      summary: `${path} did not answer 200${answers.length ? ` (${[...new Set(answers)].join(', ')})` : ''}`,
      ...(all.length > 0 ? { blockedBy: 'health.endpoint' } : {}),
      evidence: all.map((x) => `${exchangeLine(x)} (${where(x)})`),
    }
  }
  const cookies = xs.flatMap((x) =>
    headerValues(x.response, 'set-cookie').map((h) => ({ x, h, name: parseSetCookie(h).name })),
  )
  const cacheable = xs.filter(
    (x) => !NOT_CACHEABLE.test(headerValues(x.response, 'cache-control').join(', ')),
  )
  const cacheLine = (x: HttpExchange): string => {
    const cc = headerValues(x.response, 'cache-control')
    return `${exchangeLine(x)} (${where(x)}): ${cc.length ? `Cache-Control: ${clip(cc.join(', '), 80)}` : 'no Cache-Control'}`
  }
  const evidence = [
    ...cookies.map((c) =>
      clip(`${exchangeLine(c.x)} (${where(c.x)}): Set-Cookie: ${cookieShape(c.h)}`),
    ),
    ...xs.map(cacheLine),
  ]
  if (cookies.length === 0 && cacheable.length === 0) {
    return {
      status: 'passed',
      summary: `${path} sets no cookie and forbids caching (${plural(xs.length, 'response')} checked)`,
      evidence,
    }
  }
  const names = [...new Set(cookies.map((c) => c.name))].join(', ')
  const problems = [
    ...(cookies.length ? [`sets a cookie (${names})`] : []),
    ...(cacheable.length
      ? [
          `may be cached (${where(cacheable[0])}: no Cache-Control no-store/no-cache/private/max-age=0)`,
        ]
      : []),
  ]
  return {
    status: 'failed',
    summary: `GET ${path} ${problems.join(' and ')}`,
    evidence,
    fix: `answer ${path} with return 'ok', 200, {'Cache-Control': 'no-store'} and do not touch the session there; a 200 without Cache-Control is cacheable by default (heuristic freshness), so a cache could report a dead app as healthy`,
  }
}

export const healthEndpoint: Check = {
  id: 'health.endpoint',
  title: 'Health endpoint answers 200 quickly',
  severity: 'error',
  needs: ['http'],
  passesWhen:
    '`GET /healthz` answers 200 without a redirect within 1 s, on the app port and through the proxy',
  run: judgeEndpoint,
}

export const healthNoSession: Check = {
  id: 'health.no-session',
  title: 'Health endpoint sets no cookie and is not cached',
  severity: 'notice',
  needs: ['http'],
  passesWhen: 'the health endpoint sets no cookie and is not cacheable',
  run: judgeNoSession,
}
