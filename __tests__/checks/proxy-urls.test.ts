import type { Observations, ProbeAnswer } from '../../src/facts/types'
import {
  answered,
  check,
  exchange,
  nginxFacts,
  recorded,
  result,
  withExchanges,
  withPart,
  withProbe,
  withProxyConfig,
} from './observations'

const PROXY_FIX = 'app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)'
const good = recorded('good')

/**
 * The good recording with one route through the proxy (/), whose page is `body`, and its
 * trailing-slash redirect going to `location` with an empty page: the two places URLs are read.
 */
function urls(body: string, location: string, base: Observations = good): Observations {
  const route = answered(exchange(good, 'proxy', 'route'), { body })
  const slash = exchange(good, 'proxy', 'trailing-slash')
  const redirect = answered(slash, {
    headers: { ...slash.response!.headers, location: [location] },
    body: '',
  })
  return withExchanges(
    withExchanges(base, 'proxy', 'route', route),
    'proxy',
    'trailing-slash',
    redirect,
  )
}

/** The probe's answers through the proxy changed by `change`. */
const throughProxy = (obs: Observations, change: Partial<ProbeAnswer>): Observations =>
  withProbe(obs, (a) => (a.via === 'proxy' ? change : undefined))

describe('proxy.https-urls', () => {
  test('https links, an https trailing-slash redirect and an https url_for pass', () => {
    const r = check('proxy.https-urls', good)
    expect(r).toMatchObject({
      status: 'passed',
      summary:
        "generated URLs use https://example.com: 4 absolute URLs and the probe's url_for checked",
    })
    expect(r.evidence).toContain(
      'GET /docs (trailing-slash) answered 308 with Location: https://example.com/docs/',
    )
  })

  test("without ProxyFix: http:// in Werkzeug's 308, the body and url_for, each named", () => {
    const r = check('proxy.https-urls', recorded('no-proxyfix'))
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'GET / links to http://example.com/: http:// behind the TLS proxy (and 5 more)',
      fix: `trust the proxy's headers: ${PROXY_FIX} (from werkzeug.middleware.proxy_fix import ProxyFix)`,
    })
    expect(r.location).toBeUndefined()
    expect(r.evidence).toEqual(
      expect.arrayContaining([
        'GET /docs (trailing-slash) answered 308 with Location: http://example.com/docs/ (http://)',
        'the probe: url_for(..., _external=True) is http://example.com/static/fdc.txt (http://)',
        'X-Forwarded-Proto reaching the app: https; wsgi.url_scheme from the server: http; no ProxyFix in app.wsgi_app (Flask.wsgi_app)',
      ]),
    )
  })

  test('the internal address in a Location, with no X-Forwarded-Proto sent, blames the location', () => {
    // The good recording behind a captured config whose location / sets no proxy_set_header
    // (no recording has one): the app sees Host app:8000 and no X-Forwarded-*.
    const config = withProxyConfig(good, {
      facts: nginxFacts('location-add-header', '__tests__/fixtures/good/deploy/nginx.conf'),
      serverName: 'app.example.test',
    })
    const internal = throughProxy(config, {
      forwarded: {},
      host: 'app:8000',
      externalUrl: 'http://app:8000/static/fdc.txt',
      urlRoot: 'http://app:8000/',
    })
    const obs = urls('<p>no links</p>', 'http://app:8000/docs/', internal)
    const r = check('proxy.https-urls', obs)
    expect(r.summary).toBe(
      'GET /docs (trailing-slash) answered 308 with Location: http://app:8000/docs/: the internal host app behind the TLS proxy (and 2 more)',
    )
    expect(r.fix).toBe(
      `add proxy_set_header X-Forwarded-Proto $scheme; and Host $host; to location /, and ${PROXY_FIX}`,
    )
    expect(r.location).toEqual({ file: '__tests__/fixtures/good/deploy/nginx.conf', line: 24 })
  })

  test('https only because Gunicorn trusts X-Forwarded-Proto itself is a fragile warning', () => {
    // The good recording's answers through the proxy as if Gunicorn trusted X-Forwarded-Proto
    // itself (forwarded_allow_ips) and no ProxyFix were installed: no recording runs that way.
    const obs = throughProxy(good, {
      serverScheme: 'https',
      middleware: [{ name: 'Flask.wsgi_app' }],
    })
    const r = check('proxy.https-urls', obs)
    expect(r).toMatchObject({
      status: 'failed',
      severity: 'warning',
      summary:
        'URLs are https only because Gunicorn itself trusts X-Forwarded-Proto, with no ProxyFix: fragile',
      fix: `make the app trust the proxy itself: ${PROXY_FIX}`,
    })
  })

  test('a URL a page holds twice (href and text, as in a redirect page) is one finding', () => {
    const page = '<a href="http://example.com/docs/">http://example.com/docs/</a>'
    const r = check('proxy.https-urls', urls(page, 'https://example.com/docs/'))
    expect(r.status).toBe('failed')
    expect((r.evidence ?? []).filter((e) => e.startsWith('GET / links to'))).toEqual([
      'GET / links to http://example.com/docs/ (http://)',
    ])
  })

  test('links to other sites are not judged; JSON-escaped internal URLs are', () => {
    const external = urls(
      '<a href="http://example.org/">partner</a><script src="https://cdn.example.net/x.js"></script>',
      'https://example.com/docs/',
    )
    expect(check('proxy.https-urls', external).status).toBe('passed')
    const json = urls('{"next": "http:\\/\\/127.0.0.1:8000\\/login"}', 'https://example.com/docs/')
    expect(check('proxy.https-urls', json).summary).toBe(
      'GET / links to http://127.0.0.1:8000/login: the internal host 127.0.0.1 behind the TLS proxy',
    )
  })

  test('a callback URL inside a redirect to another site is judged too', () => {
    const obs = urls(
      '',
      'https://accounts.example.org/auth?redirect_uri=http%3A%2F%2Fexample.com%2Fcallback',
    )
    const r = check('proxy.https-urls', obs)
    expect(r.status).toBe('failed')
    expect(r.summary).toMatch(/redirect_uri=http%3A%2F%2Fexample\.com%2Fcallback: http:\/\//)
  })

  test('nothing absolute and no probe: skipped', () => {
    const relative = urls('<a href="/x">x</a>', '', withPart(good, 'probe', { answers: [] }))
    const obs = withExchanges(relative, 'proxy', 'trailing-slash')
    expect(result('proxy.https-urls', obs)).toMatchObject({
      status: 'skipped',
      summary:
        'no absolute URL to judge: no Location header or absolute link in the responses, and the probe did not answer',
      skip_reason: 'blocked',
    })
    // With introspect off, the run chose not to look: requested, not blocked.
    const off = withPart(obs, 'probe', { unavailable: 'introspect is off', skip: 'requested' })
    expect(result('proxy.https-urls', off)).toMatchObject({
      status: 'skipped',
      skip_reason: 'requested',
    })
  })
})
