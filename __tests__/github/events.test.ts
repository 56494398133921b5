/**
 * Events, permissions, transient failures and the check run, through the bundled action against
 * the local fake API: a fork's 403 degrades, 5xx is retried, push finds its PR (or posts no
 * comment), annotations go 50 per request, and a report that is not schema 1 is refused.
 */
import * as fs from 'node:fs'
import type { CheckResult } from '../../src/checks/lib/types'
import type { Report } from '../../src/report/report'
import type { Annotation } from '../e2e/run-action'
import { recordedReport, withoutSkipReasons } from '../report/recorded'
import { FakeGitHub, OWNER_REPO } from './fake-api'
import {
  HEAD_SHA,
  PR_NUMBER,
  buildBundle,
  pullRequestEvent,
  pushEvent,
  reportFor,
  runStep,
  type StepOptions,
} from './harness'

jest.setTimeout(120_000)

let bundle = ''
let api: FakeGitHub

beforeAll(() => {
  bundle = buildBundle()
})
afterAll(() => fs.rmSync(bundle, { recursive: true, force: true }))
beforeEach(async () => {
  api = new FakeGitHub()
  api.pulls.set(PR_NUMBER, { number: PR_NUMBER, state: 'open', head: { sha: HEAD_SHA } })
  await api.start()
})
afterEach(() => api.stop())

const run = (o: Partial<StepOptions> = {}): ReturnType<typeof runStep> =>
  runStep({ bundle, apiUrl: api.url, report: reportFor('a'), event: pullRequestEvent(), ...o })

const COMMENTS = /\/issues\/17\/comments$/
const CHECK_RUNS = /\/check-runs$/
const FORBIDDEN = { status: 403, body: { message: 'Resource not accessible by integration' } }
/** The action's own warnings (not the annotations of failed checks, which carry a file). */
const warnings = (r: { annotations: Annotation[] }): string[] =>
  r.annotations.filter((a) => a.level === 'warning' && !a.properties.file).map((a) => a.message)

test('a fork PR: 403 on the comment and check run degrades, the verdict alone decides', async () => {
  api.script('POST', COMMENTS, () => FORBIDDEN)
  api.script('POST', CHECK_RUNS, () => FORBIDDEN)
  const event = pullRequestEvent({ headRepo: 'contributor/flask-app' })
  const failing = await run({ event })
  expect(failing.exitCode).toBe(1)
  expect(failing.summary).toContain('tls.hsts')
  expect(api.calls('POST', COMMENTS)).toHaveLength(1) // a 403 is not retried
  const w = warnings(failing).filter((m) => /read-only token/.test(m))
  expect(w).toHaveLength(1)
  expect(failing.outputs['comment-url']).toBe('')
  expect(warnings(failing).some((m) => /check run/.test(m))).toBe(false) // skipped quietly

  api.script('POST', COMMENTS, () => FORBIDDEN)
  api.script('POST', CHECK_RUNS, () => FORBIDDEN)
  const passing = await run({ event, report: reportFor('a', { 'tls.hsts': { status: 'passed' } }) })
  expect(passing.exitCode).toBe(0)
  expect(passing.outputs.verdict).toBe('pass')
})

test('502 then 200 is retried, and the comment lands', async () => {
  api.script('GET', COMMENTS, () => ({ status: 502, body: { message: 'Bad Gateway' } }))
  const r = await run()
  expect(api.calls('GET', COMMENTS).length).toBeGreaterThanOrEqual(2)
  expect(api.calls('POST', COMMENTS)).toHaveLength(1)
  expect(api.comments).toHaveLength(1)
  expect(r.outputs['comment-url']).toBe(api.comments[0].html_url)
  expect(warnings(r)).toEqual([])
})

test('a 403 secondary rate limit waits retry-after; a lasting 503 gives up with a warning', async () => {
  const limited = { status: 403, body: { message: 'You have exceeded a secondary rate limit' } }
  api.script('POST', COMMENTS, () => ({ ...limited, headers: { 'retry-after': '1' } }))
  await run()
  expect(api.calls('POST', COMMENTS)).toHaveLength(2)
  expect(api.comments).toHaveLength(1)

  const down = { status: 503, body: { message: 'unavailable' }, headers: { 'retry-after': '0' } }
  api.script('GET', /\/issues\/comments\/\d+$/, () => down, 100)
  const r = await run({ report: reportFor('b') })
  expect(r.exitCode).toBe(1)
  expect(api.calls('GET', /\/issues\/comments\/\d+$/)).toHaveLength(4) // 1 + 3 retries
  expect(warnings(r).some((m) => m.includes('the comment could not be posted'))).toBe(true)
  expect(r.summary).toContain('tls.hsts')
})

const apiPull = (n: number, sha: string, state = 'open'): unknown => ({
  number: n,
  state,
  head: { sha, repo: { full_name: OWNER_REPO } },
  base: { repo: { full_name: OWNER_REPO } },
})

test('push: the open PR whose head is the commit gets the comment', async () => {
  api.commitPulls.set(HEAD_SHA, [apiPull(3, HEAD_SHA, 'closed'), apiPull(PR_NUMBER, HEAD_SHA)])
  const r = await run({ eventName: 'push', sha: HEAD_SHA, event: pushEvent(HEAD_SHA) })
  expect(api.calls('GET', new RegExp(`/commits/${HEAD_SHA}/pulls$`))).toHaveLength(1)
  expect(api.calls('POST', COMMENTS)).toHaveLength(1)
  expect(api.comments[0].issue).toBe(PR_NUMBER)
  expect(r.outputs['comment-url']).toBe(api.comments[0].html_url)
})

test('push without an open PR: a notice, no comment, the check run still posted', async () => {
  const report = reportFor('a', { 'tls.hsts': { status: 'passed' } })
  const r = await run({ eventName: 'push', sha: HEAD_SHA, event: pushEvent(HEAD_SHA), report })
  expect(r.exitCode).toBe(0)
  expect(api.requests.filter((q) => /comments/.test(q.path))).toEqual([])
  expect(r.stdout).toMatch(/no open pull request for a1b2c3d/)
  expect(warnings(r)).toEqual([])
  expect(api.checkRuns).toHaveLength(1)
  expect(api.checkRuns[0]).toMatchObject({ head_sha: HEAD_SHA, conclusion: 'success' })
})

test('the check run carries 120 located failures in batches of 50', async () => {
  const checks: CheckResult[] = Array.from({ length: 120 }, (_, i) => ({
    id: `app.check-${i}`,
    title: `check ${i}`,
    status: 'failed',
    severity: i % 2 ? 'warning' : 'error',
    summary: `finding ${i}`,
    evidence: [`line ${i}`],
    fix: 'fix it',
    location: { file: 'app/views.py', line: i + 1 },
  }))
  const base = reportFor('svc')
  const report: Report = { ...base, checks, counts: { passed: 0, failed: 120, skipped: 0 } }
  const r = await run({ report })
  expect(r.exitCode).toBe(1)
  const created = api.calls('POST', CHECK_RUNS)
  expect(created).toHaveLength(1)
  expect(created[0].body).toMatchObject({
    name: 'flask-deploy-check (svc)',
    head_sha: HEAD_SHA,
    status: 'completed',
    conclusion: 'failure',
  })
  expect(created[0].body.output.annotations).toHaveLength(50)
  const updates = api.calls('PATCH', /\/check-runs\/\d+$/)
  expect(updates.map((u) => u.body.output.annotations.length)).toEqual([50, 20])
  const all = api.checkRuns[0].annotations as { start_line: number; annotation_level: string }[]
  expect(all.map((a) => a.start_line)).toEqual(checks.map((_, i) => i + 1))
  expect(all[0].annotation_level).toBe('failure')
  expect(all[1].annotation_level).toBe('warning')
})

test('comment-only refuses a report that is not schema 1, and posts nothing', async () => {
  const report = { ...reportFor('a'), schema: 2 } as unknown as Report
  const r = await run({ report })
  expect(r.exitCode).toBe(1)
  expect(r.stdout).toMatch(/not a flask-deploy-check report: schema is 2, expected 1/)
  expect(api.requests).toEqual([])
})

/** The step's own error lines (setFailed), not the annotations of failed checks. */
const errors = (r: { annotations: Annotation[] }): string[] =>
  r.annotations.filter((a) => a.level === 'error' && !a.properties.file).map((a) => a.message)

test('a boot failure: the step, check run and comment all say which checks could not run', async () => {
  const r = await run({ report: recordedReport('crash-on-boot') })
  expect(r.exitCode).toBe(1)
  expect(r.outputs.verdict).toBe('fail')
  expect(errors(r)).toEqual([
    expect.stringMatching(
      /^the report's verdict is fail \(1 failed check\(s\): boot\.ready; 11 error check\(s\) could not be checked \(blocked by boot\.ready: container did not become ready: the container exited with code 3 after 0\.8 s\): server\.production-wsgi, /,
    ),
  ])
  const [created] = api.calls('POST', CHECK_RUNS)
  expect(created.body).toMatchObject({
    name: 'flask-deploy-check (web)',
    conclusion: 'failure',
    output: { title: 'fail: 1 failed (1 error), 21 could not be checked, 5 passed, 0 skipped' },
  })
  const summary: string = created.body.output.summary
  expect(summary).toContain('### Could not be checked')
  expect(summary).toContain(
    '#### 🚫 blocked by `boot.ready`: container did not become ready: the container exited with code 3 after 0.8 s',
  )
  expect(r.summary.trimEnd()).toBe(summary.trimEnd())
  const [comment] = api.comments
  expect(comment.body).toContain(
    '🚫 **21 could not be checked (11 errors)** — blocked by `boot.ready`: container did not become ready',
  )
})

test('a rejected nginx config: the annotation on its line names the proxy checks it blocked', async () => {
  const r = await run({ report: recordedReport('invalid-nginx') })
  expect(r.exitCode).toBe(1)
  const located = r.annotations.filter((a) => a.properties.file)
  expect(located.map((a) => [a.properties.file, a.properties.line])).toEqual([
    ['__tests__/fixtures/invalid-nginx/deploy/nginx.conf', '35'],
  ])
  expect(located[0].message).toContain('Because of this, 11 could not be checked (5 errors): ')
  const [{ annotations }] = api.checkRuns as { annotations: { message: string }[] }[]
  expect(annotations).toHaveLength(1)
  expect(annotations[0].message).toContain('Because of this, 11 could not be checked')
})

test('a report written before skip_reason is posted as it was: plain skips, its own verdict', async () => {
  const r = await run({ report: withoutSkipReasons(recordedReport('crash-on-boot')) })
  expect(r.exitCode).toBe(1)
  expect(errors(r)).toEqual(["the report's verdict is fail (1 failed check(s): boot.ready)"])
  expect(api.checkRuns[0]).toMatchObject({ conclusion: 'failure' })
  expect(api.calls('POST', CHECK_RUNS)[0].body.output.title).toBe(
    'fail: 1 failed (1 error), 5 passed, 21 skipped',
  )
  expect(api.comments[0].body).not.toMatch(/could not be checked|🚫/)
})
