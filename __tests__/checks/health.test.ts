import type { HttpExchange, Observations } from '../../src/facts/types'
import { recorded as recordedFixture } from '../data/observations/load'
import {
  answered,
  check,
  exchange,
  part,
  recorded,
  result,
  unanswered,
  withExchanges,
  withPart,
  without,
} from './observations'

const good = recorded('good')
/** The recorded time of a health answer, as the checks print it. */
const ms = (obs: Observations, via: 'app' | 'proxy'): number =>
  Math.round(exchange(obs, via, 'health').response?.ms ?? 0)
const APP_MS = ms(good, 'app')
const PROXY_MS = ms(good, 'proxy')
type Answer = Parameters<typeof answered>[1]

/** The good recording's health exchange via `via`, answered as `change` says. */
const healthAnswer = (via: 'app' | 'proxy', change: Answer): HttpExchange =>
  answered(exchange(good, via, 'health'), change)

describe('health.endpoint', () => {
  // No recording answers /healthz with 404, a redirect or slowly: the good recording's health
  // exchanges with another answer.
  /** Only the app-port health request of the good recording, answered otherwise. */
  const health = (status: number, change: Answer = {}): ReturnType<typeof check> =>
    check('health.endpoint', withPart(good, 'http', [healthAnswer('app', { status, ...change })]))
  /** The good recording with its health request through the proxy answered otherwise. */
  const throughProxy = (status: number, change: Answer = {}): ReturnType<typeof check> =>
    check(
      'health.endpoint',
      withExchanges(good, 'proxy', 'health', healthAnswer('proxy', { status, ...change })),
    )

  test('200 within a second on the app port and through the proxy passes', () => {
    const r = check('health.endpoint', good)
    expect(r).toMatchObject({
      status: 'passed',
      summary: `GET /healthz answered 200 in ${APP_MS} ms on the app port and 200 in ${PROXY_MS} ms through the proxy`,
    })
    expect(r.evidence).toEqual([
      `GET /healthz -> 200 in ${APP_MS} ms (on the app port)`,
      `GET /healthz -> 200 in ${PROXY_MS} ms (through the proxy)`,
    ])
  })

  test('without the proxy, the app port alone decides', () => {
    const obs = withPart(good, 'proxy', {
      unavailable: 'nginx rejected the configuration: unknown directive "x"',
    })
    expect(check('health.endpoint', obs).summary).toBe(
      `GET /healthz answered 200 in ${APP_MS} ms on the app port`,
    )
  })

  test('a 404 fails with the route to add', () => {
    const r = health(404, { body: '' })
    expect(r).toMatchObject({ status: 'failed', summary: 'GET /healthz answered 404, not 200' })
    expect(r.fix).toMatch(/^add a \/healthz route that returns 200 'ok'/)
    expect(r.evidence).toEqual([`GET /healthz -> 404 in ${APP_MS} ms (on the app port)`])
  })

  test('a 503 shows the body and asks for a health route that does not depend on the database', () => {
    const r = check('health.endpoint', recorded('broken-healthz'))
    expect(r.evidence).toEqual([
      `GET /healthz -> 503 in ${ms(recorded('broken-healthz'), 'app')} ms (on the app port)`,
      'body: database not configured',
    ])
    expect(r.fix).toMatch(/^make \/healthz answer 200 whenever the app can serve/)
  })

  test('a redirect fails and shows where it goes', () => {
    const r = health(302, { headers: { location: ['https://127.0.0.1:32803/healthz'] } })
    expect(r.summary).toBe('GET /healthz redirects (302) to https://127.0.0.1:32803/healthz')
    expect(r.evidence).toContain('Location: https://127.0.0.1:32803/healthz')
    expect(r.fix).toMatch(/force_https/)
  })

  test('a slow answer fails; a network error fails with the error', () => {
    expect(health(200, { ms: 1500 }).summary).toBe('GET /healthz took 1500 ms (limit 1000 ms)')
    const failed = withPart(good, 'http', [unanswered(exchange(good, 'app', 'health'))])
    expect(check('health.endpoint', failed).summary).toBe(
      'GET /healthz failed on the app port: socket hang up',
    )
  })

  test('a 502 through the proxy fails, pointing at proxy_pass', () => {
    const r = throughProxy(502, { body: '<center>nginx/1.22.1</center>' })
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'GET /healthz answered 502, not 200 through the proxy',
    })
    expect(r.evidence?.[0]).toBe(`GET /healthz -> 502 in ${PROXY_MS} ms (through the proxy)`)
    expect(r.fix).toMatch(/^nginx could not reach the app \(502\): point proxy_pass/)
  })

  test('a 404 through the proxy while the app port answers 200 blames the nginx location', () => {
    const r = throughProxy(404)
    expect(r.summary).toBe('GET /healthz answered 404, not 200 through the proxy')
    expect(r.fix).toBe(
      'the app answers 200 on its port: make the nginx location that matches /healthz pass it to the app',
    )
  })

  test('a redirect or a slow answer through the proxy fails', () => {
    const r = throughProxy(301, { headers: { location: ['https://example.com/healthz/'] } })
    expect(r.summary).toBe(
      'GET /healthz redirects (301) to https://example.com/healthz/ through the proxy',
    )
    expect(r.fix).toMatch(/nginx return\/rewrite/)
    expect(throughProxy(200, { ms: 2300 }).summary).toBe(
      'GET /healthz took 2300 ms (limit 1000 ms) through the proxy',
    )
  })
})

describe('health.no-session', () => {
  /** The good recording's two health answers, their Cache-Control replaced by `headers`. */
  const withHealth = (headers: Record<string, string[]>): Observations =>
    withPart(
      good,
      'http',
      (['app', 'proxy'] as const).map((via) => {
        const recordedHeaders = exchange(good, via, 'health').response!.headers
        return healthAnswer(via, {
          headers: { ...without(recordedHeaders, 'cache-control'), ...headers },
        })
      }),
    )

  test('no cookie and Cache-Control: no-store on both answers passes', () => {
    const r = check('health.no-session', good)
    expect(r).toMatchObject({
      status: 'passed',
      summary: '/healthz sets no cookie and forbids caching (2 responses checked)',
    })
    expect(r.evidence).toContain(
      `GET /healthz -> 200 in ${PROXY_MS} ms (through the proxy): Cache-Control: no-store`,
    )
  })

  test('a session cookie on the health answer fails without showing its value', () => {
    const r = check(
      'health.no-session',
      withHealth({
        'cache-control': ['no-cache'],
        'set-cookie': ['session=eyJ2aXNpdHMiOjF9.awW6wg.sig; HttpOnly; Path=/'],
      }),
    )
    expect(r).toMatchObject({ status: 'failed', summary: 'GET /healthz sets a cookie (session)' })
    expect(r.evidence?.[0]).toBe(
      `GET /healthz -> 200 in ${APP_MS} ms (on the app port): Set-Cookie: session=…; HttpOnly; Path=/`,
    )
    expect(JSON.stringify(r)).not.toContain('eyJ2')
  })

  test('no Cache-Control at all is cacheable by default, and the fix says so', () => {
    const r = check('health.no-session', withHealth({}))
    expect(r.summary).toBe(
      'GET /healthz may be cached (on the app port: no Cache-Control no-store/no-cache/private/max-age=0)',
    )
    expect(r.fix).toMatch(/'Cache-Control': 'no-store'.*cacheable by default/)
  })

  test('private or max-age=0 count as not cacheable; max-age=60 does not', () => {
    expect(check('health.no-session', withHealth({ 'cache-control': ['private'] })).status).toBe(
      'passed',
    )
    expect(
      check('health.no-session', withHealth({ 'cache-control': ['max-age=0, must-revalidate'] }))
        .status,
    ).toBe('passed')
    expect(check('health.no-session', withHealth({ 'cache-control': ['max-age=60'] })).status).toBe(
      'failed',
    )
  })

  test('no health answer at all is skipped', () => {
    const obs = withPart(
      good,
      'http',
      part(good, 'http').filter((x) => x.purpose !== 'health'),
    )
    expect(result('health.no-session', obs)).toMatchObject({
      status: 'skipped',
      summary: '/healthz did not answer 200',
      skip_reason: 'blocked',
    })
    expect(result('health.no-session', obs)).not.toHaveProperty('blocked_by')
  })

  test('health requests that got no answer block it behind health.endpoint, which fails', () => {
    const obs = withPart(
      good,
      'http',
      part(good, 'http').map((x) =>
        x.purpose === 'health' ? unanswered(x, 'connection reset') : x,
      ),
    )
    expect(result('health.endpoint', obs).status).toBe('failed')
    expect(result('health.no-session', obs)).toMatchObject({
      status: 'skipped',
      summary: '/healthz did not answer 200 (no answer)',
      skip_reason: 'blocked',
      blocked_by: 'health.endpoint',
    })
  })

  test('only a 200 is judged: a 503 (broken-healthz) says nothing about cookies or caching', () => {
    const r = result('health.no-session', recordedFixture('broken-healthz'))
    expect(r).toMatchObject({
      status: 'skipped',
      summary: '/healthz did not answer 200 (503)',
      blocked_by: 'health.endpoint',
    })
  })
})
