/**
 * The TLS proxy parts of Observations as the good fixture shows them behind nginx
 * (__tests__/fixtures/README.md): the full production site of __tests__/data/nginx/full.nginx-T.txt
 * as deploy/nginx.conf, https responses with one HSTS header, a Secure session cookie, the probe
 * seeing ProxyFix(x_for=1, x_proto=1, x_host=1), and a second boot that refuses to start without
 * SECRET_KEY. Builders for variations of them.
 */
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { configFacts, parseNginxDump, type NginxConfigFacts } from '../../src/facts/nginx-config'
import type {
  HttpExchange,
  Observations,
  ProbeAnswer,
  ProxyConfigFacts,
  TlsFacts,
} from '../../src/facts/types'

const NGINX = path.join(__dirname, '..', 'data', 'nginx')
const SITE = '/etc/nginx/conf.d/site.conf'
const TOKEN = '68a4a80e'
export const CLIENT = '172.18.0.1'
const HSTS = 'max-age=31536000; includeSubDomains'
const COOKIE = 'session=eyJ2aXNpdHMiOjF9.awW6wg._UTUk9Al5j_gptm_zNZLFRnGprk'

/**
 * The facts of a captured `nginx -T` (__tests__/data/nginx/<name>.nginx-T.txt), with the site
 * file named by its repository path as the runtime does for the user's config (`repoPath`), or
 * left at its path in the image (undefined, as for the reference proxy).
 */
export function nginxFacts(
  name: string,
  repoPath: string | undefined = 'deploy/nginx.conf',
): NginxConfigFacts {
  const facts = configFacts(
    parseNginxDump(readFileSync(path.join(NGINX, `${name}.nginx-T.txt`), 'utf8')),
  )
  if (repoPath === undefined) return facts
  return JSON.parse(
    JSON.stringify(facts).split(`"file":"${SITE}"`).join(`"file":"${repoPath}"`),
  ) as NginxConfigFacts
}

export function goodProxyConfig(): ProxyConfigFacts {
  return {
    source: 'detected',
    path: 'deploy/nginx.conf',
    rewrites: [{ line: 35, before: 'http://127.0.0.1:8000', after: 'http://app:8000' }],
    kept: [],
    serverName: 'example.com',
    certificatePaths: ['/etc/nginx/tls/cert.pem', '/etc/nginx/tls/key.pem'],
    certificateAdded: false,
    staticDirs: [
      { location: '/static/', alias: '/app/static/', source: 'app container', files: 1 },
    ],
    test: { ok: true },
    facts: nginxFacts('full'),
    notes: [
      'nginx config: deploy/nginx.conf (found in the repository), mounted as /etc/nginx/conf.d/default.conf (the only site).',
      'Line 35: http://127.0.0.1:8000 points at the app container as http://app:8000 (same port).',
      'A throw-away certificate for example.com is mounted at /etc/nginx/tls/cert.pem, /etc/nginx/tls/key.pem.',
    ],
  }
}

/** An exchange through the proxy (https unless `scheme` says otherwise). */
export function proxyExchange(
  purpose: string,
  reqPath: string,
  status: number | undefined,
  extra: {
    headers?: Record<string, string[]>
    body?: string
    ms?: number
    scheme?: 'http' | 'https'
    host?: string
    error?: string
  } = {},
): HttpExchange {
  const x: HttpExchange = {
    via: 'proxy',
    scheme: extra.scheme ?? 'https',
    purpose,
    request: {
      method: 'GET',
      path: reqPath,
      headers: { host: extra.host ?? 'example.com', 'user-agent': 'flask-deploy-check' },
    },
  }
  if (status === undefined) return { ...x, error: extra.error ?? 'socket hang up' }
  x.response = {
    status,
    headers: { server: ['nginx'], ...(extra.headers ?? {}) },
    body: extra.body ?? '',
    bodyTruncated: false,
    ms: extra.ms ?? 8,
  }
  return x
}

// What good's deploy/nginx.conf adds to every HTTPS response (add_header ... always).
const sts = {
  'strict-transport-security': [HSTS],
  'x-content-type-options': ['nosniff'],
  'x-frame-options': ['DENY'],
  'content-security-policy': ["default-src 'self'; frame-ancestors 'none'"],
  'referrer-policy': ['strict-origin-when-cross-origin'],
}

/** The good fixture's requests through nginx, in the order the runtime makes them. */
export function goodProxyExchanges(token = TOKEN): HttpExchange[] {
  return [
    proxyExchange('route', '/', 200, {
      headers: {
        'content-type': ['text/html; charset=utf-8'],
        vary: ['Cookie'],
        'set-cookie': [`${COOKIE}; Secure; HttpOnly; Path=/; SameSite=Lax`],
        ...sts,
      },
      body: '<link rel="stylesheet" href="/static/style.css"><a href="https://example.com/">home</a>',
    }),
    proxyExchange('health', '/healthz', 200, {
      headers: { 'content-type': ['text/plain'], 'cache-control': ['no-store'], ...sts },
      body: 'ok',
    }),
    proxyExchange('not-found', `/flask-deploy-check-${token}-missing`, 404, {
      headers: { 'content-type': ['text/html; charset=utf-8'], ...sts },
      body: '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n',
    }),
    proxyExchange('static', '/static/style.css', 200, {
      headers: {
        date: ['Tue, 24 Nov 2026 16:26:42 GMT'],
        'content-type': ['text/css'],
        expires: ['Thu, 24 Dec 2026 16:26:42 GMT'],
        'cache-control': ['max-age=2592000'],
        etag: ['"6564d1a2-1d"'],
        ...sts,
      },
      body: 'body { font-family: sans-serif; }\n',
    }),
    proxyExchange('trailing-slash', '/docs', 308, {
      headers: { location: ['https://example.com/docs/'], ...sts },
      body: '<a href="https://example.com/docs/">https://example.com/docs/</a>',
    }),
    proxyExchange('host-header', '/', undefined, {
      host: `fdc-foreign-${token}.invalid`,
      error: 'socket hang up',
    }),
    proxyExchange('traversal', `/static../fdc-canary-${token}.txt`, 404, {
      headers: { 'content-type': ['text/html; charset=utf-8'], ...sts },
      body: '<h1>Not Found</h1>',
    }),
    proxyExchange('https-redirect', '/flask-deploy-check-redirect?x=1', 301, {
      scheme: 'http',
      headers: { location: ['https://example.com/flask-deploy-check-redirect?x=1'] },
      body: '<html><head><title>301 Moved Permanently</title></head></html>',
    }),
  ]
}

/** The probe's answer through the proxy as the good fixture gives it (see data/probe/proxyfix.json). */
export function probeAnswer(overrides: Partial<ProbeAnswer> = {}): ProbeAnswer {
  return {
    via: 'proxy',
    forged: {},
    scheme: 'https',
    host: 'example.com',
    urlRoot: 'https://example.com/',
    externalUrl: 'https://example.com/static/fdc.txt',
    maxContentLength: null,
    remoteAddr: CLIENT,
    isSecure: true,
    forwarded: {
      'x-forwarded-for': CLIENT,
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'example.com',
    },
    serverScheme: 'http',
    serverSoftware: 'gunicorn/20.1.0',
    debug: false,
    preferredUrlScheme: 'https',
    sessionCookie: { name: 'session', secure: true, httponly: true, samesite: 'Lax' },
    middleware: [
      { name: 'ProxyFix', xFor: 1, xProto: 1, xHost: 1, xPort: 0, xPrefix: 0 },
      { name: 'Flask.wsgi_app' },
    ],
    secretKey: { set: true, length: 64, matchesInjected: true, weak: null },
    ...overrides,
  }
}

/** The three answers: through the proxy, through it with a forged X-Forwarded-For, on the app port. */
export function goodProbeAnswers(): ProbeAnswer[] {
  return [
    probeAnswer(),
    probeAnswer({
      forged: { 'x-forwarded-for': '203.0.113.9' },
      forwarded: {
        'x-forwarded-for': `203.0.113.9, ${CLIENT}`,
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'example.com',
      },
    }),
    probeAnswer({
      via: 'app',
      scheme: 'http',
      host: '127.0.0.1:32803',
      urlRoot: 'http://127.0.0.1:32803/',
      externalUrl: 'http://127.0.0.1:32803/static/fdc.txt',
      remoteAddr: '172.17.0.1',
      isSecure: false,
      forwarded: {},
    }),
  ]
}

/**
 * Fills the parts a recording lacks with the good fixture's behind nginx; when the app never
 * became ready they are unavailable with the boot's reason, as collect() does.
 */
export function withProxyDefaults(obs: Observations): Observations {
  const boot = obs.boot
  const down = 'unavailable' in boot || !boot.ready
  const reason =
    'unavailable' in obs.http ? obs.http : { unavailable: 'container did not become ready' }
  if (obs.proxyConfig === undefined) obs.proxyConfig = down ? reason : goodProxyConfig()
  if (obs.proxy === undefined) {
    obs.proxy = down ? reason : { httpsPort: 33009, httpPort: 33010, clientAddress: CLIENT }
  }
  if (obs.probe === undefined) obs.probe = down ? reason : { answers: goodProbeAnswers() }
  if (obs.sessionCookies === undefined) {
    obs.sessionCookies = down
      ? reason
      : [{ via: 'proxy', path: '/', name: 'session', signedWithInjected: true, weakKey: null }]
  }
  if (obs.forwardedSpoof === undefined) {
    obs.forwardedSpoof = down ? reason : recordedGood().forwardedSpoof
  }
  // The handshakes the good fixture's recording holds (fixtures/good.json).
  if (obs.tls === undefined) obs.tls = down ? reason : goodTls()
  if (obs.secondBoot === undefined) {
    obs.secondBoot = down
      ? reason
      : {
          ready: false,
          exited: { exitCode: 3, afterMs: 650 },
          logTail: [
            '[2026-11-24 16:26:50 +0000] [7] [ERROR] Exception in worker process',
            'RuntimeError: SECRET_KEY is not set',
            '[2026-11-24 16:26:50 +0000] [1] [INFO] Reason: Worker failed to boot.',
          ],
          sessionCookies: [],
        }
  }
  const http = obs.http
  if (!down && !('unavailable' in http) && !http.some((x) => x.via === 'proxy')) {
    // The run's token, as the recording's own error-page request shows it.
    const missing = http.find((x) => x.purpose === 'not-found')?.request.path ?? ''
    const proxied = goodProxyExchanges(/^\/flask-deploy-check-(\w+)-missing$/.exec(missing)?.[1])
    http.push(...proxied)
  }
  return obs
}

/** Every exchange through the proxy made for `purpose`. */
export function proxied(obs: Observations, purpose: string): HttpExchange[] {
  const http = obs.http
  if ('unavailable' in http) return []
  return http.filter((x) => x.via === 'proxy' && x.purpose === purpose)
}

/** Replaces the exchanges through the proxy made for `purpose` with `x` (or removes them). */
export function replaceProxied(obs: Observations, purpose: string, ...xs: HttpExchange[]): void {
  if ('unavailable' in obs.http) throw new Error('no http part')
  const kept = obs.http.filter((x) => !(x.via === 'proxy' && x.purpose === purpose))
  obs.http = [...kept, ...xs]
}

/** Edits every probe answer. */
export function editProbe(obs: Observations, edit: (a: ProbeAnswer) => void): void {
  if ('unavailable' in obs.probe) throw new Error('no probe part')
  obs.probe.answers.forEach(edit)
}

/** The proxy config part, to edit (throws when unavailable). */
export function proxyConfig(obs: Observations): ProxyConfigFacts {
  if ('unavailable' in obs.proxyConfig) throw new Error('no proxy config part')
  return obs.proxyConfig
}

/** The good fixture's recording (fixtures/good.json), for parts the first recordings predate. */
function recordedGood(): Observations {
  const file = path.join(__dirname, '..', 'data', 'observations', 'fixtures', 'good.json')
  return JSON.parse(readFileSync(file, 'utf8')) as Observations
}

/** The good fixture's pinned handshakes, as recorded (Mozilla intermediate, nginx 1.22, OpenSSL 3). */
function goodTls(): TlsFacts {
  return {
    port: 34041,
    servername: 'example.com',
    protocols: [
      {
        version: 'TLSv1',
        accepted: false,
        error: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      },
      {
        version: 'TLSv1.1',
        accepted: false,
        error: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      },
      {
        version: 'TLSv1.2',
        accepted: true,
        negotiated: 'TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      },
      {
        version: 'TLSv1.3',
        accepted: true,
        negotiated: 'TLSv1.3 TLS_AES_256_GCM_SHA384',
      },
    ],
    ciphers: [
      {
        version: 'TLSv1.2',
        cipher: 'AES128-SHA',
        accepted: false,
        error: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      },
      {
        version: 'TLSv1.2',
        cipher: 'AES256-SHA',
        accepted: false,
        error: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      },
      {
        version: 'TLSv1.2',
        cipher: 'AES128-GCM-SHA256',
        accepted: false,
        error: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      },
      {
        version: 'TLSv1.2',
        cipher: 'AES256-GCM-SHA384',
        accepted: false,
        error: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      },
      {
        version: 'TLSv1.2',
        cipher: 'ECDHE-RSA-AES128-SHA',
        accepted: false,
        error: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      },
      {
        version: 'TLSv1.2',
        cipher: 'ECDHE-RSA-AES256-SHA384',
        accepted: false,
        error: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      },
      {
        version: 'TLSv1.2',
        cipher: 'ECDHE-ECDSA-AES128-SHA',
        accepted: false,
        error: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
      },
      {
        version: 'TLSv1.2',
        cipher: 'ECDHE-RSA-AES128-GCM-SHA256',
        accepted: true,
        negotiated: 'TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      },
      {
        version: 'TLSv1.2',
        cipher: 'ECDHE-RSA-CHACHA20-POLY1305',
        accepted: true,
        negotiated: 'TLSv1.2 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
      },
    ],
  }
}
