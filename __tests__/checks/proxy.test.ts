import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parseNginxError } from '../../src/facts/nginx-config'
import type { Observations, ProxyConfigFacts } from '../../src/facts/types'
import {
  CLIENT,
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

/** The good run with another captured config as deploy/nginx.conf (and its server name). */
function withConfig(capture: string, serverName = 'example.com'): Observations {
  return variant('good', (o) => {
    const c = proxyConfig(o)
    c.facts = nginxFacts(capture)
    c.serverName = serverName
  })
}

/** The good run behind the reference proxy (the seed example, at its path in the image). */
function behindReference(): Observations {
  return variant('good', (o) => {
    const c = proxyConfig(o)
    c.source = 'reference'
    delete c.path
    c.rewrites = []
    c.facts = nginxFacts('seed', undefined)
    c.notes = [
      "No nginx config in the repository: the reference proxy (the deployment chapter's example: TLS, forwarded headers, /static/) is used.",
    ]
  })
}

/** A config nginx -t rejected, from a captured stderr, with the site file as deploy/nginx.conf. */
function rejected(capture: string): Observations {
  const stderr = readFileSync(
    path.join(__dirname, '..', 'data', 'nginx', `${capture}.nginx-t.stderr.txt`),
    'utf8',
  )
  const err = parseNginxError(stderr)
  if (err === undefined) throw new Error(`no error in ${capture}`)
  return variant('good', (o) => {
    const c = proxyConfig(o)
    c.test = { ok: false, message: err.message }
    if (err.file) c.test.file = 'deploy/nginx.conf'
    if (err.line) c.test.line = err.line
    delete c.facts
    const reason = { unavailable: `nginx rejected the configuration: ${err.message}` }
    o.proxy = reason
    if (!('unavailable' in o.http)) o.http = o.http.filter((x) => x.via === 'app')
    if (!('unavailable' in o.probe))
      o.probe.answers = o.probe.answers.filter((a) => a.via === 'app')
  })
}

describe('proxy.config-valid', () => {
  test('an accepted config passes, naming where it came from and the one rewrite made', () => {
    const r = check('proxy.config-valid', recorded('good'))
    expect(r).toMatchObject({
      status: 'passed',
      summary: 'nginx -t accepts deploy/nginx.conf (found in the repository)',
    })
    expect(r.evidence?.[0]).toBe(
      'proxy_pass http://127.0.0.1:8000 -> http://app:8000 (line 35); nothing else changed',
    )
    // The runtime's own note for the rewrite is not repeated.
    expect(r.evidence?.some((l) => l.startsWith('Line 35:'))).toBe(false)
    expect(r.evidence).toContain(
      'A throw-away certificate for example.com is mounted at /etc/nginx/tls/cert.pem, /etc/nginx/tls/key.pem.',
    )
  })

  test('the nginx-config input is named as the source', () => {
    const obs = variant('good', (o) => {
      proxyConfig(o).source = 'input'
    })
    expect(check('proxy.config-valid', obs).summary).toBe(
      'nginx -t accepts deploy/nginx.conf (the nginx-config input)',
    )
  })

  test('upstream servers are named as such', () => {
    const obs = withConfig('upstream-redirect')
    proxyConfig(obs).rewrites = [
      { line: 2, before: '127.0.0.1:8000', after: 'app:8000' },
      { line: 3, before: 'localhost:8001', after: 'app:8001' },
    ]
    expect(check('proxy.config-valid', obs).evidence?.[0]).toBe(
      'upstream flask_app: server 127.0.0.1:8000 -> app:8000 (line 2); upstream flask_app: server localhost:8001 -> app:8001 (line 3); nothing else changed',
    )
  })

  test('the reference proxy passes and says it stands in', () => {
    const r = check('proxy.config-valid', behindReference())
    expect(r.status).toBe('passed')
    expect(r.summary).toBe(
      'no nginx config in the repository: the reference proxy (TLS, forwarded headers, /static/) stands in front, and nginx -t accepts it',
    )
  })

  test("a rejected config fails with nginx's message at the config line", () => {
    const r = check('proxy.config-valid', rejected('reject-syntax'))
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'nginx -t rejected deploy/nginx.conf: unknown directive "proxy_set_heade"',
      fix: 'nginx reads "proxy_set_heade" on line 12 as a directive: correct its spelling, or quote the value before it (an unquoted value ends at its first \';\')',
      location: { file: 'deploy/nginx.conf', line: 12 },
    })
    expect(r.evidence?.slice(0, 2)).toEqual([
      'nginx -t: unknown directive "proxy_set_heade" in deploy/nginx.conf:12',
      // No facts when nginx refuses the config: the rewrite is still named for what it is.
      'proxy_pass http://127.0.0.1:8000 -> http://app:8000 (line 35); nothing else changed',
    ])
  })

  test('an upstream name nginx cannot resolve gets its own fix', () => {
    const r = check('proxy.config-valid', rejected('reject-host-not-found'))
    expect(r.location).toEqual({ file: 'deploy/nginx.conf', line: 4 })
    expect(r.fix).toMatch(/^nginx resolves "flask-app" when it starts: proxy to 127\.0\.0\.1/)
  })

  test('a message without a line points at the file', () => {
    const r = check('proxy.config-valid', rejected('reject-missing-cert-file'))
    expect(r.summary).toMatch(/^nginx -t rejected deploy\/nginx\.conf: cannot load certificate/)
    expect(r.location).toEqual({ file: 'deploy/nginx.conf' })
    expect(r.fix).toMatch(/ssl_certificate \/ ssl_certificate_key at fixed paths/)
  })

  test('the checks that read the config are skipped with the reason', () => {
    const obs = rejected('reject-syntax')
    for (const id of ['proxy.forwarded-headers', 'proxy.rate-limit']) {
      expect(result(id, obs)).toMatchObject({
        status: 'skipped',
        summary:
          'nginx rejected the configuration: unknown directive "proxy_set_heade" (deploy/nginx.conf:12)',
        skip_reason: 'blocked',
        blocked_by: 'proxy.config-valid',
      })
    }
  })
})

describe('proxy.forwarded-headers', () => {
  test('Host, X-Forwarded-For and X-Forwarded-Proto set and received pass', () => {
    const r = check('proxy.forwarded-headers', recorded('good'))
    expect(r).toMatchObject({
      status: 'passed',
      summary:
        'the proxy forwards Host, X-Forwarded-For and X-Forwarded-Proto, and they reach the app',
    })
    expect(r.evidence).toEqual([
      'location / (deploy/nginx.conf:33): Host $host, X-Forwarded-For $proxy_add_x_forwarded_for, X-Forwarded-Proto $scheme',
      `reached the app: X-Forwarded-For: ${CLIENT}, X-Forwarded-Proto: https`,
    ])
  })

  test('a location with its own proxy_set_header loses the inherited ones, and the line says so', () => {
    const r = check('proxy.forwarded-headers', withConfig('limit-req'))
    expect(r).toMatchObject({
      status: 'failed',
      summary:
        'location / (deploy/nginx.conf:13) does not forward X-Forwarded-Proto (and 1 more location)',
      location: { file: 'deploy/nginx.conf', line: 13 },
      fix: 'in location /: proxy_set_header X-Forwarded-Proto $scheme;',
    })
    expect(r.evidence).toContain(
      'location /login: no Host: the proxy_set_header Host at line 4 is not inherited, because this location sets proxy_set_header of its own',
    )
  })

  test('a location without any proxy_set_header sends Host $proxy_host and no X-Forwarded-*', () => {
    const r = check(
      'proxy.forwarded-headers',
      withConfig('location-add-header', 'app.example.test'),
    )
    expect(r).toMatchObject({
      summary:
        'location / (deploy/nginx.conf:24) does not forward Host, X-Forwarded-For, X-Forwarded-Proto (and 1 more location)',
      fix: 'in location /: proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto $scheme;',
    })
    expect(r.evidence).toContain(
      'location /: no proxy_set_header Host: nginx sends Host: $proxy_host (the upstream address, e.g. app:8000)',
    )
  })

  test('headers that do not reach the app fail on behaviour alone', () => {
    const obs = variant('good', (o) =>
      editProbe(o, (a) => {
        a.forwarded = { 'x-forwarded-for': CLIENT }
      }),
    )
    const r = check('proxy.forwarded-headers', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'X-Forwarded-Proto did not reach the app through the proxy',
    })
    expect(r.location).toBeUndefined()
  })

  test('the reference proxy forwards them, and never points at its own lines', () => {
    const r = check('proxy.forwarded-headers', behindReference())
    expect(r.status).toBe('passed')
    expect(r.evidence?.[0]).toMatch(/^location \/ \(reference proxy, line 10\): Host \$host/)
  })
})

describe('proxy.rate-limit', () => {
  test('a limit_req on the proxied location passes with its zone', () => {
    const r = check('proxy.rate-limit', recorded('good'))
    expect(r).toMatchObject({
      status: 'passed',
      summary:
        'location / is rate-limited: limit_req zone=app burst=100 (50r/s per $binary_remote_addr)',
    })
    expect(r.evidence).toEqual([
      'limit_req zone=app burst=100 (50r/s per $binary_remote_addr): deploy/nginx.conf:34',
    ])
  })

  test('no limit_req is a notice at the location line', () => {
    const r = check('proxy.rate-limit', withConfig('seed'))
    expect(r).toMatchObject({
      status: 'failed',
      summary:
        'no limit_req applies to location / (deploy/nginx.conf:10), which proxies to the app',
      location: { file: 'deploy/nginx.conf', line: 10 },
    })
    expect(r.fix).toMatch(/^limit_req_zone \$binary_remote_addr zone=app:10m rate=10r\/s;/)
  })

  test('other proxied locations without a limit are named', () => {
    const r = check('proxy.rate-limit', withConfig('upstream-redirect'))
    expect(r.status).toBe('failed')
    expect(r.evidence).toContain('not limited: location = /healthz (deploy/nginx.conf:33)')
  })

  test('the reference proxy is not judged', () => {
    expect(result('proxy.rate-limit', behindReference())).toMatchObject({
      status: 'skipped',
      summary: 'no nginx config in the repository: rate limiting belongs to your production proxy',
      skip_reason: 'not-applicable',
    })
  })
})

describe('proxy.client-ip', () => {
  const NGINX_ADDR = '172.18.0.3'

  test('the client address through ProxyFix(x_for=1), unmoved by a forged header, passes', () => {
    const r = check('proxy.client-ip', recorded('good'))
    expect(r).toMatchObject({
      status: 'passed',
      summary: `the app sees the client address ${CLIENT}; a forged X-Forwarded-For: 203.0.113.9 did not replace it`,
    })
    expect(r.evidence).toContain('ProxyFix(x_for=1, x_proto=1, x_host=1)')
  })

  test('without ProxyFix the app sees the proxy', () => {
    const obs = variant('good', (o) =>
      editProbe(o, (a) => {
        a.remoteAddr = NGINX_ADDR
        a.middleware = [{ name: 'Flask.wsgi_app' }]
      }),
    )
    const r = check('proxy.client-ip', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: `the app sees ${NGINX_ADDR} (the proxy) as the client, not ${CLIENT}`,
      fix: 'trust the X-Forwarded-For nginx sets: app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)',
    })
    expect(r.evidence).toContain('no ProxyFix in app.wsgi_app (Flask.wsgi_app)')
  })

  test('ProxyFix(x_for=2) behind one proxy lets a forged X-Forwarded-For win', () => {
    const obs = variant('good', (o) =>
      editProbe(o, (a) => {
        a.middleware = [{ name: 'ProxyFix', xFor: 2, xProto: 1, xHost: 1 }]
        if (Object.keys(a.forged).length) a.remoteAddr = '203.0.113.9'
      }),
    )
    const r = check('proxy.client-ip', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary:
        'a client-forged X-Forwarded-For wins: the app takes 203.0.113.9 as the client address',
      fix: 'ProxyFix x_for=2 trusts 2 proxies but there is 1 (nginx): app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)',
    })
    expect(r.evidence).toContain(
      'with a forged X-Forwarded-For: 203.0.113.9: remote_addr 203.0.113.9 (X-Forwarded-For reaching the app: 203.0.113.9, 172.18.0.1)',
    )
  })

  test("nginx passing the client's own header on is blamed instead", () => {
    const obs = variant('good', (o) =>
      editProbe(o, (a) => {
        if (!Object.keys(a.forged).length) return
        a.remoteAddr = '203.0.113.9'
        a.forwarded['x-forwarded-for'] = '203.0.113.9'
      }),
    )
    expect(check('proxy.client-ip', obs).fix).toBe(
      "let nginx append the client address instead of passing the client's header on: proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    )
  })

  test('without the probe the check is skipped with the reason', () => {
    const obs = variant('good', (o) => {
      o.probe = { answers: [] }
    })
    expect(result('proxy.client-ip', obs)).toMatchObject({
      status: 'skipped',
      summary: 'the probe did not answer through the proxy',
      skip_reason: 'blocked',
    })
  })
})

describe('proxy.host-header', () => {
  const foreign = (status: number, extra = {}): ReturnType<typeof proxyExchange> =>
    proxyExchange('host-header', '/', status, { host: 'fdc-foreign-68a4a80e.invalid', ...extra })

  test('a closed connection (return 444 in the default server) passes', () => {
    const r = check('proxy.host-header', recorded('good'))
    expect(r).toMatchObject({
      status: 'passed',
      summary:
        'a request for fdc-foreign-68a4a80e.invalid was refused: the connection was closed (socket hang up)',
    })
    expect(r.evidence).toContain(
      'it lands on server _ (deploy/nginx.conf:11), the default_server for port 443',
    )
  })

  test('a single server answers every host: the app gets the request', () => {
    const obs = withConfig('seed')
    const route = proxied(obs, 'route')[0].response
    replaceProxied(obs, 'host-header', foreign(200, { body: route?.body }))
    const r = check('proxy.host-header', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'a request with a foreign Host reached the app (answered 200)',
      location: { file: 'deploy/nginx.conf', line: 1 },
    })
    expect(r.fix).toMatch(/^add a catch-all server first: server \{ listen 443 ssl default_server;/)
    expect(r.evidence).toContain(
      'it lands on server example.com (deploy/nginx.conf:1), the first server for port 443',
    )
  })

  test('a foreign host echoed into a Location fails even when the config looks right', () => {
    const obs = variant('good', (o) =>
      replaceProxied(
        o,
        'host-header',
        foreign(302, { headers: { location: ['https://fdc-foreign-68a4a80e.invalid/login'] } }),
      ),
    )
    const r = check('proxy.host-header', obs)
    expect(r.summary).toBe(
      'a request with a foreign Host reached the app, which echoed it into its answer',
    )
    expect(r.evidence).toContain('Location: https://fdc-foreign-68a4a80e.invalid/login')
  })

  test('a default server answering on its own passes; 421 passes', () => {
    const obs = variant('good', (o) => replaceProxied(o, 'host-header', foreign(404)))
    expect(check('proxy.host-header', obs).summary).toBe(
      'a request for fdc-foreign-68a4a80e.invalid was answered 404 by a default server without reaching the app',
    )
    const misdirected = variant('good', (o) => replaceProxied(o, 'host-header', foreign(421)))
    expect(check('proxy.host-header', misdirected).summary).toBe(
      'a request for fdc-foreign-68a4a80e.invalid was refused with 421',
    )
  })

  test('the reference proxy is not judged', () => {
    expect(check('proxy.host-header', behindReference()).status).toBe('skipped')
    expect(result('proxy.host-header', behindReference()).skip_reason).toBe('not-applicable')
  })
})

test('the default config facts are the full capture as deploy/nginx.conf', () => {
  const c: ProxyConfigFacts = proxyConfig(recorded('good'))
  expect(c.facts?.servers.map((s) => [s.file, s.line])).toEqual([
    ['deploy/nginx.conf', 5],
    ['deploy/nginx.conf', 11],
    ['deploy/nginx.conf', 20],
  ])
})
