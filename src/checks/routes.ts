/**
 * routes.answer: every route asked for gets an HTTP answer a client can use. A route that never
 * answers, streams without end, sends a header block no client takes or is not HTTP at all
 * holds or breaks every client and worker in front of it; the run itself only waits its
 * per-request deadline and reads a bounded amount. An app that exits during the run fails it
 * too: everything observed after that is blocked by it.
 */
import { appExitReason } from '../facts/app-exit'
import type { HttpExchange, Observations } from '../facts/types'
import { exchangeLine } from './lib/http'
import { isUnavailable } from './lib/run'
import { lastLines, plural } from './lib/text'
import type { Check, CheckOutcome } from './lib/types'

/** What the probe's per-request deadline is (probe/http.ts DEFAULT_TIMEOUT_MS). */
const REQUEST_TIMEOUT_S = 5

const mib = (bytes: number): string => `${Math.round(bytes / (1024 * 1024))} MiB`

/** Why one exchange is not a usable answer, or undefined when it is one. */
export function routeFault(x: HttpExchange): string | undefined {
  if (x.response?.overLimit !== undefined)
    return `response larger than ${mib(x.response.overLimit)}: the read stopped there (an endless or unbounded body)`
  if (x.response !== undefined) return undefined
  const error = x.error ?? 'no response'
  if (/HEADERS_TIMEOUT/.test(error))
    return `no response within the per-request timeout of ${REQUEST_TIMEOUT_S} s`
  if (/BODY_TIMEOUT/.test(error))
    return `the body stalled for more than the per-request timeout of ${REQUEST_TIMEOUT_S} s`
  if (/HEADERS_OVERFLOW/.test(error)) return 'response header block too large for an HTTP client'
  if (/does not match the HTTP|HPE_|Parse Error|invalid/i.test(error))
    return 'malformed HTTP response (not a valid status line or header)'
  if (/ECONNREFUSED/.test(error)) return 'connection refused (is the app still running?)'
  if (/SOCKET|ECONNRESET|other side closed/.test(error))
    return 'connection closed without a response'
  return error
}

const where = (x: HttpExchange): string =>
  x.via === 'proxy' ? 'through the proxy' : 'on the app port'

export const routesAnswer: Check = {
  id: 'routes.answer',
  title: 'Every route answers with a usable HTTP response',
  severity: 'error',
  needs: ['http'],
  passesWhen:
    'each route asked for answers in time with well-formed HTTP, a header block a client accepts and a body under 8 MiB',
  run(obs: Observations): CheckOutcome {
    const http = obs.http as HttpExchange[]
    const exit = obs.run.appExited
    if (exit !== undefined) {
      const logs = isUnavailable(obs.logs) ? [] : [...obs.logs.stdout, ...obs.logs.stderr]
      return {
        status: 'failed',
        summary: appExitReason(exit),
        evidence: [`exit code ${exit.exitCode}`, ...lastLines(logs, 10)],
        fix: exit.oomKilled
          ? 'keep the app under its memory limit (512 MiB here): bound caches, uploads and worker counts'
          : 'a request must never end the server: catch the error in the route, and let the WSGI server restart a failed worker instead of exiting',
      }
    }
    const routes = http.filter((x) => x.purpose === 'route')
    if (routes.length === 0)
      return { status: 'skipped', summary: 'no route was requested', skipReason: 'not-applicable' }
    const faults = routes.flatMap((x) => {
      const why = routeFault(x)
      return why === undefined ? [] : [{ x, why }]
    })
    if (faults.length === 0)
      return { status: 'passed', summary: `all ${plural(routes.length, 'route request')} answered` }
    const first = faults[0]
    return {
      status: 'failed',
      summary: `GET ${first.x.request.path} ${where(first.x)}: ${first.why}${faults.length > 1 ? ` (and ${plural(faults.length - 1, 'more request')})` : ''}`,
      evidence: faults.slice(0, 10).map(({ x, why }) => `${exchangeLine(x)} (${where(x)}): ${why}`),
      fix: 'make every route answer within its deadline with a bounded body: stream with an end, keep headers small, and put a timeout on whatever the route waits for',
    }
  },
}
