import type { HttpExchange, Observations } from '../../src/facts/types'
import {
  answered,
  check,
  exchange,
  recorded,
  result,
  unanswered,
  without,
  withExchanges,
  runToken,
} from './observations'

const good = recorded('good')
const CONF = '__tests__/fixtures/good/deploy/nginx.conf'

/**
 * The good recording with its static file answered `status`, its recorded cache headers
 * replaced by `headers`: the recordings serve it only with expires 30d (or from the app).
 */
function staticAnswer(status: number, headers: Record<string, string[]>): Observations {
  const x = exchange(good, 'proxy', 'static')
  const kept = without(x.response!.headers, 'cache-control', 'expires')
  return withExchanges(
    good,
    'proxy',
    'static',
    answered(x, { status, headers: { ...kept, ...headers } }),
  )
}

describe('static.served-by-proxy', () => {
  test('nginx serving the file for 30 days, with no app log line for it, passes', () => {
    const r = check('static.served-by-proxy', good)
    expect(r).toMatchObject({
      status: 'passed',
      summary: '/static/style.css is served by nginx (location /static/) and cached for 30 days',
    })
    expect(r.evidence).toEqual([
      // The time and the date are the recording's.
      expect.stringMatching(/^GET \/static\/style\.css -> 200 in \d+ ms$/),
      'cache-control: max-age=2592000',
      expect.stringMatching(/^expires: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/),
      `location /static/ alias /app/static/ (${CONF}:47)`,
      "no line for it in the app's access log (which has 7 other requests)",
    ])
  })

  test('no /static/ location: Flask serves it, and the fix is the chapter block', () => {
    const r = check('static.served-by-proxy', recorded('no-static-location'))
    const conf = '__tests__/fixtures/no-static-location/deploy/nginx.conf'
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'no location serves /static/: /static/style.css goes through to the app',
      fix: 'let nginx serve the static folder: location /static/ { alias /app/static/; expires 30d; } in the HTTPS server',
      location: { file: conf, line: 27 },
    })
    expect(r.evidence).toContain(`location / (${conf}:48) handles it`)
    expect(r.evidence?.[2]).toMatch(
      /^the app's access log has it: .*"GET \/static\/style\.css HTTP/,
    )
  })

  test('a short cache lifetime fails at the static location', () => {
    const obs = staticAnswer(200, { 'cache-control': ['max-age=3600'] })
    const r = check('static.served-by-proxy', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary:
        '/static/style.css is served by nginx but cached for only 3600 s; static files should be cached at least 1 day',
      fix: 'add expires 30d; to location /static/',
      location: { file: CONF, line: 47 },
    })
  })

  test('no Cache-Control and no Expires fails too', () => {
    const obs = staticAnswer(200, {})
    expect(check('static.served-by-proxy', obs).summary).toBe(
      '/static/style.css is served by nginx but no cache lifetime (no Cache-Control max-age, no Expires); static files should be cached at least 1 day',
    )
  })

  test('a 404 from the alias points at the alias line', () => {
    const r = check('static.served-by-proxy', staticAnswer(404, {}))
    expect(r).toMatchObject({
      summary: 'GET /static/style.css through the proxy answered 404, not 200',
      location: { file: CONF, line: 48 },
    })
  })

  test('an app without an access log is judged from the config', () => {
    const r = check('static.served-by-proxy', recorded('no-access-log'))
    expect(r.status).toBe('passed')
    expect(r.evidence).toContain('the app writes no access log: decided from the config')
  })

  test('no static file requested is skipped', () => {
    const obs = withExchanges(good, 'proxy', 'static')
    expect(check('static.served-by-proxy', obs).status).toBe('skipped')
    expect(result('static.served-by-proxy', obs).skip_reason).toBe('not-applicable')
  })
})

describe('static.alias-traversal', () => {
  const canaryPath = (fixture: string): string => `/static../fdc-canary-${runToken(fixture)}.txt`
  const traversal = (): HttpExchange => exchange(good, 'proxy', 'traversal')

  test('no location uses alias: nothing to traverse, passed without a request', () => {
    // no-static-location has no alias; the run made no traversal request either.
    const obs = recorded('no-static-location')
    expect(check('static.alias-traversal', obs)).toMatchObject({
      status: 'passed',
      summary: 'no location uses alias, so /static../ cannot escape a folder',
    })
  })

  test('the canary not served passes', () => {
    expect(check('static.alias-traversal', good)).toMatchObject({
      status: 'passed',
      summary: `GET ${canaryPath('good')} did not escape the static folder (404)`,
    })
  })

  test('location /static with alias .../static/ serves the canary: failed at the location line', () => {
    const r = check('static.alias-traversal', recorded('alias-traversal'))
    const conf = '__tests__/fixtures/alias-traversal/deploy/nginx.conf'
    expect(r).toMatchObject({
      status: 'failed',
      summary: `GET ${canaryPath('alias-traversal')} served a file from outside the static folder (alias path traversal)`,
      fix: 'location /static/ { alias /app/static/; }: end both the location and the alias with a slash',
      location: { file: conf, line: 48 },
    })
    expect(r.evidence).toEqual([
      // The time is the recording's.
      expect.stringMatching(
        new RegExp(
          `^GET ${canaryPath('alias-traversal').replace(/[.]/g, '\\.')} -> 200 in \\d+ ms: the body is the canary file placed next to the static folder$`,
        ),
      ),
      `location /static (${conf}:48) has alias /app/static/`,
      '/static../x maps to /app/static/../x: the location lacks the trailing slash its alias has',
    ])
  })

  test('no traversal request, or no answer, is skipped', () => {
    const none = withExchanges(good, 'proxy', 'traversal')
    expect(check('static.alias-traversal', none).summary).toBe('no traversal request was made')
    const reset = withExchanges(good, 'proxy', 'traversal', unanswered(traversal()))
    expect(check('static.alias-traversal', reset).status).toBe('skipped')
    expect([none, reset].map((o) => result('static.alias-traversal', o).skip_reason)).toEqual([
      'blocked',
      'blocked',
    ])
  })

  test('every traversal request counts', () => {
    // The good recording's traversal request, and a second one (for another alias) answered
    // with the canary as the alias-traversal recording's was.
    const served = exchange(recorded('alias-traversal'), 'proxy', 'traversal')
    const second = {
      ...served,
      request: { ...served.request, path: `/assets../fdc-canary-${runToken('good')}.txt` },
    }
    const obs = withExchanges(good, 'proxy', 'traversal', traversal(), second)
    expect(check('static.alias-traversal', obs).status).toBe('failed')
  })
})
