/**
 * What each fixture under __tests__/fixtures must make the action report. Shared by the
 * end-to-end tests (action.e2e.test.ts: DEFECT_CASES; proxy.e2e.test.ts: PROXY_CASES) and the
 * fixture guard (fixtures.test.ts: ALL_CASES).
 */
import { CATALOG } from '../../src/checks/catalog'
import { CHECK_IDS, type CheckId } from '../../src/checks/ids'
import type { Severity } from '../../src/checks/lib/types'
import { CADDY_CASES } from './caddy-cases'

/** Every check id of the catalog, in catalog order (src/checks/ids.ts, equal to the catalog). */
export const CATALOG_IDS = CHECK_IDS

/**
 * Checks the pipeline implements: every catalog check is a unit with its judgement, so all of
 * them. The good fixture must pass each of them, and a defect fixture may change only the
 * outcomes its case names.
 */
export const IMPLEMENTED: readonly CheckId[] = CHECK_IDS.filter((id) => !id.startsWith('systemd.'))

/** Checks only host mode decides (a systemd unit): not applicable to a docker run. */
export const HOST_ONLY: readonly CheckId[] = CHECK_IDS.filter((id) => id.startsWith('systemd.'))

/** Checks host mode never decides: nothing is built (check-catalog.md, host mode). */
export const NOT_IN_HOST_MODE: readonly CheckId[] = CHECK_IDS.filter((id) =>
  /^(build|image)\./.test(id),
)
export type ImplementedId = CheckId

/** Default severity of each check, from the catalog. */
export const CATALOG_SEVERITY = Object.fromEntries(
  CATALOG.map((c) => [c.id, c.severity]),
) as Record<ImplementedId, Severity>

/**
 * What a defect fixture does to one check, compared with the good fixture:
 * - fail: failed, with its catalog severity, a summary, evidence and a fix
 * - skip: skipped, with the reason in the summary (the check cannot be decided, e.g. no HTTP)
 * - same-or-skip: as for the good fixture, or skipped (depends on how much a failed boot leaves
 *   to observe; never failed)
 * Checks a case does not name must have the same status as for the good fixture.
 */
export type Expectation = 'fail' | 'skip' | 'same-or-skip'

export interface DefectCase {
  /** Directory under __tests__/fixtures. */
  fixture: string
  /** The one defect, in words. */
  defect: string
  expect: Partial<Record<ImplementedId, Expectation>>
  /** Files that differ from the good fixture (kept honest by fixtures.test.ts). */
  changedFiles: string[]
  /**
   * `fail-on` for the run. Warning-only defects run once under the default (`error`: the step
   * passes, the failed warning is reported) or under `warning` (the step fails): both policies
   * are covered.
   */
  failOn?: 'error' | 'warning'
  /** Exit code of the step: 1 when a failure at or above fail-on makes the verdict fail. */
  exitCode: 0 | 1
  /**
   * Failed checks whose cause is a Dockerfile line: location.file must be the fixture's
   * Dockerfile and location.line one of the lines matching the pattern.
   */
  dockerfileLine?: Partial<Record<ImplementedId, RegExp>>
  /**
   * Failed checks whose cause is a line of the fixture's deploy/nginx.conf: location.file must be
   * that file (repository-relative, as for the Dockerfile) and location.line one of the lines
   * matching the pattern.
   */
  configLine?: Partial<Record<ImplementedId, RegExp>>
  /** Severity of a failed check when it is not the catalog's default (e.g. a short HSTS max-age). */
  severity?: Partial<Record<ImplementedId, Severity>>
  /** Patterns the failed check's summary, evidence and fix must show (the facts a user needs). */
  evidence?: Partial<Record<ImplementedId, RegExp[]>>
  /** What the summary of every check this case expects skipped must say (the reason). */
  skipReason?: RegExp
  /** The `boot-timeout` input (default 30 in the tests). */
  bootTimeout?: number
  /** The `routes` input, when not the suite's default. */
  routes?: string[]
  /** Further action inputs the case needs (e.g. proxy-env), by input name. */
  inputs?: Record<string, string>
  /** The fixture's nginx config that configLine refers to, when not deploy/nginx.conf. */
  configFile?: string
}

/** Checks that need the TLS proxy up: skipped when it could not start. */
const NEEDS_PROXY: Partial<Record<ImplementedId, Expectation>> = {
  'proxy.https-urls': 'skip',
  'proxy.client-ip': 'skip',
  'tls.hsts': 'skip',
  'tls.https-redirect': 'skip',
  'cookies.secure': 'skip',
  'static.served-by-proxy': 'skip',
  'proxy.host-header': 'skip',
  'static.alias-traversal': 'skip',
  'proxy.forwarded-spoof': 'skip',
  'tls.protocols': 'skip',
  'headers.nosniff': 'skip',
  'headers.frame-options': 'skip',
  'headers.csp': 'skip',
  'headers.referrer-policy': 'skip',
  'headers.server-tokens': 'skip',
  'proxy.upstream': 'skip',
}

/**
 * Checks that need an HTTP answer: skipped when the app never answered (and then no proxy runs
 * in front of it). The checks that read only the nginx config may still be decided (nginx -t
 * needs the upstream host to resolve, i.e. the app container on the network), hence same-or-skip.
 */
const NEEDS_HTTP: Partial<Record<ImplementedId, Expectation>> = {
  'server.production-wsgi': 'skip',
  'health.endpoint': 'skip',
  'config.debug-off': 'skip',
  'logs.stdout': 'skip',
  ...NEEDS_PROXY,
  'secret.from-env': 'skip',
  'secret.strength': 'skip',
  'health.no-session': 'skip',
  'proxy.config-valid': 'same-or-skip',
  'proxy.forwarded-headers': 'same-or-skip',
  'proxy.rate-limit': 'same-or-skip',
  'proxy.timeouts': 'same-or-skip',
  'proxy.body-size': 'same-or-skip',
  'routes.answer': 'skip',
}

export const DEFECT_CASES: DefectCase[] = [
  {
    fixture: 'dev-server',
    defect: "app.run() (Werkzeug's development server) is the container's command",
    expect: {
      'server.production-wsgi': 'fail',
      // Workers are counted for a production server only.
      'server.workers': 'skip',
      // So is the worker timeout nginx's proxy_read_timeout is compared with.
      'proxy.timeouts': 'skip',
    },
    changedFiles: ['Dockerfile', 'serve.py'],
    exitCode: 1,
    evidence: { 'server.production-wsgi': [/werkzeug/i] },
  },
  {
    fixture: 'root-user',
    defect: 'no USER: the server runs as uid 0',
    expect: { 'image.non-root': 'fail' },
    changedFiles: ['Dockerfile'],
    exitCode: 0,
    evidence: { 'image.non-root': [/\b(uid\s*=?\s*0|root)\b/i] },
  },
  {
    fixture: 'crash-on-boot',
    defect: 'the app imports a package requirements.txt does not list (exits while booting)',
    expect: {
      'boot.ready': 'fail',
      ...NEEDS_HTTP,
      'server.workers': 'skip',
      'shutdown.graceful': 'skip',
      'image.non-root': 'same-or-skip',
      'image.exec-form': 'same-or-skip',
    },
    changedFiles: ['app.py'],
    exitCode: 1,
    evidence: { 'boot.ready': [/exit(ed)?\D{0,20}\b[13]\b/i, /flask_sqlalchemy/] },
  },
  {
    fixture: 'broken-healthz',
    defect: '/healthz answers 503',
    // health.no-session judges a 200 only: the 503 is health.endpoint's failure.
    expect: { 'health.endpoint': 'fail', 'health.no-session': 'skip' },
    changedFiles: ['app.py'],
    exitCode: 1,
    evidence: { 'health.endpoint': [/\b503\b/, /\/healthz/] },
  },
  {
    fixture: 'shell-form',
    defect: 'shell-form CMD: /bin/sh is PID 1 and swallows SIGTERM',
    expect: { 'image.exec-form': 'fail', 'shutdown.graceful': 'fail' },
    changedFiles: ['Dockerfile'],
    failOn: 'warning',
    exitCode: 1,
    dockerfileLine: { 'image.exec-form': /^CMD gunicorn/ },
    evidence: { 'image.exec-form': [/\/bin\/sh/], 'shutdown.graceful': [/\b137\b|kill/i] },
  },
  {
    fixture: 'baked-secret',
    defect: 'ENV SECRET_KEY=... in the Dockerfile',
    expect: { 'image.no-baked-secrets': 'fail' },
    changedFiles: ['Dockerfile'],
    exitCode: 1,
    dockerfileLine: { 'image.no-baked-secrets': /^ENV SECRET_KEY=/ },
    evidence: { 'image.no-baked-secrets': [/SECRET_KEY/] },
  },
  {
    fixture: 'no-access-log',
    defect: 'Gunicorn without --access-logfile: no request lines in the logs',
    // Without an access log, "the app did not log the static request" proves nothing: the check
    // may rest on the response headers alone, or be skipped.
    expect: { 'logs.stdout': 'fail', 'static.served-by-proxy': 'same-or-skip' },
    changedFiles: ['Dockerfile'],
    exitCode: 0,
    evidence: { 'logs.stdout': [/access|request/i] },
  },
  {
    fixture: 'bad-layer-cache',
    defect: 'COPY . . before pip install, and pip keeps its cache',
    expect: { 'build.layer-cache': 'fail' },
    changedFiles: ['Dockerfile'],
    failOn: 'warning',
    exitCode: 1,
    dockerfileLine: { 'build.layer-cache': /^(COPY \. \.|RUN pip install)/ },
  },
  {
    fixture: 'loopback-bind',
    defect: 'Gunicorn without -b listens on its default 127.0.0.1:8000, unreachable from outside',
    expect: {
      'boot.ready': 'fail',
      ...NEEDS_HTTP,
      'server.workers': 'same-or-skip',
      'shutdown.graceful': 'same-or-skip',
    },
    changedFiles: ['Dockerfile'],
    exitCode: 1,
    bootTimeout: 15,
    evidence: { 'boot.ready': [/127\.0\.0\.1/] },
  },
]

/**
 * The TLS proxy in front (issue 3): one fixture per defect, each the good fixture (with its
 * deploy/nginx.conf) plus exactly one change, run by proxy.e2e.test.ts with routes `/` and `/docs`
 * (Werkzeug answers /docs with a 308 whose absolute Location is built from the request).
 * What each fixture showed behind a real nginx is in __tests__/fixtures/README.md.
 */
export const PROXY_CASES: DefectCase[] = [
  {
    fixture: 'no-proxyfix',
    defect: 'no ProxyFix: behind the proxy the app builds http:// URLs and sees the proxy address',
    expect: { 'proxy.https-urls': 'fail', 'proxy.client-ip': 'fail' },
    changedFiles: ['app.py'],
    exitCode: 1,
    evidence: {
      // The trailing-slash redirect: `Location: http://example.com/docs/`.
      'proxy.https-urls': [/http:\/\/example\.com\/docs\//],
      'proxy.client-ip': [/ProxyFix|X-Forwarded-For|remote_addr/i],
    },
  },
  {
    fixture: 'debug-true',
    defect: 'DEBUG=True under Gunicorn (invisible from outside: only the probe sees app.debug)',
    expect: { 'config.debug-off': 'fail' },
    changedFiles: ['app.py'],
    exitCode: 1,
    evidence: { 'config.debug-off': [/app\.debug|DEBUG/] },
  },
  {
    fixture: 'weak-secret',
    defect: "a hard-coded SECRET_KEY = 'dev': the key in the environment is ignored",
    // Cookies verify against 'dev', not the injected key; the second boot starts and signs with 'dev'.
    expect: { 'secret.from-env': 'fail', 'secret.strength': 'fail' },
    changedFiles: ['app.py'],
    exitCode: 1,
    evidence: { 'secret.from-env': [/SECRET_KEY/], 'secret.strength': [/\bdev\b/] },
  },
  {
    fixture: 'dev-fallback',
    defect: "os.environ.get('SECRET_KEY', 'dev'): right with the key, weak without it",
    // With the injected key all is well; only the second boot (no SECRET_KEY) shows the fallback.
    expect: { 'secret.strength': 'fail' },
    changedFiles: ['app.py'],
    exitCode: 1,
    evidence: {
      'secret.strength': [
        /\bdev\b/,
        /without SECRET_KEY|SECRET_KEY (is )?(unset|not set|missing|absent)|second boot/i,
      ],
    },
  },
  {
    fixture: 'no-hsts',
    defect: 'nginx sends no Strict-Transport-Security header',
    expect: { 'tls.hsts': 'fail' },
    changedFiles: ['deploy/nginx.conf'],
    exitCode: 1,
    evidence: { 'tls.hsts': [/Strict-Transport-Security|HSTS/, /\/healthz/] },
  },
  {
    fixture: 'hsts-lost-in-static',
    defect: 'an add_header in location /static/ drops the server-level HSTS there',
    // The same inheritance drops the server-level X-Content-Type-Options from the static file.
    expect: { 'tls.hsts': 'fail', 'headers.nosniff': 'fail' },
    changedFiles: ['deploy/nginx.conf'],
    exitCode: 1,
    configLine: {
      'tls.hsts': /^\s*(location \/static\/ \{|add_header Cache-Control )/,
      'headers.nosniff': /^\s*(location \/static\/ \{|add_header Cache-Control )/,
    },
    evidence: {
      'tls.hsts': [/\/static\/style\.css/],
      'headers.nosniff': [/\/static\/style\.css/, /add_header inheritance/],
    },
  },
  {
    fixture: 'short-max-age',
    // The catalog's warning band is 15552000..31535999; below it (e.g. 86400) is an error.
    defect: 'HSTS max-age=15552000 (180 days), under a year',
    expect: { 'tls.hsts': 'fail' },
    severity: { 'tls.hsts': 'warning' },
    changedFiles: ['deploy/nginx.conf'],
    exitCode: 0,
    configLine: { 'tls.hsts': /^\s*add_header Strict-Transport-Security "max-age=15552000/ },
    evidence: { 'tls.hsts': [/15552000/] },
  },
  {
    fixture: 'cookie-not-secure',
    defect: 'SESSION_COOKIE_SECURE=False: the session cookie goes out without Secure',
    expect: { 'cookies.secure': 'fail' },
    changedFiles: ['app.py'],
    exitCode: 1,
    evidence: { 'cookies.secure': [/\bsession\b/, /Secure/] },
  },
  {
    fixture: 'proxyfix-xfor-2',
    defect: 'ProxyFix(x_for=2) behind one proxy: a client-forged X-Forwarded-For wins',
    expect: { 'proxy.client-ip': 'fail' },
    changedFiles: ['app.py'],
    failOn: 'warning',
    exitCode: 1,
    evidence: { 'proxy.client-ip': [/x_for\W{0,3}2|X-Forwarded-For/i] },
  },
  {
    fixture: 'no-static-location',
    defect: 'no location for /static/: Flask serves the static files (and logs them)',
    expect: { 'static.served-by-proxy': 'fail' },
    changedFiles: ['deploy/nginx.conf'],
    exitCode: 0,
    evidence: { 'static.served-by-proxy': [/\/static\/style\.css/] },
  },
  {
    fixture: 'invalid-nginx',
    defect: 'an unquoted add_header value: nginx -t rejects `includeSubDomains` as a directive',
    expect: {
      'proxy.config-valid': 'fail',
      ...NEEDS_PROXY,
      // Config facts come from `nginx -T`, which rejects the config too.
      'proxy.forwarded-headers': 'skip',
      'proxy.rate-limit': 'skip',
      'proxy.timeouts': 'skip',
      'proxy.body-size': 'skip',
      // Decided on the app port alone, or skipped for want of the proxy part.
      'health.endpoint': 'same-or-skip',
    },
    changedFiles: ['deploy/nginx.conf'],
    exitCode: 1,
    configLine: { 'proxy.config-valid': /includeSubDomains always;$/ },
    evidence: { 'proxy.config-valid': [/unknown directive/, /includeSubDomains/] },
    skipReason: /nginx/i,
  },
  {
    fixture: 'no-nginx-config',
    defect: 'no nginx config in the repo: the reference proxy stands in; Flask-Talisman sends HSTS',
    // Nothing fails: the app sends HSTS itself (tls.hsts must pass: the reference proxy sends
    // none). The checks that judge the proxy's own configuration may be skipped (it is not the
    // user's); they must not fail because of the reference proxy.
    expect: {
      'proxy.config-valid': 'same-or-skip',
      'proxy.forwarded-headers': 'same-or-skip',
      'tls.https-redirect': 'same-or-skip',
      'proxy.host-header': 'same-or-skip',
      'proxy.forwarded-spoof': 'same-or-skip',
      'static.alias-traversal': 'same-or-skip',
      'proxy.rate-limit': 'same-or-skip',
      // The reference proxy is not the user's: its version is not theirs to hide.
      'headers.server-tokens': 'same-or-skip',
      'tls.protocols': 'same-or-skip',
      'proxy.timeouts': 'same-or-skip',
      'proxy.body-size': 'same-or-skip',
    },
    changedFiles: ['app.py', 'deploy/nginx.conf', 'requirements.txt'],
    exitCode: 0,
  },
  {
    fixture: 'talisman-and-nginx-hsts',
    defect: 'Flask-Talisman and nginx both send HSTS: two Strict-Transport-Security headers',
    expect: { 'tls.hsts': 'fail' },
    severity: { 'tls.hsts': 'warning' },
    changedFiles: ['app.py', 'requirements.txt'],
    failOn: 'warning',
    exitCode: 1,
    evidence: { 'tls.hsts': [/Strict-Transport-Security|HSTS/, /duplicate|twice|two|\b2\b/i] },
  },
  {
    fixture: 'alias-traversal',
    defect: '`location /static {` with `alias /app/static/;`: /static../x reads /app/x',
    expect: { 'static.alias-traversal': 'fail' },
    changedFiles: ['deploy/nginx.conf'],
    exitCode: 1,
    configLine: { 'static.alias-traversal': /^\s*(location \/static \{|alias \/app\/static\/;)/ },
    evidence: { 'static.alias-traversal': [/\/static\.\./] },
  },
]

PROXY_CASES.push(
  {
    fixture: 'forwarded-host-spoof',
    defect:
      "the guide's location: Host, X-Forwarded-For and X-Forwarded-Proto only, so a client's X-Forwarded-Host reaches ProxyFix(x_host=1)",
    expect: { 'proxy.forwarded-spoof': 'fail' },
    changedFiles: ['deploy/nginx.conf'],
    failOn: 'warning',
    exitCode: 1,
    configLine: { 'proxy.forwarded-spoof': /^\s*location \/ \{/ },
    evidence: {
      // The canary host comes back in the trailing-slash redirect and in the app's own view.
      'proxy.forwarded-spoof': [
        /X-Forwarded-Host: fdc-spoof-[0-9a-f]{6}\.invalid on GET \/docs -> 308 Location: https:\/\/fdc-spoof-[0-9a-f]{6}\.invalid\/docs\//,
        /request\.host is fdc-spoof-/,
        /proxy_set_header X-Forwarded-Host \$host;/,
        /x_host=0/,
      ],
    },
  },
  {
    fixture: 'forwarded-host-cleared',
    defect:
      'none: nginx clears a client-sent X-Forwarded-Host (the other safe way); passes as good',
    expect: {},
    changedFiles: ['deploy/nginx.conf'],
    exitCode: 0,
  },
)

/** Issue 12: security headers, server_tokens. */
PROXY_CASES.push(
  {
    fixture: 'headers-missing',
    defect:
      'no X-Content-Type-Options, X-Frame-Options, Content-Security-Policy or Referrer-Policy, and server_tokens on',
    expect: {
      'headers.nosniff': 'fail',
      'headers.frame-options': 'fail',
      'headers.csp': 'fail',
      'headers.referrer-policy': 'fail',
      'headers.server-tokens': 'fail',
    },
    changedFiles: ['deploy/nginx.conf'],
    failOn: 'warning',
    exitCode: 1,
    configLine: {
      'headers.nosniff': /^server \{$/,
      'headers.frame-options': /^server \{$/,
      'headers.server-tokens': /^server_tokens on;$/,
    },
    evidence: {
      'headers.nosniff': [
        /GET \/ \(route\)/,
        /\/static\/style\.css/,
        /no add_header X-Content-Type-Options/,
      ],
      'headers.frame-options': [/no X-Frame-Options/],
      'headers.csp': [/no Content-Security-Policy/],
      'headers.referrer-policy': [/no Referrer-Policy/],
      'headers.server-tokens': [/nginx\/1\.\d+/, /<center>|error page/, /server_tokens on/],
    },
  },
  {
    fixture: 'csp-unsafe-inline',
    defect: "Content-Security-Policy with script-src 'self' 'unsafe-inline'",
    expect: { 'headers.csp': 'fail' },
    changedFiles: ['deploy/nginx.conf'],
    exitCode: 0,
    configLine: { 'headers.csp': /^\s*add_header Content-Security-Policy .*'unsafe-inline'/ },
    evidence: { 'headers.csp': [/'unsafe-inline'/, /script-src/] },
  },
)

/** Issue 12: old TLS. */
PROXY_CASES.push({
  fixture: 'tls-old-protocols',
  defect: 'ssl_protocols with TLSv1 and TLSv1.1, ssl_ciphers HIGH:!aNULL:!MD5:@SECLEVEL=0',
  expect: { 'tls.protocols': 'fail' },
  changedFiles: ['deploy/nginx.conf'],
  failOn: 'warning',
  exitCode: 1,
  configLine: { 'tls.protocols': /^\s*ssl_protocols TLSv1 TLSv1\.1/ },
  evidence: {
    'tls.protocols': [/TLSv1: accepted/, /TLSv1\.1: accepted/, /AES128-SHA/, /forward secrecy/],
  },
})

/** Issue 12: nginx's limits against the app's. */
PROXY_CASES.push(
  {
    fixture: 'gunicorn-timeout-above-proxy',
    defect: "Gunicorn --timeout 120 behind nginx's default proxy_read_timeout 60s",
    expect: { 'proxy.timeouts': 'fail' },
    changedFiles: ['Dockerfile'],
    failOn: 'warning',
    exitCode: 1,
    configLine: { 'proxy.timeouts': /^\s*location \/ \{/ },
    evidence: { 'proxy.timeouts': [/--timeout 120/, /proxy_read_timeout not set/, /60s/] },
  },
  {
    fixture: 'gunicorn-config-timeout',
    defect:
      "Gunicorn's timeout = 120 in its -c config file behind nginx's default proxy_read_timeout 60s",
    expect: { 'proxy.timeouts': 'fail' },
    changedFiles: ['Dockerfile', 'gunicorn.conf.py'],
    failOn: 'warning',
    exitCode: 1,
    configLine: { 'proxy.timeouts': /^\s*location \/ \{/ },
    evidence: {
      'proxy.timeouts': [/timeout 120 \(from its config file gunicorn\.conf\.py\)/, /60s/],
    },
  },
  {
    fixture: 'body-size-below-max-content',
    defect: "MAX_CONTENT_LENGTH = 16 MiB behind nginx's default client_max_body_size 1m",
    expect: { 'proxy.body-size': 'fail' },
    changedFiles: ['app.py'],
    exitCode: 0,
    configLine: { 'proxy.body-size': /^\s*location \/ \{/ },
    evidence: { 'proxy.body-size': [/16 MiB/, /client_max_body_size not set/, /-> 413/] },
  },
)

DEFECT_CASES.push(
  {
    fixture: 'hanging-boot',
    defect: 'the command waits for a database (db:5432) that never comes: nothing ever listens',
    expect: {
      'boot.ready': 'fail',
      ...NEEDS_HTTP,
      'server.workers': 'skip',
      'shutdown.graceful': 'same-or-skip',
      'image.non-root': 'same-or-skip',
      'image.exec-form': 'same-or-skip',
    },
    changedFiles: ['Dockerfile'],
    exitCode: 1,
    bootTimeout: 8,
    // Docker's embedded DNS (127.0.0.11) is never named as the app; the log tail shows the wait.
    evidence: { 'boot.ready': [/waiting for db:5432/, /^(?![\s\S]*127\.0\.0\.11)/] },
  },
  {
    fixture: 'exit-zero',
    defect: 'the command prints and exits 0 instead of serving',
    expect: {
      'boot.ready': 'fail',
      ...NEEDS_HTTP,
      'server.workers': 'skip',
      'shutdown.graceful': 'skip',
      'image.non-root': 'same-or-skip',
      'image.exec-form': 'same-or-skip',
    },
    changedFiles: ['Dockerfile'],
    exitCode: 1,
    evidence: {
      'boot.ready': [/exited 0 .*the command finished instead of serving/, /migrations applied/],
    },
  },
)

PROXY_CASES.push(
  {
    fixture: 'port-mismatch',
    defect: 'Gunicorn binds 5000; nginx passes to 127.0.0.1:8000 (a 502 for every proxied request)',
    expect: {
      'proxy.upstream': 'fail',
      'health.endpoint': 'fail',
      'proxy.https-urls': 'skip',
      'proxy.client-ip': 'skip',
      'cookies.secure': 'skip',
      'proxy.host-header': 'skip',
      'proxy.forwarded-spoof': 'skip',
    },
    changedFiles: ['Dockerfile'],
    exitCode: 1,
    configLine: { 'proxy.upstream': /^\s*proxy_pass http:\/\/127\.0\.0\.1:8000;/ },
    evidence: {
      'proxy.upstream': [/127\.0\.0\.1:8000/, /0\.0\.0\.0:5000/, /\b502\b/],
    },
    skipReason: /proxy|502/i,
  },
  {
    fixture: 'no-sessions',
    defect: 'none: the app never reads SECRET_KEY and signs nothing (secret.* not applicable)',
    expect: { 'secret.from-env': 'skip', 'secret.strength': 'skip' },
    changedFiles: ['app.py'],
    exitCode: 0,
    skipReason: /signs nothing/,
  },
  {
    fixture: 'static-route',
    defect:
      'none: /static/style.css is also in routes, so the action asks the app port for it too; nginx still serves it',
    expect: {},
    changedFiles: ['deploy/nginx.conf'],
    exitCode: 0,
    routes: ['/', '/docs', '/static/style.css'],
  },
  {
    fixture: 'uwsgi-socket',
    defect:
      "none: uWSGI's standard layout (socket = :8080 in uwsgi.ini, nginx uwsgi_pass + include uwsgi_params); spoken in the uwsgi protocol",
    // uwsgi_read_timeout (default 60s) against harakiri = 30; client_max_body_size of the uwsgi_pass location.
    expect: {},
    changedFiles: ['Dockerfile', 'deploy/nginx.conf', 'uwsgi.ini'],
    exitCode: 0,
  },
  {
    fixture: 'routes-auto',
    defect:
      'none: a dozen more routes (one POST-only, one with a required argument, one with defaults, /logout and /account/delete), checked with routes: auto',
    routes: ['auto'],
    expect: {},
    changedFiles: ['app.py'],
    exitCode: 0,
  },
)

/** Real repositories' shapes (issue 8): where the config lives, plain HTTP, templates, includes. */
PROXY_CASES.push(
  {
    fixture: 'plain-http',
    defect:
      'a plain-HTTP config (listen 80 only) at services/nginx/nginx.conf: TLS added as certbot --nginx does, every check runs',
    // With certbot's default redirect added too, it passes as good does.
    expect: {},
    changedFiles: ['deploy/nginx.conf', 'services/nginx/nginx.conf'],
    exitCode: 0,
  },
  {
    fixture: 'plain-http-no-xfp',
    defect:
      'a plain-HTTP config at deployment/nginx/myapp without X-Forwarded-Proto: behind TLS the app builds http:// URLs',
    // Without the header the client's own X-Forwarded-Proto reaches ProxyFix(x_proto=1) too.
    expect: {
      'proxy.forwarded-headers': 'fail',
      'proxy.https-urls': 'fail',
      'proxy.forwarded-spoof': 'fail',
    },
    changedFiles: ['deploy/nginx.conf', 'deployment/nginx/myapp'],
    exitCode: 1,
    configFile: 'deployment/nginx/myapp',
    configLine: { 'proxy.forwarded-headers': /^\s*location \/ \{/ },
    evidence: {
      'proxy.forwarded-headers': [/X-Forwarded-Proto/],
      'proxy.https-urls': [/http:\/\/example\.com/],
    },
  },
  {
    fixture: 'nginx-template',
    defect:
      'none: nginx/default.conf.template with ${FLASK_SERVER_ADDR} and ${NGINX_HOST}, rendered with proxy-env as the official image does',
    expect: {},
    changedFiles: ['deploy/nginx.conf', 'nginx/default.conf.template'],
    exitCode: 0,
    inputs: { 'proxy-env': 'FLASK_SERVER_ADDR=web:8000\nNGINX_HOST=example.com' },
  },
  {
    fixture: 'certbot-includes',
    defect:
      "none: certbot's lines (live/ certificates, options-ssl-nginx.conf, ssl-dhparams.pem) and Debian's proxy_params, given stand-ins",
    expect: {},
    changedFiles: ['deploy/nginx.conf'],
    exitCode: 0,
  },
  {
    fixture: 'main-conf-d',
    defect:
      'none: a main nginx/nginx.conf whose site is nginx/conf.d/app.conf (include conf.d/*.conf)',
    expect: {},
    changedFiles: ['deploy/nginx.conf', 'nginx/conf.d/app.conf', 'nginx/nginx.conf'],
    exitCode: 0,
  },
)

/** tls-termination: upstream (issue 8): a TLS load balancer in front of a plain-HTTP nginx. */
const BEHIND_BALANCER = {
  // The balancer's TLS and its plain-HTTP listener are not in the repository.
  'tls.protocols': 'skip',
  'tls.https-redirect': 'skip',
} as const
PROXY_CASES.push(
  {
    fixture: 'upstream-lb',
    defect:
      'none: nginx behind a TLS load balancer passes its X-Forwarded-Proto on; ProxyFix x_for=2 counts both proxies',
    expect: { ...BEHIND_BALANCER },
    changedFiles: ['app.py', 'deploy/nginx.conf'],
    exitCode: 0,
    inputs: { 'tls-termination': 'upstream' },
    skipReason: /load balancer/,
  },
  {
    fixture: 'upstream-scheme',
    defect:
      "X-Forwarded-Proto $scheme behind a TLS load balancer: nginx's own http overwrites the balancer's https",
    expect: { ...BEHIND_BALANCER, 'proxy.https-urls': 'fail' },
    changedFiles: ['app.py', 'deploy/nginx.conf'],
    exitCode: 1,
    inputs: { 'tls-termination': 'upstream' },
    skipReason: /load balancer/,
    configLine: { 'proxy.https-urls': /^\s*proxy_set_header X-Forwarded-Proto \$scheme;/ },
    evidence: {
      'proxy.https-urls': [
        /X-Forwarded-Proto reaching the app: http\b/,
        /X-Forwarded-Proto: https to nginx/,
      ],
    },
  },
)

/** Every fixture but `good`, with its case. */
export const ALL_CASES: DefectCase[] = [...DEFECT_CASES, ...PROXY_CASES, ...CADDY_CASES]

/**
 * Host-mode fixtures (a systemd unit, no Dockerfile; host.e2e.test.ts): `systemd-good` passes
 * every check but build.* and image.* (not applicable); each case names what its unit changes.
 */
export const HOST_GOOD = 'systemd-good'
export const HOST_CASES: DefectCase[] = [
  {
    fixture: 'systemd-defect',
    defect:
      'the unit has no User=, SECRET_KEY and a DATABASE_URL with a password in Environment=, Gunicorn on 0.0.0.0, Restart=no',
    expect: {
      'systemd.user': 'fail',
      'systemd.restart': 'fail',
      'systemd.secrets': 'fail',
      'systemd.bind-local': 'fail',
    },
    changedFiles: ['deploy/myapp.service'],
    exitCode: 1,
    configLine: {},
    evidence: {
      'systemd.secrets': [
        /SECRET_KEY \(48 characters, value not shown\)/,
        /DATABASE_URL \(a URL with a password/,
      ],
      'systemd.bind-local': [/0\.0\.0\.0:8000/],
    },
  },
]
