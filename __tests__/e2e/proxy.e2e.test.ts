/**
 * End to end, the TLS proxy in front (issue 3): the bundled action stands each fixture up as
 * production does (Browser -> nginx with TLS -> Gunicorn -> Flask, nginx in its own container on
 * a network of the run) and the tests read what a user reads: exit code, outputs, job summary,
 * annotations, JSON report.
 *
 * The good fixture carries a seed-style deploy/nginx.conf (port-80 redirect, a default server
 * that drops foreign hosts, HSTS `always`, /static/ served by nginx, limit_req); every fixture of
 * PROXY_CASES (cases.ts) is that plus one defect, and must change exactly the outcomes its case
 * names. Every run requests `/` (sets the session cookie, links to itself with _external=True)
 * and `/docs` (Werkzeug's 308 to /docs/ with an absolute Location). What each fixture does
 * behind a real nginx, checked by hand: __tests__/fixtures/README.md.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { CATALOG_IDS, HOST_ONLY, PROXY_CASES, type DefectCase, type ImplementedId } from './cases'
import { ROOT, runAction, type ActionResult } from './run-action'
import {
  check,
  expectFailedWithFix,
  expectOnlyItsChecksChanged,
  leftovers,
  reportOf,
  statuses,
} from './report-checks'

/** Small, so that a fixture that never answers does not hold the suite for a minute. */
const BOOT_TIMEOUT = 30
/** Jest timeout of a hook or test that runs the action once. */
const RUN_MS = 4 * 60_000
/** The `routes` input of every run. */
const ROUTES = ['/', '/docs'].join('\n')
/** The probe answers on /__flask_deploy_check/<token>: the token must never be shown. */
const PROBE_PATH = /__flask_deploy_check\/[0-9a-f]{32}/i

const fixtureDir = (name: string): string => `__tests__/fixtures/${name}`
const nginxConf = (name: string): string => `${fixtureDir(name)}/deploy/nginx.conf`

const runs = new Map<string, Promise<ActionResult>>()

/** Runs the action on a fixture once per suite and inputs (later callers share the result). */
function runFixture(name: string, inputs: Record<string, string> = {}): Promise<ActionResult> {
  const all = {
    context: fixtureDir(name),
    routes: ROUTES,
    'boot-timeout': String(BOOT_TIMEOUT),
    ...inputs,
  }
  const key = JSON.stringify(all)
  let run = runs.get(key)
  if (run === undefined) {
    run = runAction({ label: `proxy ${name}`, inputs: all })
    runs.set(key, run)
  }
  return run
}

const runGood = (): Promise<ActionResult> => runFixture('good')

function runCase(c: DefectCase): Promise<ActionResult> {
  return runFixture(c.fixture, {
    'fail-on': c.failOn ?? 'error',
    'boot-timeout': String(c.bootTimeout ?? BOOT_TIMEOUT),
    ...(c.routes ? { routes: c.routes.join('\n') } : {}),
    ...c.inputs,
  })
}

/** Values the step registered with ::add-mask:: (the SECRET_KEY it injected among them). */
const maskedValues = (run: ActionResult): string[] =>
  run.stdout
    .split('\n')
    .flatMap((l) => /^::add-mask::(.*)$/.exec(l)?.[1]?.trim() ?? [])
    .filter((v) => v.length >= 8)

/** What a run shows a person outside the masked step log: report, summary, annotations. */
function surfaces(run: ActionResult): Record<string, string> {
  return {
    report: JSON.stringify(run.report ?? {}),
    summary: run.summary,
    annotations: run.annotations
      .map((a) => `${JSON.stringify(a.properties)} ${a.message}`)
      .join('\n'),
  }
}

/** Where a pattern or value shows, as `surface: the line`. */
function showing(places: Record<string, string>, found: (line: string) => boolean): string[] {
  return Object.entries(places).flatMap(([where, text]) =>
    text
      .split('\n')
      .filter(found)
      .map((l) => `${where}: ${l.slice(0, 200)}`),
  )
}

/** The probe's path and the masked values, wherever a person could read them. */
function leaks(run: ActionResult): string[] {
  const masks = maskedValues(run)
  const probe = showing({ ...surfaces(run), log: run.log, stderr: run.stderr }, (l) =>
    PROBE_PATH.test(l),
  )
  const secrets = showing(surfaces(run), (l) => masks.some((m) => l.includes(m)))
  return [...probe, ...secrets.map((s) => `masked value in ${s}`)]
}

/** The lines of a repository file that match a pattern (1-based). */
function linesMatching(file: string, pattern: RegExp): number[] {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n')
  return lines.flatMap((l, i) => (pattern.test(l) ? [i + 1] : []))
}

describe('the good fixture behind its nginx', () => {
  let run: ActionResult
  beforeAll(async () => {
    run = await runGood()
  }, RUN_MS)

  it('passes: exit 0, verdict pass, no failed check', () => {
    const failed = reportOf(run)
      .checks.filter((c) => c.status === 'failed')
      .map((c) => `${c.id}: ${c.summary}`)
    expect({ exitCode: run.exitCode, verdict: run.outputs.verdict, failed }).toEqual({
      exitCode: 0,
      verdict: 'pass',
      failed: [],
    })
  })

  it('passes every check of the catalog (tls.https-redirect skipped only without a port-80 server)', () => {
    const listens80 = linesMatching(nginxConf('good'), /^\s*listen\s+80\b/).length > 0
    expect(listens80).toBe(true)
    const expected = Object.fromEntries(CATALOG_IDS.map((id) => [id, 'passed']))
    if (!listens80) expected['tls.https-redirect'] = 'skipped'
    // systemd.* judge a unit file: not applicable to a Docker run.
    for (const id of HOST_ONLY) expected[id] = 'skipped'
    expect(statuses(run, CATALOG_IDS)).toEqual(expected)
  })

  it('says which nginx config it put in front and which upstream it pointed at the app', () => {
    const report = JSON.stringify(reportOf(run))
    expect(report).toMatch(/deploy\/nginx\.conf/)
    expect(report).toMatch(/127\.0\.0\.1:8000/)
  })

  it('shows neither the SECRET_KEY it injected nor the probe path, in any surface', () => {
    // The injected key is registered with add-mask, like every value the step must hide.
    expect(maskedValues(run).length).toBeGreaterThan(0)
    expect(leaks(run)).toEqual([])
  })

  it('adds seconds, not a boot-timeout, to booting the app', () => {
    const t = reportOf(run).timings_ms
    expect(t.total - t.build - t.boot).toBeLessThan(20_000)
  })

  it('leaves no container or network behind (app, proxy, second boot, network)', () => {
    expect(leftovers(run)).toEqual([])
  })
})

describe.each(PROXY_CASES)('the $fixture fixture ($defect)', (c: DefectCase) => {
  const failOn = c.failOn ?? 'error'
  let run: ActionResult
  let good: ActionResult
  beforeAll(async () => {
    good = await runGood()
    run = await runCase(c)
  }, 2 * RUN_MS)

  const failing = (Object.keys(c.expect) as ImplementedId[]).filter((id) => c.expect[id] === 'fail')
  const skipping = (Object.keys(c.expect) as ImplementedId[]).filter(
    (id) => c.expect[id] === 'skip',
  )

  it(`exits ${c.exitCode} under fail-on: ${failOn}`, () => {
    expect({ exitCode: run.exitCode, verdict: run.outputs.verdict }).toEqual({
      exitCode: c.exitCode,
      verdict: c.exitCode === 1 ? 'fail' : 'pass',
    })
  })

  if (failing.length > 0) {
    it(`fails ${failing.join(' and ')}, with its severity, evidence and a fix`, () =>
      expectFailedWithFix(run, c, failing))
  }

  it('changes no other check versus the good fixture', () =>
    expectOnlyItsChecksChanged(run, good, c))

  it('gives the reason for every check it skipped', () => {
    const unexplained = reportOf(run).checks.filter(
      (r) => r.status === 'skipped' && r.summary.trim() === '',
    )
    expect(unexplained.map((r) => r.id)).toEqual([])
    if (c.skipReason !== undefined) {
      const pattern = c.skipReason
      const without = skipping.filter((id) => !pattern.test(check(run, id).summary))
      expect(without.map((id) => `${id}: ${check(run, id).summary}`)).toEqual([])
    }
  })

  if (c.configLine !== undefined) {
    it('points at the nginx config line, in the report and as an annotation', () => {
      const file = c.configFile ? `${fixtureDir(c.fixture)}/${c.configFile}` : nginxConf(c.fixture)
      for (const [id, pattern] of Object.entries(c.configLine ?? {})) {
        const candidates = linesMatching(file, pattern)
        expect(candidates.length).toBeGreaterThan(0)
        const r = check(run, id)
        expect(r.location?.file).toBe(file)
        expect(candidates).toContain(r.location?.line)
        const annotation = run.annotations.find(
          (a) => a.properties.file === file && a.properties.title?.includes(id),
        )
        expect(annotation).toMatchObject({
          level: r.severity,
          properties: { line: String(r.location?.line) },
        })
      }
    })
  }

  it('shows neither the SECRET_KEY it injected nor the probe path', () => {
    expect(leaks(run)).toEqual([])
  })

  it('leaves no container or network behind', () => {
    expect(leftovers(run)).toEqual([])
  })
})

describe('a repository without an nginx config', () => {
  it(
    'is checked behind the reference proxy, and the report says so',
    async () => {
      const c = PROXY_CASES.find((p) => p.fixture === 'no-nginx-config')
      if (c === undefined) throw new Error('no case for no-nginx-config')
      expect(fs.existsSync(path.join(ROOT, nginxConf(c.fixture)))).toBe(false)
      const run = await runCase(c)
      expect(JSON.stringify(reportOf(run))).toMatch(/reference/i)
      // The reference proxy sends no HSTS: the header every response carries is Talisman's.
      expect(check(run, 'tls.hsts').status).toBe('passed')
    },
    2 * RUN_MS,
  )
})

describe('the plain-http fixture, in the report target', () => {
  it(
    'names the config found by content and says TLS was added (target.proxy), nothing skipped',
    async () => {
      const c = PROXY_CASES.find((p) => p.fixture === 'plain-http')
      if (c === undefined) throw new Error('no case for plain-http')
      const run = await runCase(c)
      const report = reportOf(run)
      expect(report.target).toMatchObject({
        runtime: 'docker',
        proxy: {
          kind: 'nginx',
          config: `${fixtureDir(c.fixture)}/services/nginx/nginx.conf`,
          tls: 'added',
        },
      })
      // Nothing skipped but the systemd.* checks, which judge a unit file.
      expect(report.checks.filter((r) => r.status === 'skipped').map((r) => r.id)).toEqual([
        ...HOST_ONLY,
      ])
      const valid = check(run, 'proxy.config-valid')
      expect(valid.evidence?.join('\n')).toMatch(/listen 443 ssl.*as certbot --nginx does/)
    },
    2 * RUN_MS,
  )
})
