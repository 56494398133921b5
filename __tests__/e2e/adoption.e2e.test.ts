/**
 * End to end (issue 13): the bundled action on an existing fixture copied into a temp workspace,
 * with a policy file and baseline reports written there: an exception excuses a failure (its
 * reason in the PR comment the fake GitHub API receives), an expired one does not, a malformed
 * policy stops the step before anything starts, a baseline names the new failure and the fix,
 * and the SARIF file validates against the SARIF 2.1.0 schema.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { FakeGitHub } from '../github/fake-api'
import { HEAD_SHA, PR_NUMBER, pullRequestEvent } from '../github/harness'
import { sarifErrors } from '../report/sarif-schema'
import { ROOT, SESSION_DIR, runAction, runCli, type ActionResult } from './run-action'
import { check, reportOf } from './report-checks'

const RUN_MS = 4 * 60_000
jest.setTimeout(RUN_MS)

const REASON = 'HSTS is added by the CDN until the migration'
let api: FakeGitHub

beforeAll(async () => {
  api = new FakeGitHub()
  api.pulls.set(PR_NUMBER, { number: PR_NUMBER, state: 'open', head: { sha: HEAD_SHA } })
  await api.start()
})
// Other suites search this checkout for proxy configs: the copies must not outlive this one.
const workspaces: string[] = []
afterAll(async () => {
  await api.stop()
  for (const ws of workspaces) {
    fs.rmSync(ws, { recursive: true, force: true })
    fs.rmSync(`${ws}-event.json`, { force: true })
  }
})

/** A workspace holding a copy of the fixture at its root, plus `files` (name -> text). */
function workspace(fixture: string, files: Record<string, string> = {}): string {
  fs.mkdirSync(SESSION_DIR, { recursive: true })
  const ws = fs.mkdtempSync(path.join(SESSION_DIR, `ws-${fixture}-`))
  workspaces.push(ws)
  fs.cpSync(path.join(ROOT, '__tests__', 'fixtures', fixture), ws, { recursive: true })
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(ws, name), text)
  return ws
}

/** The action on a pull_request event against the fake API, in workspace `ws`. */
function runIn(ws: string, inputs: Record<string, string> = {}): Promise<ActionResult> {
  const event = path.join(ws, '..', `${path.basename(ws)}-event.json`)
  fs.writeFileSync(event, JSON.stringify(pullRequestEvent()))
  return runAction({
    label: path.basename(ws),
    inputs: { context: '.', 'boot-timeout': '30', comment: 'true', ...inputs },
    env: {
      GITHUB_WORKSPACE: ws,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: event,
      GITHUB_API_URL: api.url,
    },
  })
}

/** The body of the last comment posted or updated on the pull request. */
function lastComment(): string {
  const calls = api.requests.filter(
    (r) => ['POST', 'PATCH'].includes(r.method) && /\/issues\/(17\/)?comments/.test(r.path),
  )
  expect(calls.length).toBeGreaterThan(0)
  return unescaped(String(calls[calls.length - 1].body.body))
}

/** Markdown as a reader sees it: backslash escapes removed. */
const unescaped = (md: string): string => md.replace(/\\([\\`*_{}[\]()#+.!|-])/g, '$1')

const policy = (until: string): string =>
  `checks:\n  tls.hsts:\n    level: warning\n    reason: "${REASON}"\n    until: ${until}\n`

describe('a policy excusing the failed check, with a SARIF path', () => {
  let run: ActionResult
  let comment: string
  let ws: string
  beforeAll(async () => {
    ws = workspace('no-hsts', { '.flask-deploy-check.yml': policy('2099-12-31') })
    run = await runIn(ws, { 'sarif-path': 'out/fdc.sarif' })
    comment = lastComment()
  }, RUN_MS)

  it('passes: the failure counts at warning, under fail-on: error', () => {
    expect({ exit: run.exitCode, verdict: run.outputs.verdict }).toEqual({
      exit: 0,
      verdict: 'pass',
    })
    const hsts = check(run, 'tls.hsts')
    expect(hsts).toMatchObject({
      status: 'failed',
      severity: 'warning',
      policy: {
        exception: { level: 'warning', reason: REASON, until: '2099-12-31', expired: false },
      },
    })
    expect(reportOf(run).policy).toEqual({ file: '.flask-deploy-check.yml' })
  })

  it('shows the exception with its reason and expiry in the comment, the summary and the log', () => {
    const line = `\`tls.hsts\` at warning (was error) until 2099-12-31: ${REASON}`
    expect(comment).toContain(line)
    expect(unescaped(run.summary)).toContain(line)
    expect(run.log).toContain(
      `policy exception: tls.hsts at warning (was error) until 2099-12-31: ${REASON}`,
    )
  })

  it('writes a SARIF 2.1.0 log that validates, with the located finding', () => {
    const sarif = JSON.parse(fs.readFileSync(path.join(ws, 'out', 'fdc.sarif'), 'utf8'))
    expect(sarifErrors(sarif)).toEqual([])
    const results = sarif.runs[0].results as {
      ruleId: string
      level: string
      locations: { physicalLocation: { artifactLocation: { uri: string }; region?: unknown } }[]
    }[]
    expect(results.map((r) => [r.ruleId, r.level])).toEqual([['tls.hsts', 'warning']])
    const where = results[0].locations[0].physicalLocation
    expect(where.artifactLocation.uri).toBe('deploy/nginx.conf')
    expect(where.region).toMatchObject({ startLine: expect.any(Number) })
  })
})

describe('an expired exception', () => {
  let run: ActionResult
  beforeAll(async () => {
    const ws = workspace('no-hsts', { '.flask-deploy-check.yml': policy('2020-01-01') })
    run = await runIn(ws)
  }, RUN_MS)

  it('fails, at the check own severity, and says the exception expired on its date', () => {
    expect(run.exitCode).toBe(1)
    expect(check(run, 'tls.hsts')).toMatchObject({
      status: 'failed',
      severity: 'error',
      policy: { exception: { expired: true, until: '2020-01-01' } },
    })
    const says = 'tls.hsts expired on 2020-01-01 (counts at error again)'
    expect(run.log).toContain(`policy exception: ${says}: ${REASON}`)
    expect(run.log).toContain('tls.hsts (error, policy exception expired on 2020-01-01)')
    expect(lastComment()).toContain('`tls.hsts` expired on 2020-01-01 (counts at error again)')
  })
})

describe('a malformed policy', () => {
  const bad = 'checks:\n  tls.hsts:\n    level: warning\n    reson: typo\n'
  it('stops the action before anything starts, naming the file, the line and the key', async () => {
    const ws = workspace('no-hsts', { '.flask-deploy-check.yml': bad })
    const run = await runIn(ws)
    expect(run.exitCode).toBe(1)
    expect(run.log).toContain(
      "::error::policy file .flask-deploy-check.yml line 4: unknown key 'reson' under checks.tls.hsts",
    )
    expect(run.state.runId).toBeUndefined()
    expect(run.report).toBeUndefined()
  })

  it('is a usage error of the CLI: exit 2, one line', async () => {
    const ws = workspace('no-hsts', { 'policy.yml': bad })
    const r = await runCli(['--context', ws, '--policy-file', path.join(ws, 'policy.yml')])
    expect(r.exitCode).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/policy file .*policy\.yml line 4: unknown key 'reson'/)
  })
})

describe('a baseline in which one check newly fails and one is fixed', () => {
  let cookie: ActionResult
  let plain: ActionResult
  let newOnly: ActionResult
  let stillFailing: ActionResult
  let comment: string
  beforeAll(async () => {
    // The base branch's report: the session cookie lacked Secure, HSTS was there.
    cookie = await runIn(workspace('cookie-not-secure'), { comment: 'false' })
    const ws = workspace('no-hsts', {
      'base.json': fs.readFileSync(reportPathOf(cookie), 'utf8'),
    })
    plain = await runIn(ws, { 'baseline-report': 'base.json' })
    comment = lastComment()
    newOnly = await runIn(ws, { 'baseline-report': 'base.json', 'fail-on-new-only': 'true' })
    // This branch's own report as the baseline: tls.hsts fails in both.
    fs.writeFileSync(path.join(ws, 'same.json'), fs.readFileSync(reportPathOf(plain), 'utf8'))
    stillFailing = await runIn(ws, { 'baseline-report': 'same.json', 'fail-on-new-only': 'true' })
  }, 5 * RUN_MS)

  it('the comment leads with the new failure and the fix', () => {
    const base = comment.indexOf('**Compared with the baseline** `base.json`')
    expect(base).toBeGreaterThan(0)
    expect(comment).toContain('🆕 **New failures (1):** `tls.hsts`')
    expect(comment).toContain('🎉 **Fixed (1):** `cookies.secure`')
    expect(base).toBeLessThan(comment.indexOf('**tls.hsts**'))
    expect(reportOf(plain).baseline).toMatchObject({
      new_failures: ['tls.hsts'],
      fixed: ['cookies.secure'],
      still_failing: [],
      fail_on_new_only: false,
    })
    expect(plain.log).toContain(
      'baseline base.json: new failures: tls.hsts; fixed: cookies.secure; still failing: none',
    )
  })

  it('fails the step for the new failure, with and without fail-on-new-only', () => {
    expect([plain.exitCode, newOnly.exitCode]).toEqual([1, 1])
    expect(newOnly.log).toContain(
      "1 new failure(s) against the baseline under fail-on 'error': tls.hsts (error)",
    )
  })

  it('with fail-on-new-only, a check failing in the baseline too does not fail the step', () => {
    expect({ exit: stillFailing.exitCode, verdict: stillFailing.outputs.verdict }).toEqual({
      exit: 0,
      verdict: 'pass',
    })
    expect(check(stillFailing, 'tls.hsts')).toMatchObject({
      status: 'failed',
      baseline: 'still failing',
    })
  })
})

function reportPathOf(run: ActionResult): string {
  const file = run.outputs['report-path']
  if (!file || !fs.existsSync(file)) throw new Error(`no report (exit ${run.exitCode})`)
  return file
}
