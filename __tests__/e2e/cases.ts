/**
 * What each fixture under __tests__/fixtures must make the action report. Shared by the
 * end-to-end tests (action.e2e.test.ts) and the fixture guard (fixtures.test.ts).
 */

/** Every check id of the catalog (shared/spec/check-catalog.md), in catalog order. */
export const CATALOG_IDS = [
  'build.image',
  'build.layer-cache',
  'image.no-baked-secrets',
  'image.non-root',
  'image.exec-form',
  'boot.ready',
  'server.production-wsgi',
  'server.workers',
  'health.endpoint',
  'proxy.https-urls',
  'proxy.client-ip',
  'proxy.forwarded-headers',
  'proxy.config-valid',
  'tls.hsts',
  'tls.https-redirect',
  'cookies.secure',
  'config.debug-off',
  'secret.from-env',
  'secret.strength',
  'logs.stdout',
  'static.served-by-proxy',
  'shutdown.graceful',
  'proxy.host-header',
  'static.alias-traversal',
  'health.no-session',
  'proxy.rate-limit',
] as const

/**
 * Checks the pipeline implements so far: the good fixture must pass each of them, and a defect
 * fixture may change only the outcomes its case names. Add an id here when its check lands.
 */
export const IMPLEMENTED = [
  'build.image',
  'build.layer-cache',
  'image.no-baked-secrets',
  'image.non-root',
  'image.exec-form',
  'boot.ready',
  'server.production-wsgi',
  'server.workers',
  'health.endpoint',
  'config.debug-off',
  'logs.stdout',
  'shutdown.graceful',
] as const
export type ImplementedId = (typeof IMPLEMENTED)[number]

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
  /** Patterns the failed check's summary, evidence and fix must show (the facts a user needs). */
  evidence?: Partial<Record<ImplementedId, RegExp[]>>
  /** The `boot-timeout` input (default 30 in the tests). */
  bootTimeout?: number
}

/** Checks that need an HTTP answer: skipped when the app never answered. */
const NEEDS_HTTP: Partial<Record<ImplementedId, Expectation>> = {
  'server.production-wsgi': 'skip',
  'health.endpoint': 'skip',
  'config.debug-off': 'skip',
  'logs.stdout': 'skip',
}

export const DEFECT_CASES: DefectCase[] = [
  {
    fixture: 'dev-server',
    defect: "app.run() (Werkzeug's development server) is the container's command",
    expect: {
      'server.production-wsgi': 'fail',
      // Workers are counted for a production server only.
      'server.workers': 'skip',
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
    expect: { 'health.endpoint': 'fail' },
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
    expect: { 'logs.stdout': 'fail' },
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
