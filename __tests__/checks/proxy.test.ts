import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parseNginxError } from '../../src/facts/nginx-config'
import type { HttpExchange, Observations } from '../../src/facts/types'
import {
  answered,
  check,
  exchange,
  nginxFacts,
  part,
  recorded,
  result,
  withExchanges,
  withPart,
  withProbe,
  withProxyConfig,
  runToken,
} from './observations'

const GOOD_TOKEN = runToken('good')

const good = recorded('good')
/** The good fixture's config, by its repository path as the recording names it. */
const CONF = '__tests__/fixtures/good/deploy/nginx.conf'
const INVALID = '__tests__/fixtures/invalid-nginx/deploy/nginx.conf'
const CLIENT = part(good, 'proxy').clientAddress
/** The reference proxy stands in front when the repository has no nginx config. */
const behindReference = (): Observations => recorded('no-nginx-config')

/**
 * The good recording with another captured config's facts as its own (no recording has these
 * configs; __tests__/data/nginx has their nginx -T).
 */
function withConfig(capture: string, serverName = 'example.com'): Observations {
  return withProxyConfig(good, { facts: nginxFacts(capture, CONF), serverName })
}

/**
 * The invalid-nginx recording (nginx -t refused the config) with another refusal, from a
 * captured nginx -t stderr of the config as deploy/nginx.conf.
 */
function rejected(capture: string): Observations {
  const stderr = readFileSync(
    path.join(__dirname, '..', 'data', 'nginx', `${capture}.nginx-t.stderr.txt`),
    'utf8',
  )
  const err = parseNginxError(stderr)
  if (err === undefined) throw new Error(`no error in ${capture}`)
  const test = {
    ok: false,
    message: err.message,
    ...(err.file === undefined ? {} : { file: INVALID }),
    ...(err.line === undefined ? {} : { line: err.line }),
  }
  const where = err.line === undefined ? INVALID : `${INVALID}:${err.line}`
  const refused = withProxyConfig(recorded('invalid-nginx'), { test })
  return withPart(refused, 'proxy', {
    unavailable: `nginx rejected the configuration: ${err.message} (${where})`,
    blockedBy: 'proxy.config-valid',
  })
}

describe('proxy.config-valid', () => {
  test('an accepted config passes, naming where it came from and the one rewrite made', () => {
    const r = check('proxy.config-valid', good)
    expect(r).toMatchObject({
      status: 'passed',
      summary: `nginx -t accepts ${CONF} (found in the repository)`,
    })
    expect(r.evidence?.[0]).toBe(
      'proxy_pass http://127.0.0.1:8000 -> http://app:8000 (line 54); nothing else changed',
    )
    // The runtime's own note for the rewrite is not repeated.
    expect(r.evidence?.some((l) => l.startsWith('Line 44:'))).toBe(false)
    expect(r.evidence).toContain(
      'A throw-away certificate for example.com is mounted at /etc/nginx/tls/example.com.crt, /etc/nginx/tls/example.com.key.',
    )
  })

  test('the nginx-config input is named as the source', () => {
    // The good recording's config, as if given through the input instead of detected.
    const obs = withProxyConfig(good, { source: 'input' })
    expect(check('proxy.config-valid', obs).summary).toBe(
      `nginx -t accepts ${CONF} (the nginx-config input)`,
    )
  })

  test('upstream servers are named as such', () => {
    const obs = withProxyConfig(withConfig('upstream-redirect'), {
      rewrites: [
        { line: 2, before: '127.0.0.1:8000', after: 'app:8000' },
        { line: 3, before: 'localhost:8001', after: 'app:8001' },
      ],
    })
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
    const r = check('proxy.config-valid', recorded('invalid-nginx'))
    expect(r).toMatchObject({
      status: 'failed',
      summary: `nginx -t rejected ${INVALID}: unknown directive "includeSubDomains"`,
      fix: 'nginx reads "includeSubDomains" on line 41 as a directive: correct its spelling, or quote the value before it (an unquoted value ends at its first \';\')',
      location: { file: INVALID, line: 41 },
    })
    expect(r.evidence?.slice(0, 2)).toEqual([
      `nginx -t: unknown directive "includeSubDomains" in ${INVALID}:41`,
      // No facts when nginx refuses the config: the rewrite is still named for what it is.
      'proxy_pass http://127.0.0.1:8000 -> http://app:8000 (line 55); nothing else changed',
    ])
  })

  test('an upstream name nginx cannot resolve gets its own fix', () => {
    const r = check('proxy.config-valid', rejected('reject-host-not-found'))
    expect(r.location).toEqual({ file: INVALID, line: 4 })
    expect(r.fix).toMatch(/^nginx resolves "flask-app" when it starts: proxy to 127\.0\.0\.1/)
  })

  test('a message without a line points at the file', () => {
    const r = check('proxy.config-valid', rejected('reject-missing-cert-file'))
    expect(r.summary).toMatch(
      /^nginx -t rejected __tests__\/fixtures\/invalid-nginx\/deploy\/nginx\.conf: cannot load certificate/,
    )
    expect(r.location).toEqual({ file: INVALID })
    expect(r.fix).toMatch(/ssl_certificate \/ ssl_certificate_key at fixed paths/)
  })

  test('the checks that read the config are skipped with the reason', () => {
    const obs = recorded('invalid-nginx')
    for (const id of ['proxy.forwarded-headers', 'proxy.rate-limit']) {
      expect(result(id, obs)).toMatchObject({
        status: 'skipped',
        summary: `nginx rejected the configuration: unknown directive "includeSubDomains" (${INVALID}:41)`,
        skip_reason: 'blocked',
        blocked_by: 'proxy.config-valid',
      })
    }
  })
})

describe('proxy.forwarded-headers', () => {
  test('Host, X-Forwarded-For and X-Forwarded-Proto set and received pass', () => {
    const r = check('proxy.forwarded-headers', good)
    expect(r).toMatchObject({
      status: 'passed',
      summary:
        'the proxy forwards Host, X-Forwarded-For and X-Forwarded-Proto, and they reach the app',
    })
    expect(r.evidence).toEqual([
      `location / (${CONF}:52): Host $host, X-Forwarded-For $proxy_add_x_forwarded_for, X-Forwarded-Proto $scheme`,
      `reached the app: X-Forwarded-For: ${CLIENT}, X-Forwarded-Proto: https`,
    ])
  })

  test('a location with its own proxy_set_header loses the inherited ones, and the line says so', () => {
    const r = check('proxy.forwarded-headers', withConfig('limit-req'))
    expect(r).toMatchObject({
      status: 'failed',
      summary: `location / (${CONF}:13) does not forward X-Forwarded-Proto (and 1 more location)`,
      location: { file: CONF, line: 13 },
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
      summary: `location / (${CONF}:24) does not forward Host, X-Forwarded-For, X-Forwarded-Proto (and 1 more location)`,
      fix: 'in location /: proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto $scheme;',
    })
    expect(r.evidence).toContain(
      'location /: no proxy_set_header Host: nginx sends Host: $proxy_host (the upstream address, e.g. app:8000)',
    )
  })

  test('headers that do not reach the app fail on behaviour alone', () => {
    // The good recording's probe answers through the proxy as if only X-Forwarded-For arrived.
    const obs = withProbe(good, (a) =>
      a.via === 'proxy' ? { forwarded: { 'x-forwarded-for': CLIENT } } : undefined,
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
    expect(r.evidence?.[0]).toMatch(/^location \/ \(reference proxy, line 11\): Host \$host/)
  })
})

describe('proxy.rate-limit', () => {
  test('a limit_req on the proxied location passes with its zone', () => {
    const r = check('proxy.rate-limit', good)
    expect(r).toMatchObject({
      status: 'passed',
      summary:
        'location / is rate-limited: limit_req zone=app burst=100 (50r/s per $binary_remote_addr)',
    })
    expect(r.evidence).toEqual([
      `limit_req zone=app burst=100 (50r/s per $binary_remote_addr): ${CONF}:53`,
    ])
  })

  test('no limit_req is a notice at the location line', () => {
    const r = check('proxy.rate-limit', withConfig('seed'))
    expect(r).toMatchObject({
      status: 'failed',
      summary: `no limit_req applies to location / (${CONF}:10), which proxies to the app`,
      location: { file: CONF, line: 10 },
    })
    expect(r.fix).toMatch(/^limit_req_zone \$binary_remote_addr zone=app:10m rate=10r\/s;/)
  })

  test('other proxied locations without a limit are named', () => {
    const r = check('proxy.rate-limit', withConfig('upstream-redirect'))
    expect(r.status).toBe('failed')
    expect(r.evidence).toContain(`not limited: location = /healthz (${CONF}:33)`)
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
  test('the client address through ProxyFix(x_for=1), unmoved by a forged header, passes', () => {
    const r = check('proxy.client-ip', good)
    expect(r).toMatchObject({
      status: 'passed',
      summary: `the app sees the client address ${CLIENT}; a forged X-Forwarded-For: 203.0.113.9 did not replace it`,
    })
    expect(r.evidence).toContain('ProxyFix(x_for=1, x_proto=1, x_host=1)')
  })

  test('without ProxyFix the app sees the proxy', () => {
    const r = check('proxy.client-ip', recorded('no-proxyfix'))
    expect(r).toMatchObject({
      status: 'failed',
      // The addresses are those of the recording's network: the proxy's and its gateway's.
      summary: expect.stringMatching(
        /^the app sees (\d+\.\d+\.\d+)\.3 \(the proxy\) as the client, not \1\.1$/,
      ),
      fix: 'trust the X-Forwarded-For nginx sets: app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)',
    })
    expect(r.evidence).toContain('no ProxyFix in app.wsgi_app (Flask.wsgi_app)')
  })

  test('ProxyFix(x_for=2) behind one proxy lets a forged X-Forwarded-For win', () => {
    const r = check('proxy.client-ip', recorded('proxyfix-xfor-2'))
    expect(r).toMatchObject({
      status: 'failed',
      summary:
        'a client-forged X-Forwarded-For wins: the app takes 203.0.113.9 as the client address',
      fix: 'ProxyFix x_for=2 trusts 2 proxies but there is 1 (nginx): app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)',
    })
    expect(r.evidence).toContainEqual(
      expect.stringMatching(
        /^with a forged X-Forwarded-For: 203\.0\.113\.9: remote_addr 203\.0\.113\.9 \(X-Forwarded-For reaching the app: 203\.0\.113\.9, \d+\.\d+\.\d+\.1\)$/,
      ),
    )
  })

  test("nginx passing the client's own header on is blamed instead", () => {
    // The good recording's forged-header answer as nginx passing $http_x_forwarded_for gives it.
    const obs = withProbe(good, (a) =>
      Object.keys(a.forged).length === 0
        ? undefined
        : {
            remoteAddr: '203.0.113.9',
            forwarded: { ...a.forwarded, 'x-forwarded-for': '203.0.113.9' },
          },
    )
    expect(check('proxy.client-ip', obs).fix).toBe(
      "let nginx append the client address instead of passing the client's header on: proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    )
  })

  test('without the probe the check is skipped with the reason', () => {
    const obs = withPart(good, 'probe', { answers: [] })
    expect(result('proxy.client-ip', obs)).toMatchObject({
      status: 'skipped',
      summary: 'the probe did not answer through the proxy',
      skip_reason: 'blocked',
    })
  })
})

describe('proxy.host-header', () => {
  /**
   * The good recording's foreign-host request (nginx closed the connection) as if answered:
   * the recorded answer to / through the proxy with `change`.
   */
  const foreign = (change: Partial<NonNullable<HttpExchange['response']>>): Observations =>
    withExchanges(
      good,
      'proxy',
      'host-header',
      answered(exchange(good, 'proxy', 'host-header'), change, exchange(good, 'proxy', 'route')),
    )

  test('a closed connection (return 444 in the default server) passes', () => {
    const r = check('proxy.host-header', good)
    expect(r).toMatchObject({
      status: 'passed',
      summary: expect.stringMatching(
        new RegExp(
          `^a request for fdc-foreign-${GOOD_TOKEN}\\.invalid was refused: the connection was closed \\(UND_ERR_SOCKET: other side closed \\(after \\d+ ms\\)\\)$`,
        ),
      ),
    })
    expect(r.evidence).toContain(
      `it lands on server _ (${CONF}:18), the default_server for port 443`,
    )
  })

  test('a single server answers every host: the app gets the request', () => {
    const obs = withPart(foreign({}), 'proxyConfig', part(withConfig('seed'), 'proxyConfig'))
    const r = check('proxy.host-header', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'a request with a foreign Host reached the app (answered 200)',
      location: { file: CONF, line: 1 },
    })
    expect(r.fix).toMatch(/^add a catch-all server first: server \{ listen 443 ssl default_server;/)
    expect(r.evidence).toContain(
      `it lands on server example.com (${CONF}:1), the first server for port 443`,
    )
  })

  test('a foreign host echoed into a Location fails even when the config looks right', () => {
    const obs = foreign({
      status: 302,
      headers: { location: [`https://fdc-foreign-${GOOD_TOKEN}.invalid/login`] },
      body: '',
    })
    const r = check('proxy.host-header', obs)
    expect(r.summary).toBe(
      'a request with a foreign Host reached the app, which echoed it into its answer',
    )
    expect(r.evidence).toContain(`Location: https://fdc-foreign-${GOOD_TOKEN}.invalid/login`)
  })

  test('a default server answering on its own passes; 421 passes', () => {
    const notFound = exchange(good, 'proxy', 'not-found').response
    const obs = foreign({ ...notFound, status: 404 })
    expect(check('proxy.host-header', obs).summary).toBe(
      `a request for fdc-foreign-${GOOD_TOKEN}.invalid was answered 404 by a default server without reaching the app`,
    )
    const misdirected = foreign({ ...notFound, status: 421 })
    expect(check('proxy.host-header', misdirected).summary).toBe(
      `a request for fdc-foreign-${GOOD_TOKEN}.invalid was refused with 421`,
    )
  })

  test('the reference proxy is not judged', () => {
    expect(check('proxy.host-header', behindReference()).status).toBe('skipped')
    expect(result('proxy.host-header', behindReference()).skip_reason).toBe('not-applicable')
  })
})

test("the recorded config facts name the site by the config's repository path", () => {
  const c = part(good, 'proxyConfig')
  expect(c.facts?.servers.map((s) => [s.file, s.line])).toEqual([
    [CONF, 11],
    [CONF, 18],
    [CONF, 27],
  ])
})
