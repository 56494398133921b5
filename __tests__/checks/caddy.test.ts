/**
 * The checks on the recordings of the Caddy fixtures (caddy-good, caddy-no-hsts: a real run of
 * Caddy 2.6.2 in front of the app): each finding points at the Caddyfile and speaks Caddy.
 */
import { check, part, recorded, result } from './observations'

const good = recorded('caddy-good')
const noHsts = recorded('caddy-no-hsts')
const CADDYFILE = (fixture: string): string => `__tests__/fixtures/${fixture}/deploy/Caddyfile`

test('the recordings are of Caddy, with facts from caddy adapt', () => {
  const c = part(good, 'proxyConfig')
  expect({ kind: c.kind, path: c.path, test: c.test }).toEqual({
    kind: 'caddy',
    path: CADDYFILE('caddy-good'),
    test: { ok: true },
  })
  expect(c.rewrites).toEqual([{ line: 26, before: '127.0.0.1:8000', after: 'app:8000' }])
})

test('tls.hsts on caddy-no-hsts: the site address line and the header the site block lacks', () => {
  const r = result('tls.hsts', noHsts)
  expect(r).toMatchObject({
    status: 'failed',
    severity: 'error',
    location: { file: CADDYFILE('caddy-no-hsts'), line: 7 },
  })
  expect(r.fix).toBe(
    'add header Strict-Transport-Security "max-age=31536000; includeSubDomains" to the site block (Caddy\'s automatic HTTPS sends no HSTS)',
  )
  expect(r.evidence.join('\n')).toMatch(
    /no header Strict-Transport-Security in the site block \(__tests__\/fixtures\/caddy-no-hsts\/deploy\/Caddyfile:7\): Caddy adds none by default/,
  )
})

test('tls.hsts on caddy-good: every HTTPS response, static files included', () => {
  expect(check('tls.hsts', good)).toMatchObject({
    status: 'passed',
    summary: expect.stringMatching(/^all 6 HTTPS responses carry one Strict-Transport-Security/),
  })
})

test("proxy.config-valid: caddy adapt's verdict, the rewrite as reverse_proxy", () => {
  const r = check('proxy.config-valid', good)
  expect(r.summary).toBe(
    'caddy adapt accepts __tests__/fixtures/caddy-good/deploy/Caddyfile (found in the repository)',
  )
  expect(r.evidence?.[0]).toBe(
    'reverse_proxy 127.0.0.1:8000 -> app:8000 (line 26); nothing else changed',
  )
})

test("proxy.forwarded-headers: Caddy's defaults at the reverse_proxy line, and what reached the app", () => {
  const r = check('proxy.forwarded-headers', good)
  expect(r.status).toBe('passed')
  expect(r.evidence).toEqual([
    `location / (${CADDYFILE('caddy-good')}:25): Host {http.request.hostport}, X-Forwarded-For {http.request.remote.host}, X-Forwarded-Proto {http.request.scheme}`,
    expect.stringMatching(/^reached the app: X-Forwarded-For: [\d.]+, X-Forwarded-Proto: https$/),
  ])
})

test('proxy.rate-limit does not apply: no rate limiter in standard Caddy', () => {
  expect(result('proxy.rate-limit', good)).toMatchObject({
    status: 'skipped',
    skip_reason: 'not-applicable',
  })
})

test("timeouts and body size: Caddy's defaults are no limit", () => {
  expect(check('proxy.timeouts', good).summary).toMatch(
    /^Caddy's reverse_proxy waits without a read timeout, longer than the worker timeout 30 s/,
  )
  expect(check('proxy.body-size', good).evidence?.[0]).toBe(
    `request_body max_size not set at ${CADDYFILE('caddy-good')}:25: Caddy sets no limit by default`,
  )
})

test('static.served-by-proxy: served by Caddy from the handle_path block, cached 30 days', () => {
  expect(check('static.served-by-proxy', good).summary).toBe(
    '/static/style.css is served by Caddy (location /static/) and cached for 30 days',
  )
})

test("tls.https-redirect: Caddy's own 308", () => {
  expect(check('tls.https-redirect', good).summary).toMatch(
    /^plain HTTP redirects \(308\) to https:\/\/example\.com\//,
  )
})
