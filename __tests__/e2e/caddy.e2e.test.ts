/**
 * End to end, Caddy in front (issue 10): the bundled action finds the fixture's deploy/Caddyfile
 * (there is no nginx config), reads it with `caddy adapt` in the proxy image, runs it in Caddy
 * with internal-CA certificates and the loopback upstream pointed at the app, and every proxy,
 * TLS, static and header check judges it, pointing at Caddyfile lines.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { CATALOG_IDS, HOST_ONLY, type DefectCase, type ImplementedId } from './cases'
import { CADDY_CASES, CADDY_GOOD, CADDY_NOT_APPLICABLE } from './caddy-cases'
import { ROOT, runAction, type ActionResult } from './run-action'
import {
  check,
  expectFailedWithFix,
  expectOnlyItsChecksChanged,
  leftovers,
  reportOf,
  statuses,
} from './report-checks'

const RUN_MS = 4 * 60_000
const runs = new Map<string, Promise<ActionResult>>()

function runFixture(c: DefectCase): Promise<ActionResult> {
  let run = runs.get(c.fixture)
  if (run === undefined) {
    run = runAction({
      label: `caddy ${c.fixture}`,
      inputs: {
        context: `__tests__/fixtures/${c.fixture}`,
        routes: ['/', '/docs'].join('\n'),
        'boot-timeout': '30',
        'fail-on': c.failOn ?? 'error',
        ...c.inputs,
      },
    })
    runs.set(c.fixture, run)
  }
  return run
}

function linesMatching(file: string, pattern: RegExp): number[] {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n')
  return lines.flatMap((l, i) => (pattern.test(l) ? [i + 1] : []))
}

describe('the caddy-good fixture behind its Caddyfile', () => {
  let run: ActionResult
  beforeAll(async () => {
    run = await runFixture(CADDY_GOOD)
  }, RUN_MS)

  it('passes every check of the catalog; proxy.rate-limit does not apply to Caddy', () => {
    const expected: Record<string, string> = Object.fromEntries(
      CATALOG_IDS.map((id) => [id, 'passed']),
    )
    for (const id of [...CADDY_NOT_APPLICABLE, ...HOST_ONLY]) expected[id] = 'skipped'
    expect({ exitCode: run.exitCode, statuses: statuses(run, CATALOG_IDS) }).toEqual({
      exitCode: 0,
      statuses: expected,
    })
    expect(check(run, 'proxy.rate-limit').skip_reason).toBe('not-applicable')
  })

  it('reports target.proxy kind caddy with the Caddyfile it used', () => {
    expect(reportOf(run).target.proxy).toEqual({
      kind: 'caddy',
      config: '__tests__/fixtures/caddy-good/deploy/Caddyfile',
      tls: 'nginx',
    })
  })

  it("says how the loopback upstream reached the app and that Caddy's certificate verified", () => {
    const evidence = check(run, 'proxy.config-valid').evidence.join('\n')
    expect(evidence).toMatch(/reverse_proxy 127\.0\.0\.1:8000 -> app:8000 \(line 26\)/)
    expect(evidence).toMatch(/verifies against Caddy's internal root CA/)
  })

  it("sees Caddy's own behaviour: the 308 redirect, its forwarded headers", () => {
    expect(check(run, 'tls.https-redirect').summary).toMatch(/\(308\)/)
    expect(check(run, 'proxy.forwarded-headers').evidence.join('\n')).toMatch(
      /X-Forwarded-Proto: https/,
    )
  })

  it('leaves no container or network behind', () => {
    expect(leftovers(run)).toEqual([])
  })
})

describe.each(CADDY_CASES.slice(1))('the $fixture fixture ($defect)', (c: DefectCase) => {
  let run: ActionResult
  let good: ActionResult
  beforeAll(async () => {
    good = await runFixture(CADDY_GOOD)
    run = await runFixture(c)
  }, 2 * RUN_MS)
  const failing = (Object.keys(c.expect) as ImplementedId[]).filter((id) => c.expect[id] === 'fail')

  it(`exits ${c.exitCode}`, () => {
    expect(run.exitCode).toBe(c.exitCode)
  })

  it(`fails ${failing.join(' and ')}, with its severity, evidence and a fix`, () =>
    expectFailedWithFix(run, c, failing))

  it('changes no other check versus caddy-good', () => expectOnlyItsChecksChanged(run, good, c))

  it('points at the Caddyfile line', () => {
    const file = `__tests__/fixtures/${c.fixture}/${c.configFile ?? 'deploy/Caddyfile'}`
    for (const [id, pattern] of Object.entries(c.configLine ?? {})) {
      const loc = check(run, id).location
      expect({ id, file: loc?.file }).toEqual({ id, file })
      expect(linesMatching(file, pattern)).toContain(loc?.line)
    }
  })

  it('leaves no container or network behind', () => {
    expect(leftovers(run)).toEqual([])
  })
})
