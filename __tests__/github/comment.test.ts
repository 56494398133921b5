/**
 * The sticky PR comment, through the bundled action against the local fake API: create, update
 * in place, one section per target, concurrent changes merged, a double-create race resolved to
 * the oldest comment, and an older head SHA never overwriting a newer section.
 */
import * as fs from 'node:fs'
import { COMMENT_MARKER, fitComment, parseSections } from '../../src/report/comment'
import { FakeGitHub } from './fake-api'
import {
  HEAD_SHA,
  NEW_SHA,
  PR_NUMBER,
  buildBundle,
  pullRequestEvent,
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

const run = (name: string, o: Partial<StepOptions> = {}): ReturnType<typeof runStep> =>
  runStep({ bundle, apiUrl: api.url, report: reportFor(name), event: pullRequestEvent(), ...o })

const COMMENTS = /\/issues\/17\/comments$/
const ONE_COMMENT = /\/issues\/comments\/\d+$/
const sectionsOf = (body: string): string[] => parseSections(body).map((s) => `${s.name}@${s.sha}`)

/** The body another job (target `name`, commit `sha`) would have written over `existing`. */
const otherJob = (existing: string | undefined, name: string, sha = HEAD_SHA): string =>
  fitComment(existing, reportFor(name), { name, sha }).body

test('the first run creates one comment; the second updates it in place', async () => {
  const first = await run('a')
  expect(first.exitCode).toBe(1) // the sample report fails: the verdict decides, not the API
  expect(api.calls('POST', COMMENTS)).toHaveLength(1)
  expect(api.comments).toHaveLength(1)
  const [comment] = api.comments
  expect(comment.body.startsWith(COMMENT_MARKER)).toBe(true)
  expect(sectionsOf(comment.body)).toEqual([`a@${HEAD_SHA}`])
  expect(comment.body).toContain('https://github.com/octo-org/flask-app/actions/runs/4242')
  expect(first.outputs['comment-url']).toBe(comment.html_url)

  const second = await run('a', { report: reportFor('a', { 'tls.hsts': { status: 'passed' } }) })
  expect(second.exitCode).toBe(0) // tls.hsts now passes: only warnings are left
  expect(api.calls('POST', COMMENTS)).toHaveLength(1)
  expect(api.calls('PATCH', ONE_COMMENT)).toHaveLength(1)
  expect(api.comments).toHaveLength(1)
  expect(api.comments[0].id).toBe(comment.id)
  expect(second.outputs['comment-url']).toBe(comment.html_url)
})

test('two targets end in one comment with two sections', async () => {
  await run('b')
  await run('a')
  expect(api.comments).toHaveLength(1)
  expect(sectionsOf(api.comments[0].body)).toEqual([`a@${HEAD_SHA}`, `b@${HEAD_SHA}`])
  expect(api.calls('POST', COMMENTS)).toHaveLength(1)
})

test('a concurrent update between read and write is merged, not lost', async () => {
  const seeded = api.addComment(PR_NUMBER, otherJob(undefined, 'a', 'c'.repeat(40)))
  // Job b writes its section after we listed the comments and before we write.
  api.script('GET', ONE_COMMENT, () => {
    seeded.body = otherJob(seeded.body, 'b')
  })
  const r = await run('a')
  expect(r.exitCode).toBe(1)
  expect(api.comments).toHaveLength(1)
  expect(sectionsOf(api.comments[0].body)).toEqual([`a@${HEAD_SHA}`, `b@${HEAD_SHA}`])
  const patches = api.calls('PATCH', ONE_COMMENT)
  expect(patches).toHaveLength(1)
  expect(sectionsOf(patches[0].body.body)).toEqual([`a@${HEAD_SHA}`, `b@${HEAD_SHA}`])
  expect(api.calls('GET', COMMENTS).length).toBeGreaterThanOrEqual(2) // read again, merged again
})

test('a race that made two comments keeps the oldest, with both sections', async () => {
  let other = 0
  // Job b created its comment just before ours landed.
  api.script('POST', COMMENTS, () => {
    other = api.addComment(PR_NUMBER, otherJob(undefined, 'b'), 10_000).id
  })
  const r = await run('a')
  expect(r.exitCode).toBe(1)
  expect(api.comments.map((c) => c.id)).toEqual([other])
  expect(sectionsOf(api.comments[0].body)).toEqual([`a@${HEAD_SHA}`, `b@${HEAD_SHA}`])
  const deleted = api.calls('DELETE', ONE_COMMENT)
  expect(deleted).toHaveLength(1)
  expect(deleted[0].path).not.toContain(String(other))
  expect(r.outputs['comment-url']).toBe(api.comments[0].html_url)
})

test('a run for an older head SHA does not overwrite the section of the newer one', async () => {
  api.pulls.set(PR_NUMBER, { number: PR_NUMBER, state: 'open', head: { sha: NEW_SHA } })
  const newer = api.addComment(PR_NUMBER, otherJob(undefined, 'a', NEW_SHA))
  const before = newer.body
  const r = await run('a') // the event payload still has HEAD_SHA: a re-run of an older run
  expect(r.exitCode).toBe(1)
  expect(api.calls('PATCH', ONE_COMMENT)).toHaveLength(0)
  expect(api.calls('POST', COMMENTS)).toHaveLength(0)
  expect(api.comments[0].body).toBe(before)
  expect(r.stdout).toMatch(/newer head f0e1d2c/)
  expect(r.outputs['comment-url']).toBe('')
})

test('a POST that landed but answered 502 is retried without leaving two comments', async () => {
  api.script('POST', COMMENTS, (r) => {
    api.addComment(PR_NUMBER, r.body.body)
    return { status: 502, body: { message: 'Bad Gateway' } }
  })
  const r = await run('a')
  expect(r.exitCode).toBe(1)
  expect(api.calls('POST', COMMENTS)).toHaveLength(2)
  expect(api.comments).toHaveLength(1)
  expect(sectionsOf(api.comments[0].body)).toEqual([`a@${HEAD_SHA}`])
  expect(r.outputs['comment-url']).toBe(api.comments[0].html_url)
})
