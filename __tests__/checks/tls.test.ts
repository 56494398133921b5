import type { NginxConfigFacts } from '../../src/facts/nginx-config'
import type { HttpExchange, Observations } from '../../src/facts/types'
import {
  check,
  editProbe,
  nginxFacts,
  proxied,
  proxyConfig,
  proxyExchange,
  recorded,
  replaceProxied,
  result,
  variant,
} from './observations'

const STS = 'strict-transport-security'
const PURPOSES = ['route', 'health', 'not-found', 'static', 'trailing-slash']

/** Sets the HSTS values of the proxied responses for which `which` is true. */
function hsts(
  o: Observations,
  values: string[],
  which: (x: HttpExchange) => boolean = () => true,
): void {
  if ('unavailable' in o.http) return
  for (const x of o.http) {
    if (x.via !== 'proxy' || !PURPOSES.includes(x.purpose) || !x.response || !which(x)) continue
    const headers = { ...x.response.headers }
    if (values.length) headers[STS] = values
    else delete headers[STS]
    x.response = { ...x.response, headers }
  }
}

/** Every Strict-Transport-Security add_header of the facts, without `always`. */
function withoutAlways(facts: NginxConfigFacts): NginxConfigFacts {
  for (const s of facts.servers) {
    for (const h of [...s.addHeaders, ...s.locations.flatMap((l) => l.addHeaders)]) {
      if (/strict-transport-security/i.test(h.name)) h.always = false
    }
  }
  return facts
}

describe('tls.hsts', () => {
  test('one HSTS of a year on every HTTPS response passes', () => {
    const r = check('tls.hsts', recorded('good'))
    expect(r).toMatchObject({
      status: 'passed',
      summary:
        'all 5 HTTPS responses carry one Strict-Transport-Security: max-age=31536000; includeSubDomains',
    })
    expect(r.evidence).toEqual([
      'checked: GET / (route), GET /healthz (health), GET /flask-deploy-check-68a4a80e-missing (not-found), GET /static/style.css (static), GET /docs (trailing-slash)',
    ])
  })

  test('no HSTS anywhere names every route and the server block to add it to', () => {
    const obs = variant('good', (o) => {
      proxyConfig(o).facts = nginxFacts('seed')
      hsts(o, [])
    })
    const r = check('tls.hsts', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary:
        'no Strict-Transport-Security on GET /, GET /healthz, GET /flask-deploy-check-68a4a80e-missing, GET /static/style.css, GET /docs (5 of 5 HTTPS responses)',
      fix: 'add add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always; to the HTTPS server block',
      location: { file: 'deploy/nginx.conf', line: 1 },
    })
    expect(r.severity).toBeUndefined()
  })

  test('an add_header in location /static/ drops the server HSTS there: the location line and the rule', () => {
    const obs = variant('good', (o) => {
      const c = proxyConfig(o)
      c.facts = nginxFacts('location-add-header')
      c.serverName = 'app.example.test'
      hsts(o, ['max-age=31536000'])
      hsts(o, [], (x) => x.purpose === 'static')
    })
    const r = check('tls.hsts', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'no Strict-Transport-Security on GET /static/style.css (1 of 5 HTTPS responses)',
      fix: 'repeat add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always; inside location /static/: nginx drops every inherited add_header in a location that has one of its own',
      location: { file: 'deploy/nginx.conf', line: 11 },
    })
    expect(r.evidence).toEqual([
      'GET /static/style.css (static) -> 200: no Strict-Transport-Security',
      'location /static/ (deploy/nginx.conf:11) has its own add_header Cache-Control (line 13), so the add_header Strict-Transport-Security at line 9 is not inherited there',
    ])
  })

  test('only the error page lacking it points at add_header without always', () => {
    const obs = variant('good', (o) => {
      proxyConfig(o).facts = withoutAlways(nginxFacts('full'))
      hsts(o, [], (x) => x.purpose === 'not-found')
    })
    const r = check('tls.hsts', obs)
    expect(r).toMatchObject({
      summary:
        'no Strict-Transport-Security on GET /flask-deploy-check-68a4a80e-missing (1 of 5 HTTPS responses)',
      fix: 'add always: add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
      location: { file: 'deploy/nginx.conf', line: 26 },
    })
  })

  test('max-age under 180 days is an error; 180 days to a year is a warning at the add_header line', () => {
    const short = variant('good', (o) => hsts(o, ['max-age=300']))
    expect(check('tls.hsts', short)).toMatchObject({
      status: 'failed',
      summary: 'Strict-Transport-Security max-age=300 on GET / is below 15552000 (180 days)',
    })
    const half = variant('good', (o) => hsts(o, ['max-age=15552000; includeSubDomains']))
    expect(check('tls.hsts', half)).toMatchObject({
      status: 'failed',
      severity: 'warning',
      summary: 'Strict-Transport-Security max-age=15552000 is under one year (31536000)',
      location: { file: 'deploy/nginx.conf', line: 26 },
    })
  })

  test('Talisman and nginx both sending it is a duplicate warning', () => {
    const obs = variant('good', (o) =>
      hsts(
        o,
        ['max-age=31556926; includeSubDomains', 'max-age=31536000; includeSubDomains'],
        (x) => x.purpose !== 'static',
      ),
    )
    const r = check('tls.hsts', obs)
    expect(r).toMatchObject({
      status: 'failed',
      severity: 'warning',
      summary:
        'GET / carries 2 Strict-Transport-Security headers (nginx (deploy/nginx.conf:26) and the app both send one)',
    })
    expect(r.fix).toMatch(/^send HSTS from one place/)
    expect(r.evidence?.[0]).toBe(
      'GET / (route) -> 200: 2 Strict-Transport-Security headers: max-age=31556926; includeSubDomains | max-age=31536000; includeSubDomains',
    )
  })

  test('HSTS on the plain-HTTP redirect is a warning', () => {
    const obs = variant('good', (o) => {
      const x = proxied(o, 'https-redirect')[0]
      x.response!.headers[STS] = ['max-age=31536000']
    })
    expect(check('tls.hsts', obs)).toMatchObject({
      status: 'failed',
      severity: 'warning',
      summary: 'a plain-HTTP response carries Strict-Transport-Security (browsers ignore it there)',
    })
  })

  test('behind the reference proxy, its own static answers are not held against the app', () => {
    const obs = variant('good', (o) => {
      const c = proxyConfig(o)
      c.source = 'reference'
      c.facts = nginxFacts('seed', undefined)
      hsts(o, ['max-age=31556926; includeSubDomains'])
      hsts(o, [], (x) => x.purpose === 'static')
    })
    const r = check('tls.hsts', obs)
    expect(r.status).toBe('passed')
    expect(r.summary).toMatch(/^all 4 HTTPS responses carry one/)
    expect(r.evidence).toContain(
      "not judged: GET /static/style.css, answered by the reference proxy itself (HSTS there is your production proxy's job)",
    )
  })

  test('a reference proxy run where the app sends none fails with the Talisman fix, no location', () => {
    const obs = variant('good', (o) => {
      const c = proxyConfig(o)
      c.source = 'reference'
      c.facts = nginxFacts('seed', undefined)
      hsts(o, [])
    })
    const r = check('tls.hsts', obs)
    expect(r.fix).toMatch(/^send HSTS from the app \(e\.g\. Flask-Talisman/)
    expect(r.location).toBeUndefined()
  })
})

describe('tls.https-redirect', () => {
  const redirect = (status: number | undefined, location?: string): Observations =>
    variant('good', (o) =>
      replaceProxied(
        o,
        'https-redirect',
        proxyExchange('https-redirect', '/flask-deploy-check-redirect?x=1', status, {
          scheme: 'http',
          headers: location ? { location: [location] } : {},
        }),
      ),
    )

  test('a 301 to the same host and path on https passes', () => {
    expect(check('tls.https-redirect', recorded('good'))).toMatchObject({
      status: 'passed',
      summary: 'plain HTTP redirects (301) to https://example.com/flask-deploy-check-redirect?x=1',
    })
  })

  test('no port-80 server is skipped', () => {
    const obs = variant('good', (o) => {
      proxyConfig(o).facts = nginxFacts('seed')
      replaceProxied(o, 'https-redirect')
    })
    expect(result('tls.https-redirect', obs)).toMatchObject({
      status: 'skipped',
      summary: 'the config has no port-80 server',
      skip_reason: 'not-applicable',
    })
    // Without port-80 traffic where the config has a port-80 server, it applies but was not seen.
    const unseen = variant('good', (o) => replaceProxied(o, 'https-redirect'))
    expect(result('tls.https-redirect', unseen)).toMatchObject({
      status: 'skipped',
      summary: 'no plain-HTTP request was made to port 80',
      skip_reason: 'blocked',
    })
  })

  test('a temporary redirect fails at the return line', () => {
    const r = check(
      'tls.https-redirect',
      redirect(302, 'https://example.com/flask-deploy-check-redirect?x=1'),
    )
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'plain HTTP redirects with 302 (temporary), not 301/308',
      fix: 'redirect permanently: server { listen 80; server_name example.com; return 301 https://$host$request_uri; }',
      location: { file: 'deploy/nginx.conf', line: 8 },
    })
  })

  test('a redirect that loses the path, or stays on http, fails', () => {
    expect(check('tls.https-redirect', redirect(301, 'https://example.com/')).summary).toBe(
      'plain HTTP redirects to https://example.com/, not https://example.com/flask-deploy-check-redirect?x=1',
    )
    expect(
      check('tls.https-redirect', redirect(301, '/flask-deploy-check-redirect?x=1')).status,
    ).toBe('failed')
  })

  test('an answer without a redirect, or none at all, fails', () => {
    expect(check('tls.https-redirect', redirect(200)).summary).toBe(
      'plain HTTP is answered 200, not redirected to https',
    )
    expect(check('tls.https-redirect', redirect(undefined)).summary).toBe(
      'plain HTTP got no answer on port 80: socket hang up',
    )
  })
})

describe('cookies.secure', () => {
  const cookie = (...setCookie: string[]): Observations =>
    variant('good', (o) => {
      const route = proxied(o, 'route')[0]
      route.response!.headers['set-cookie'] = setCookie
    })

  test('a Secure, HttpOnly, SameSite=Lax session cookie passes', () => {
    const r = check('cookies.secure', recorded('good'))
    expect(r).toMatchObject({
      status: 'passed',
      summary:
        'every cookie set over HTTPS is Secure (session); the session cookie also HttpOnly and SameSite',
    })
    expect(r.evidence).toEqual([
      'GET /: Set-Cookie: session=…; Secure; HttpOnly; Path=/; SameSite=Lax',
      "the app's settings: SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE='Lax'",
    ])
  })

  test('a session cookie without Secure fails without showing its value', () => {
    const obs = cookie('session=eyJ2aXNpdHMiOjF9.awW6wg.sig; HttpOnly; Path=/; SameSite=Lax')
    const r = check('cookies.secure', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'the session cookie session is set over HTTPS without Secure',
      fix: "app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE='Lax')",
    })
    expect(r.evidence?.[0]).toBe(
      'GET /: Set-Cookie: session=…; HttpOnly; Path=/; SameSite=Lax (lacks Secure)',
    )
    expect(JSON.stringify(r)).not.toContain('eyJ2')
  })

  test('the session cookie also needs HttpOnly and SameSite Lax or Strict', () => {
    const r = check('cookies.secure', cookie('session=x; Secure; Path=/; SameSite=None'))
    expect(r.summary).toBe(
      'the session cookie session is set over HTTPS without HttpOnly, SameSite=Lax (it has SameSite=None)',
    )
  })

  test('other cookies need Secure only, and get their own fix', () => {
    const r = check('cookies.secure', cookie('theme=dark; Path=/'))
    expect(r).toMatchObject({
      summary: 'the cookie theme is set over HTTPS without Secure',
      fix: 'set_cookie(..., secure=True) for theme',
    })
    expect(check('cookies.secure', cookie('theme=dark; Secure; Path=/')).status).toBe('passed')
  })

  test('the probe names the session cookie (SESSION_COOKIE_NAME)', () => {
    const obs = cookie('sid=x; Secure; Path=/')
    editProbe(obs, (a) => (a.sessionCookie.name = 'sid'))
    expect(check('cookies.secure', obs).summary).toBe(
      'the session cookie sid is set over HTTPS without HttpOnly, SameSite=Lax',
    )
  })

  test('no cookie set: passes, unless the probe shows a session cookie would not be Secure', () => {
    const none = cookie()
    expect(check('cookies.secure', none).summary).toBe('no cookie was set in 6 HTTPS responses')
    editProbe(
      none,
      (a) => (a.sessionCookie = { ...a.sessionCookie, secure: false, samesite: null }),
    )
    expect(check('cookies.secure', none)).toMatchObject({
      status: 'failed',
      severity: 'warning',
      summary:
        'no response set a cookie, but the session cookie would go out without Secure, SameSite',
      fix: "app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_SAMESITE='Lax')",
    })
  })
})
