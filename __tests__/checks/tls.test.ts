import type { NginxConfigFacts } from '../../src/facts/nginx-config'
import type { HttpExchange, Observations } from '../../src/facts/types'
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
  withProbe,
  withProxyConfig,
  without,
  runToken,
} from './observations'

const STS = 'strict-transport-security'
const PURPOSES = ['route', 'health', 'not-found', 'static', 'trailing-slash']
const good = recorded('good')
const reference = recorded('no-nginx-config')
const CONF = '__tests__/fixtures/good/deploy/nginx.conf'
const conf = (fixture: string): string => `__tests__/fixtures/${fixture}/deploy/nginx.conf`

/** A recording with the HSTS values of its proxied responses for which `which` is true set. */
function withHsts(
  obs: Observations,
  values: string[],
  which: (x: HttpExchange) => boolean = () => true,
): Observations {
  const http = part(obs, 'http').map((x) => {
    if (x.via !== 'proxy' || !PURPOSES.includes(x.purpose) || !x.response || !which(x)) return x
    const headers = without(x.response.headers, STS)
    return answered(x, { headers: values.length ? { ...headers, [STS]: values } : headers })
  })
  return withPart(obs, 'http', http)
}

/** Every Strict-Transport-Security add_header of the facts, without `always`. */
function withoutAlways(facts: NginxConfigFacts): NginxConfigFacts {
  const copy = structuredClone(facts)
  for (const s of copy.servers) {
    for (const h of [...s.addHeaders, ...s.locations.flatMap((l) => l.addHeaders)]) {
      if (/strict-transport-security/i.test(h.name)) h.always = false
    }
  }
  return copy
}

describe('tls.hsts', () => {
  test('one HSTS of a year on every HTTPS response passes', () => {
    const r = check('tls.hsts', good)
    expect(r).toMatchObject({
      status: 'passed',
      summary:
        'all 6 HTTPS responses carry one Strict-Transport-Security: max-age=31536000; includeSubDomains',
    })
    expect(r.evidence).toEqual([
      `checked: GET / (route), GET /docs (route), GET /healthz (health), GET /flask-deploy-check-${runToken('good')}-missing (not-found), GET /static/style.css (static), GET /docs (trailing-slash)`,
    ])
  })

  test('no HSTS anywhere names every route and the server block to add it to', () => {
    const r = check('tls.hsts', recorded('no-hsts'))
    expect(r).toMatchObject({
      status: 'failed',
      summary: `no Strict-Transport-Security on GET /, GET /docs, GET /healthz, GET /flask-deploy-check-${runToken('no-hsts')}-missing, GET /static/style.css, GET /docs (6 of 6 HTTPS responses)`,
      fix: 'add add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always; to the HTTPS server block',
      location: { file: conf('no-hsts'), line: 27 },
    })
    expect(r.severity).toBeUndefined()
  })

  test('an add_header in location /static/ drops the server HSTS there: the location line and the rule', () => {
    const r = check('tls.hsts', recorded('hsts-lost-in-static'))
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'no Strict-Transport-Security on GET /static/style.css (1 of 6 HTTPS responses)',
      fix: 'repeat add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always; inside location /static/: nginx drops every inherited add_header in a location that has one of its own',
      location: { file: conf('hsts-lost-in-static'), line: 47 },
    })
    expect(r.evidence).toEqual([
      'GET /static/style.css (static) -> 200: no Strict-Transport-Security',
      `location /static/ (${conf('hsts-lost-in-static')}:47) has its own add_header Cache-Control (line 51), so the add_header Strict-Transport-Security at line 40 is not inherited there`,
    ])
  })

  test('only the error page lacking it points at add_header without always', () => {
    // The good recording as its config without `always` would serve it (no recording drops it).
    const config = part(good, 'proxyConfig')
    const noAlways = withProxyConfig(good, { facts: withoutAlways(config.facts!) })
    const obs = withHsts(noAlways, [], (x) => x.purpose === 'not-found')
    const r = check('tls.hsts', obs)
    expect(r).toMatchObject({
      summary: `no Strict-Transport-Security on GET /flask-deploy-check-${runToken('good')}-missing (1 of 6 HTTPS responses)`,
      fix: 'add always: add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;',
      location: { file: CONF, line: 40 },
    })
  })

  test('max-age under 180 days is an error; 180 days to a year is a warning at the add_header line', () => {
    // No recording sends a max-age under 180 days: the good one's with max-age=300.
    const short = withHsts(good, ['max-age=300'])
    expect(check('tls.hsts', short)).toMatchObject({
      status: 'failed',
      summary: 'Strict-Transport-Security max-age=300 on GET / is below 15552000 (180 days)',
    })
    expect(check('tls.hsts', recorded('short-max-age'))).toMatchObject({
      status: 'failed',
      severity: 'warning',
      summary: 'Strict-Transport-Security max-age=15552000 is under one year (31536000)',
      location: { file: conf('short-max-age'), line: 41 },
    })
  })

  test('Talisman and nginx both sending it is a duplicate warning', () => {
    const r = check('tls.hsts', recorded('talisman-and-nginx-hsts'))
    expect(r).toMatchObject({
      status: 'failed',
      severity: 'warning',
      summary: `GET / carries 2 Strict-Transport-Security headers (nginx (${conf('talisman-and-nginx-hsts')}:40) and the app both send one)`,
    })
    expect(r.fix).toMatch(/^send HSTS from one place/)
    expect(r.evidence?.[0]).toBe(
      'GET / (route) -> 200: 2 Strict-Transport-Security headers: max-age=31556926; includeSubDomains | max-age=31536000; includeSubDomains',
    )
  })

  test('HSTS on the plain-HTTP redirect is a warning', () => {
    // The good recording's port-80 redirect with an HSTS header (none of the recordings has one).
    const x = exchange(good, 'proxy', 'https-redirect')
    const obs = withExchanges(
      good,
      'proxy',
      'https-redirect',
      answered(x, { headers: { ...x.response!.headers, [STS]: ['max-age=31536000'] } }),
    )
    expect(check('tls.hsts', obs)).toMatchObject({
      status: 'failed',
      severity: 'warning',
      summary: 'a plain-HTTP response carries Strict-Transport-Security (browsers ignore it there)',
    })
  })

  test('behind the reference proxy, its own static answers are not held against the app', () => {
    // no-nginx-config: the app sends HSTS (Talisman), the reference proxy's own static answer does not.
    const r = check('tls.hsts', reference)
    expect(r.status).toBe('passed')
    expect(r.summary).toMatch(/^all 5 HTTPS responses carry one/)
    expect(r.evidence).toContain(
      "not judged: GET /static/style.css, answered by the reference proxy itself (HSTS there is your production proxy's job)",
    )
  })

  test('a reference proxy run where the app sends none fails with the Talisman fix, no location', () => {
    // The no-nginx-config recording without the app's HSTS (its app runs Talisman).
    const r = check('tls.hsts', withHsts(reference, []))
    expect(r.fix).toMatch(/^send HSTS from the app \(e\.g\. Flask-Talisman/)
    expect(r.location).toBeUndefined()
  })
})

describe('tls.https-redirect', () => {
  /** The good recording's plain-HTTP request answered `status`, to `location` (or unanswered). */
  const redirect = (status: number | undefined, location?: string): Observations => {
    const x = exchange(good, 'proxy', 'https-redirect')
    const headers = without(x.response!.headers, 'location')
    const answer =
      status === undefined
        ? unanswered(x)
        : answered(x, {
            status,
            headers: location ? { ...headers, location: [location] } : headers,
          })
    return withExchanges(good, 'proxy', 'https-redirect', answer)
  }

  test('a 301 to the same host and path on https passes', () => {
    expect(check('tls.https-redirect', good)).toMatchObject({
      status: 'passed',
      summary: 'plain HTTP redirects (301) to https://example.com/flask-deploy-check-redirect?x=1',
    })
  })

  test('no port-80 server is skipped', () => {
    expect(result('tls.https-redirect', reference)).toMatchObject({
      status: 'skipped',
      summary: 'the config has no port-80 server',
      skip_reason: 'not-applicable',
    })
    // Without port-80 traffic where the config has a port-80 server, it applies but was not seen.
    const unseen = withExchanges(good, 'proxy', 'https-redirect')
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
      location: { file: CONF, line: 14 },
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
  /** The good recording with its page / through the proxy setting these cookies instead. */
  const cookie = (...setCookie: string[]): Observations => {
    const page = (x: HttpExchange): boolean =>
      x.via === 'proxy' && x.purpose === 'route' && x.request.path === '/'
    const http = part(good, 'http').map((x) => {
      if (!page(x) || !x.response) return x
      const headers = without(x.response.headers, 'set-cookie')
      return answered(x, {
        headers: setCookie.length ? { ...headers, 'set-cookie': setCookie } : headers,
      })
    })
    return withPart(good, 'http', http)
  }

  test('a Secure, HttpOnly, SameSite=Lax session cookie passes', () => {
    const r = check('cookies.secure', good)
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
    const r = check('cookies.secure', recorded('cookie-not-secure'))
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
    const obs = withProbe(cookie('sid=x; Secure; Path=/'), (a) => ({
      sessionCookie: { ...a.sessionCookie, name: 'sid' },
    }))
    expect(check('cookies.secure', obs).summary).toBe(
      'the session cookie sid is set over HTTPS without HttpOnly, SameSite=Lax',
    )
  })

  test('no cookie set: passes, unless the probe shows a session cookie would not be Secure', () => {
    const none = cookie()
    expect(check('cookies.secure', none).summary).toBe('no cookie was set in 9 HTTPS responses')
    const insecure = withProbe(none, (a) => ({
      sessionCookie: { ...a.sessionCookie, secure: false, samesite: null },
    }))
    expect(check('cookies.secure', insecure)).toMatchObject({
      status: 'failed',
      severity: 'warning',
      summary:
        'no response set a cookie, but the session cookie would go out without Secure, SameSite',
      fix: "app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_SAMESITE='Lax')",
    })
  })
})
