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

const PROXY_FIX = 'app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)'

/** The good run with the route body and the trailing-slash Location replaced. */
function urls(body: string, location: string, edit?: (o: Observations) => void): Observations {
  return variant('good', (o) => {
    const route = proxied(o, 'route')[0]
    const slash = proxied(o, 'trailing-slash')[0]
    const withBody: HttpExchange = { ...route, response: { ...route.response!, body } }
    replaceProxied(o, 'route', withBody)
    replaceProxied(
      o,
      'trailing-slash',
      proxyExchange('trailing-slash', slash.request.path, 308, {
        headers: { location: [location] },
      }),
    )
    edit?.(o)
  })
}

/** What the app shows without ProxyFix behind nginx (the no-proxyfix fixture). */
function noProxyFix(o: Observations): void {
  editProbe(o, (a) => {
    if (a.via !== 'proxy') return
    a.scheme = 'http'
    a.isSecure = false
    a.urlRoot = 'http://example.com/'
    a.externalUrl = 'http://example.com/static/fdc.txt'
    a.middleware = [{ name: 'Flask.wsgi_app' }]
  })
}

describe('proxy.https-urls', () => {
  test('https links, an https trailing-slash redirect and an https url_for pass', () => {
    const r = check('proxy.https-urls', recorded('good'))
    expect(r).toMatchObject({
      status: 'passed',
      summary:
        "generated URLs use https://example.com: 2 absolute URLs and the probe's url_for checked",
    })
    expect(r.evidence).toContain(
      'GET /docs (trailing-slash) answered 308 with Location: https://example.com/docs/',
    )
  })

  test("without ProxyFix: http:// in Werkzeug's 308, the body and url_for, each named", () => {
    const obs = urls(
      '<a href="http://example.com/">home</a>',
      'http://example.com/docs/',
      noProxyFix,
    )
    const r = check('proxy.https-urls', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'GET / links to http://example.com/: http:// behind the TLS proxy (and 3 more)',
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
    const obs = urls('<p>no links</p>', 'http://app:8000/docs/', (o) => {
      const c = proxyConfig(o)
      c.facts = nginxFacts('location-add-header')
      c.serverName = 'app.example.test'
      editProbe(o, (a) => {
        a.forwarded = {}
        a.host = 'app:8000'
        a.externalUrl = 'http://app:8000/static/fdc.txt'
        a.urlRoot = 'http://app:8000/'
      })
    })
    const r = check('proxy.https-urls', obs)
    expect(r.summary).toBe(
      'GET /docs (trailing-slash) answered 308 with Location: http://app:8000/docs/: the internal host app behind the TLS proxy (and 2 more)',
    )
    expect(r.fix).toBe(
      `add proxy_set_header X-Forwarded-Proto $scheme; and Host $host; to location /, and ${PROXY_FIX}`,
    )
    expect(r.location).toEqual({ file: 'deploy/nginx.conf', line: 24 })
  })

  test('https only because Gunicorn trusts X-Forwarded-Proto itself is a fragile warning', () => {
    const obs = variant('good', (o) =>
      editProbe(o, (a) => {
        if (a.via !== 'proxy') return
        a.serverScheme = 'https'
        a.middleware = [{ name: 'Flask.wsgi_app' }]
      }),
    )
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
    const obs = variant('good', (o) => {
      replaceProxied(o, 'trailing-slash')
      replaceProxied(o, 'route', proxyExchange('route', '/', 200, { body: '<a href="/x">x</a>' }))
      o.probe = { answers: [] }
    })
    expect(result('proxy.https-urls', obs)).toMatchObject({
      status: 'skipped',
      summary:
        'no absolute URL to judge: no Location header or absolute link in the responses, and the probe did not answer',
      skip_reason: 'blocked',
    })
    // With introspect off, the run chose not to look: requested, not blocked.
    obs.probe = { unavailable: 'introspect is off', skip: 'requested' }
    expect(result('proxy.https-urls', obs)).toMatchObject({
      status: 'skipped',
      skip_reason: 'requested',
    })
  })
})
