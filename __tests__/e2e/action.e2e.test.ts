/**
 * End to end: the bundled action and the CLI against the fixtures, on a real Docker engine.
 * Each fixture is built (with the layer cache), booted, probed and stopped by the action itself;
 * the tests read what a user reads: exit code, outputs, job summary, annotations, JSON report.
 *
 * Fixtures run one after the other (the e2e project runs in band). A defect whose check is only a
 * warning runs either under the default fail-on: error (the step passes and reports the failed
 * warning: root-user, no-access-log) or under fail-on: warning (the step fails: shell-form,
 * bad-layer-cache), so both policies are covered; see cases.ts.
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  CATALOG_IDS,
  HOST_ONLY,
  DEFECT_CASES,
  IMPLEMENTED,
  type DefectCase,
  type ImplementedId,
} from './cases'
import {
  BASE_IMAGE,
  ROOT,
  containersCreatedBetween,
  labelledObjects,
  parseCommandFile,
  proxyImageForTests,
  runAction,
  runCli,
  runPost,
  startAction,
  type ActionResult,
  type LabelledObject,
} from './run-action'
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
/** Jest timeout of a hook or test that runs the action once (a build here takes 5-20 s). */
const RUN_MS = 4 * 60_000

const fixtureDir = (name: string): string => `__tests__/fixtures/${name}`

const runs = new Map<string, Promise<ActionResult>>()

/** Runs the action on a fixture once per suite and inputs (later callers share the result). */
function runFixture(name: string, inputs: Record<string, string> = {}): Promise<ActionResult> {
  const all = { context: fixtureDir(name), 'boot-timeout': String(BOOT_TIMEOUT), ...inputs }
  const key = JSON.stringify(all)
  let run = runs.get(key)
  if (run === undefined) {
    run = runAction({ label: name, inputs: all })
    runs.set(key, run)
  }
  return run
}

/** The run of a defect case, with the case's fail-on and boot-timeout. */
function runCase(c: DefectCase): Promise<ActionResult> {
  return runFixture(c.fixture, {
    'fail-on': c.failOn ?? 'error',
    'boot-timeout': String(c.bootTimeout ?? BOOT_TIMEOUT),
  })
}

function caseOf(fixture: string): DefectCase {
  const c = DEFECT_CASES.find((d) => d.fixture === fixture)
  if (c === undefined) throw new Error(`no case for fixture ${fixture}`)
  return c
}

const failedIds = (run: ActionResult): string[] =>
  reportOf(run)
    .checks.filter((c) => c.status === 'failed')
    .map((c) => c.id)

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('the good fixture', () => {
  let run: ActionResult
  beforeAll(async () => {
    run = await runFixture('good')
  }, RUN_MS)

  it('passes: exit 0, verdict pass, no failed check', () => {
    expect({
      exitCode: run.exitCode,
      verdict: run.outputs.verdict,
      failed: failedIds(run),
    }).toEqual({
      exitCode: 0,
      verdict: 'pass',
      failed: [],
    })
  })

  it('passes every implemented check', () => {
    const expected = Object.fromEntries(IMPLEMENTED.map((id) => [id, 'passed']))
    expect(statuses(run, IMPLEMENTED)).toEqual(expected)
  })

  it('sets the outputs from the report', () => {
    const report = reportOf(run)
    const { passed, failed, skipped } = report.counts
    expect(run.outputs).toMatchObject({
      verdict: 'pass',
      passed: String(passed),
      failed: String(failed),
      skipped: String(skipped),
      'report-path': path.join(run.files.runnerTemp, 'flask-deploy-check', 'report.json'),
      image: report.target.image,
    })
    expect(passed + failed + skipped).toBe(CATALOG_IDS.length)
    expect(run.outputs.image).not.toBe('')
  })

  it('writes a schema-1 report listing every catalog check exactly once, in order', () => {
    const report = reportOf(run)
    expect(report.schema).toBe(1)
    expect(report.tool.name).toBe('flask-deploy-check')
    expect(report.target).toMatchObject({
      context: fixtureDir('good'),
      file: `${fixtureDir('good')}/Dockerfile`,
    })
    expect(report.checks.map((c) => c.id)).toEqual([...CATALOG_IDS])
    const unexplained = report.checks.filter(
      (c) => c.status === 'skipped' && c.summary.trim() === '',
    )
    expect(unexplained.map((c) => c.id)).toEqual([])
    for (const key of ['build', 'boot', 'checks', 'total'] as const) {
      expect(report.timings_ms[key]).toBeGreaterThanOrEqual(0)
    }
    expect(report.timings_ms.total).toBeGreaterThan(0)
  })

  it('writes the checklist table to the job summary, one row per check it ran, the rest listed as skipped', () => {
    const lines = run.summary.split('\n')
    expect(lines).toContain('| | Check | Result |')
    const skipped = new Set(
      reportOf(run)
        .checks.filter((c) => c.status === 'skipped')
        .map((c) => c.id),
    )
    // systemd.* judge a unit file: not applicable to a Docker run, listed under "Skipped".
    expect([...skipped]).toEqual([...HOST_ONLY])
    const rowsWithoutId = CATALOG_IDS.filter(
      (id) =>
        lines.filter((l) => l.startsWith(skipped.has(id) ? '- ' : '|') && l.includes(`\`${id}\``))
          .length !== 1,
    )
    expect(rowsWithoutId).toEqual([])
    expect(lines.find((l) => l.startsWith('### '))).toMatch(/pass/)
  })

  it('raises no error annotation', () => {
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([])
  })

  it('leaves no container or network behind', () => {
    expect(leftovers(run)).toEqual([])
  })
})

describe.each(DEFECT_CASES)('the $fixture fixture ($defect)', (c: DefectCase) => {
  const failOn = c.failOn ?? 'error'
  let run: ActionResult
  let good: ActionResult
  beforeAll(async () => {
    good = await runFixture('good')
    run = await runCase(c)
  }, 2 * RUN_MS)

  const failing = (Object.keys(c.expect) as ImplementedId[]).filter((id) => c.expect[id] === 'fail')

  it(`exits ${c.exitCode} under fail-on: ${failOn}`, () => {
    expect({ exitCode: run.exitCode, verdict: run.outputs.verdict }).toEqual({
      exitCode: c.exitCode,
      verdict: c.exitCode === 1 ? 'fail' : 'pass',
    })
  })

  it(`fails ${failing.join(' and ')}, with evidence and a fix`, () =>
    expectFailedWithFix(run, c, failing))

  it('changes no other implemented check versus the good fixture', () =>
    expectOnlyItsChecksChanged(run, good, c))

  it('gives the reason for every check it skipped', () => {
    const unexplained = reportOf(run).checks.filter(
      (r) => r.status === 'skipped' && r.summary.trim() === '',
    )
    expect(unexplained.map((r) => r.id)).toEqual([])
  })

  if (c.dockerfileLine !== undefined) {
    it('points at the Dockerfile line, in the report and as an annotation', () => {
      const dockerfile = `${fixtureDir(c.fixture)}/Dockerfile`
      const lines = fs.readFileSync(path.join(ROOT, dockerfile), 'utf8').split('\n')
      for (const [id, pattern] of Object.entries(c.dockerfileLine ?? {})) {
        const candidates = lines.flatMap((l, i) => (pattern.test(l) ? [i + 1] : []))
        expect(candidates.length).toBeGreaterThan(0)
        const r = check(run, id)
        expect(r.location?.file).toBe(dockerfile)
        expect(candidates).toContain(r.location?.line)
        const annotation = run.annotations.find(
          (a) => a.properties.file === dockerfile && a.properties.title?.includes(id),
        )
        expect(annotation).toMatchObject({
          level: r.severity,
          properties: { line: String(r.location?.line) },
        })
      }
    })
  }

  it('leaves no container or network behind', () => {
    expect(leftovers(run)).toEqual([])
  })
})

describe('a crash on boot', () => {
  it(
    'is reported at once, not after boot-timeout',
    async () => {
      const run = await runCase(caseOf('crash-on-boot'))
      const boot = check(run, 'boot.ready')
      expect(boot.status).toBe('failed')
      // The container exits within a second; waiting for the 30 s boot-timeout would be a bug.
      expect(reportOf(run).timings_ms.boot).toBeLessThan((BOOT_TIMEOUT * 1000) / 3)
    },
    2 * RUN_MS,
  )
})

describe('a secret baked into the image', () => {
  it(
    'is named, and its value appears nowhere in the step log, summary or report',
    async () => {
      const run = await runCase(caseOf('baked-secret'))
      const dockerfile = fs.readFileSync(
        path.join(ROOT, fixtureDir('baked-secret'), 'Dockerfile'),
        'utf8',
      )
      const value = /^ENV SECRET_KEY=(\S+)/m.exec(dockerfile)?.[1] ?? ''
      expect(value.length).toBeGreaterThan(8)
      expect(check(run, 'image.no-baked-secrets').status).toBe('failed')
      // The runner log masks what the step registered with add-mask (the build output included).
      const places = {
        log: run.log,
        stderr: run.stderr,
        summary: run.summary,
        report: JSON.stringify(run.report),
      }
      const showing = Object.entries(places)
        .filter(([, text]) => text.includes(value))
        .map(([where, text]) => `${where}: ${text.split('\n').find((l) => l.includes(value))}`)
      expect(showing).toEqual([])
    },
    2 * RUN_MS,
  )
})

describe('a bad input', () => {
  it(
    'fails the step with one line naming the input, before anything starts',
    async () => {
      const from = Date.now()
      const run = await runAction({
        label: 'bad-input',
        inputs: { context: fixtureDir('good'), 'fail-on': 'sometimes' },
        timeoutMs: 60_000,
      })
      const created = containersCreatedBetween(from, Date.now())
      expect(run.exitCode).not.toBe(0)
      const errors = run.annotations.filter((a) => a.level === 'error')
      expect(errors).toHaveLength(1)
      expect(errors[0].message).toMatch(/fail-on/)
      expect(errors[0].message).toMatch(/sometimes/)
      expect(errors[0].message).not.toMatch(/\n/)
      expect({ created, report: run.report, verdict: run.outputs.verdict }).toEqual({
        created: 0,
        report: undefined,
        verdict: undefined,
      })
    },
    RUN_MS,
  )
})

describe('the CLI', () => {
  let tmp: string
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-e2e-cli-'))
  })
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

  it(
    'checks the good fixture: exit 0, the checklist on stdout, the JSON report on disk',
    async () => {
      const reportPath = path.join(tmp, 'report.json')
      const r = await runCli([
        '--context',
        fixtureDir('good'),
        '--build-arg',
        `BASE=${BASE_IMAGE}`,
        '--proxy-image',
        proxyImageForTests(),
        '--boot-timeout',
        String(BOOT_TIMEOUT),
        '--report-path',
        reportPath,
      ])
      expect({ exitCode: r.exitCode, stderr: r.stderr }).toMatchObject({ exitCode: 0 })
      const lines = r.stdout.split('\n')
      expect(CATALOG_IDS.filter((id) => !lines.some((l) => l.includes(id)))).toEqual([])
      expect(r.stdout).toMatch(/^PASS/m)
      const report = JSON.parse(fs.readFileSync(reportPath, 'utf8')) as NonNullable<
        ActionResult['report']
      >
      // The CLI keeps the image it built, as the action does; the suite does not need it.
      spawnSync('docker', ['rmi', report.target.image], { stdio: 'ignore' })
      expect(report.verdict).toBe('pass')
      expect(report.checks.map((c) => c.id)).toEqual([...CATALOG_IDS])
    },
    RUN_MS,
  )

  it.each([
    [['--fail-on', 'sometimes'], /--fail-on/],
    [['--no-such-flag'], /no-such-flag/],
  ])(
    'exits 2 with a one-line message for %j',
    async (args, pattern) => {
      const from = Date.now()
      const r = await runCli(['--context', fixtureDir('good'), ...args], 60_000)
      expect(r.exitCode).toBe(2)
      const first = r.stderr.split('\n')[0]
      expect(first).toMatch(pattern)
      expect(r.stdout).toBe('')
      expect(containersCreatedBetween(from, Date.now())).toBe(0)
    },
    RUN_MS,
  )
})

describe('a run killed mid-way', () => {
  it(
    'leaves nothing behind once its post step ran',
    async () => {
      const running = startAction({
        label: 'killed',
        inputs: { context: fixtureDir('good'), 'boot-timeout': String(BOOT_TIMEOUT) },
      })
      let runId = ''
      let seen: LabelledObject[] = []
      const deadline = Date.now() + 3 * 60_000
      while (Date.now() < deadline && running.child.exitCode === null) {
        const state = fs.existsSync(running.files.state)
          ? fs.readFileSync(running.files.state, 'utf8')
          : ''
        runId = parseCommandFile(state).runId ?? ''
        // The app container lives through the whole observation; the proxy, the second boot and
        // nginx -T come and go near the end, when cleanup may already be under way.
        seen = runId
          ? labelledObjects(runId).filter((o) => o.kind === 'container' && o.name.endsWith('-app'))
          : []
        if (seen.length > 0) break
        await sleep(150)
      }
      running.child.kill('SIGKILL')
      const main = await running.result
      // Killed while its container ran, and nothing tidied up behind the dead process's back.
      expect({ signal: main.signal, runId: runId !== '', containerSeen: seen.length > 0 }).toEqual({
        signal: 'SIGKILL',
        runId: true,
        containerSeen: true,
      })
      expect(labelledObjects(runId).length).toBeGreaterThan(0)

      const post = await runPost(main, { timeoutMs: 2 * 60_000 })
      expect(post.exitCode).toBe(0)
      expect(labelledObjects(runId)).toEqual([])
    },
    RUN_MS,
  )
})
