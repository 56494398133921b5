import type { Observations } from '../../src/facts/types'
import {
  check,
  nginxFacts,
  proxied,
  proxyConfig,
  proxyExchange,
  recorded,
  replaceProxied,
  result,
  variant,
} from './observations'

const CSS = '/static/style.css'

function staticAnswer(
  obs: Observations,
  status: number,
  headers: Record<string, string[]>,
): Observations {
  replaceProxied(obs, 'static', proxyExchange('static', CSS, status, { headers }))
  return obs
}

describe('static.served-by-proxy', () => {
  test('nginx serving the file for 30 days, with no app log line for it, passes', () => {
    const r = check('static.served-by-proxy', recorded('good'))
    expect(r).toMatchObject({
      status: 'passed',
      summary: '/static/style.css is served by nginx (location /static/) and cached for 30 days',
    })
    expect(r.evidence).toEqual([
      'GET /static/style.css -> 200 in 8 ms',
      'cache-control: max-age=2592000',
      'expires: Thu, 24 Dec 2026 16:26:42 GMT',
      'location /static/ alias /app/static/ (deploy/nginx.conf:28)',
      "no line for it in the app's access log (which has 4 other requests)",
    ])
  })

  test('no /static/ location: Flask serves it, and the fix is the chapter block', () => {
    const obs = variant('good', (o) => {
      proxyConfig(o).facts = nginxFacts('upstream-redirect')
      staticAnswer(o, 200, { 'cache-control': ['no-cache'] })
      if (!('unavailable' in o.logs)) {
        o.logs.stdout.push(
          `172.18.0.3 - - [24/Nov/2026:16:26:42 +0000] "GET ${CSS} HTTP/1.0" 200 29 "-" "flask-deploy-check"`,
        )
      }
    })
    const r = check('static.served-by-proxy', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'no location serves /static/: /static/style.css goes through to the app',
      fix: 'let nginx serve the static folder: location /static/ { alias /app/static/; expires 30d; } in the HTTPS server',
      location: { file: 'deploy/nginx.conf', line: 15 },
    })
    expect(r.evidence).toContain('location / (deploy/nginx.conf:25) handles it')
    expect(r.evidence?.[2]).toMatch(
      /^the app's access log has it: .*"GET \/static\/style\.css HTTP/,
    )
  })

  test('a short cache lifetime fails at the static location', () => {
    const obs = variant('good', (o) => staticAnswer(o, 200, { 'cache-control': ['max-age=3600'] }))
    const r = check('static.served-by-proxy', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary:
        '/static/style.css is served by nginx but cached for only 3600 s; static files should be cached at least 1 day',
      fix: 'add expires 30d; to location /static/',
      location: { file: 'deploy/nginx.conf', line: 28 },
    })
  })

  test('no Cache-Control and no Expires fails too', () => {
    const obs = variant('good', (o) => staticAnswer(o, 200, {}))
    expect(check('static.served-by-proxy', obs).summary).toBe(
      '/static/style.css is served by nginx but no cache lifetime (no Cache-Control max-age, no Expires); static files should be cached at least 1 day',
    )
  })

  test('a 404 from the alias points at the alias line', () => {
    const obs = variant('good', (o) => staticAnswer(o, 404, {}))
    const r = check('static.served-by-proxy', obs)
    expect(r).toMatchObject({
      summary: 'GET /static/style.css through the proxy answered 404, not 200',
      location: { file: 'deploy/nginx.conf', line: 29 },
    })
  })

  test('an app without an access log is judged from the config', () => {
    const r = check('static.served-by-proxy', recorded('no-access-log'))
    expect(r.status).toBe('passed')
    expect(r.evidence).toContain('the app writes no access log: decided from the config')
  })

  test('no static file requested is skipped', () => {
    const obs = variant('good', (o) => replaceProxied(o, 'static'))
    expect(check('static.served-by-proxy', obs).status).toBe('skipped')
    expect(result('static.served-by-proxy', obs).skip_reason).toBe('not-applicable')
  })
})

describe('static.alias-traversal', () => {
  const CANARY_PATH = '/static../fdc-canary-68a4a80e.txt'

  test('no location uses alias: nothing to traverse, passed without a request', () => {
    const obs = variant('good', (o) => {
      proxyConfig(o).facts = nginxFacts('upstream-redirect')
      if (!('unavailable' in o.http)) o.http = o.http.filter((x) => x.purpose !== 'traversal')
    })
    expect(check('static.alias-traversal', obs)).toMatchObject({
      status: 'passed',
      summary: 'no location uses alias, so /static../ cannot escape a folder',
    })
  })

  test('the canary not served passes', () => {
    expect(check('static.alias-traversal', recorded('good'))).toMatchObject({
      status: 'passed',
      summary: `GET ${CANARY_PATH} did not escape the static folder (404)`,
    })
  })

  test('location /static with alias .../static/ serves the canary: failed at the location line', () => {
    const obs = variant('good', (o) => {
      const c = proxyConfig(o)
      c.facts = nginxFacts('alias-no-slash')
      c.serverName = 'localhost'
      replaceProxied(
        o,
        'traversal',
        proxyExchange('traversal', CANARY_PATH, 200, {
          body: 'flask-deploy-check canary 68a4a80e\n',
          host: 'localhost',
        }),
      )
    })
    const r = check('static.alias-traversal', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: `GET ${CANARY_PATH} served a file from outside the static folder (alias path traversal)`,
      fix: 'location /static/ { alias /srv/app/static/; }: end both the location and the alias with a slash',
      location: { file: 'deploy/nginx.conf', line: 8 },
    })
    expect(r.evidence).toEqual([
      `GET ${CANARY_PATH} -> 200 in 8 ms: the body is the canary file placed next to the static folder`,
      'location /static (deploy/nginx.conf:8) has alias /srv/app/static/',
      '/static../x maps to /srv/app/static/../x: the location lacks the trailing slash its alias has',
    ])
  })

  test('no traversal request, or no answer, is skipped', () => {
    const none = variant('good', (o) => replaceProxied(o, 'traversal'))
    expect(check('static.alias-traversal', none).summary).toBe('no traversal request was made')
    const reset = variant('good', (o) =>
      replaceProxied(o, 'traversal', proxyExchange('traversal', CANARY_PATH, undefined)),
    )
    expect(check('static.alias-traversal', reset).status).toBe('skipped')
    expect([none, reset].map((o) => result('static.alias-traversal', o).skip_reason)).toEqual([
      'blocked',
      'blocked',
    ])
  })

  test('every traversal request counts', () => {
    const obs = variant('good', (o) => {
      const first = proxied(o, 'traversal')[0]
      replaceProxied(
        o,
        'traversal',
        first,
        proxyExchange('traversal', '/assets../fdc-canary-68a4a80e.txt', 200, {
          body: 'flask-deploy-check canary 68a4a80e',
        }),
      )
    })
    expect(check('static.alias-traversal', obs).status).toBe('failed')
  })
})
