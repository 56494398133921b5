/** The pure parts: mode/report-file options, retry delays, fork detection from payloads. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  DEFAULT_RETRY,
  retryDelay,
  withRetry,
  type ApiError,
  type ApiResponse,
} from '../../src/github/api'
import {
  isUntrustedForkTarget,
  pullRequestFromPayload,
  type RunContext,
} from '../../src/github/pull-request'
import { silentLogger } from '../../src/log'
import { UsageError, parseOptions } from '../../src/options'
import { pullRequestEvent } from './harness'

describe('mode and report-file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-opts-'))
  const report = path.join(dir, 'report.json')
  fs.writeFileSync(report, '{}')
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
  const env = { workspace: dir }

  test('comment-only needs report-file and looks at no build input', () => {
    const o = parseOptions({ mode: 'comment-only', 'report-file': 'report.json' }, env)
    expect(o).toMatchObject({ mode: 'comment-only', reportFile: report, reportPath: report })
    expect(o.image).toBeUndefined()
    expect(() => parseOptions({ mode: 'comment-only' }, env)).toThrow(/'report-file' is required/)
    expect(() => parseOptions({ mode: 'comment-only', 'report-file': 'nope.json' }, env)).toThrow(
      UsageError,
    )
  })

  test('check is the default; report-file without comment-only and unknown modes are refused', () => {
    expect(() => parseOptions({ mode: 'post' }, env)).toThrow(/'check' or 'comment-only'/)
    expect(() => parseOptions({ 'report-file': 'report.json', image: 'x' }, env)).toThrow(
      /only used with mode: comment-only/,
    )
    expect(parseOptions({ image: 'x' }, env).mode).toBe('check')
  })
})

describe('retry', () => {
  const e = (status: number, headers = {}, message = 'x'): ApiError => ({
    status,
    headers,
    message,
  })

  test('retries 5xx, 429, network errors and secondary limits; not 403, 404 or 422', () => {
    expect(retryDelay(e(502), 0, DEFAULT_RETRY)).toBe(1000)
    expect(retryDelay(e(502), 2, DEFAULT_RETRY)).toBe(4000)
    expect(retryDelay(e(502), 10, DEFAULT_RETRY)).toBe(DEFAULT_RETRY.maxDelayMs)
    expect(retryDelay(e(0), 0, DEFAULT_RETRY)).toBe(1000)
    expect(retryDelay(e(429, { 'retry-after': '3' }), 0, DEFAULT_RETRY)).toBe(3000)
    const reset = String(Math.floor(Date.now() / 1000) + 5)
    const limited = e(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset })
    expect(retryDelay(limited, 0, DEFAULT_RETRY)).toBeGreaterThan(3000)
    expect(retryDelay(e(403, {}, 'secondary rate limit'), 0, DEFAULT_RETRY)).toBe(1000)
    for (const s of [403, 404, 422]) expect(retryDelay(e(s), 0, DEFAULT_RETRY)).toBeUndefined()
  })

  test('gives up after 3 retries and within the time budget', async () => {
    let calls = 0
    const failing = async <T>(): Promise<ApiResponse<T>> => {
      calls++
      throw Object.assign(new Error('boom'), { status: 500 })
    }
    const policy = { retries: 3, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 10_000 }
    await expect(withRetry(failing, silentLogger, policy).request('GET /x')).rejects.toThrow('boom')
    expect(calls).toBe(4)
    calls = 0
    const slow = { retries: 3, baseDelayMs: 5_000, maxDelayMs: 5_000, timeoutMs: 1_000 }
    await expect(withRetry(failing, silentLogger, slow).request('GET /x')).rejects.toThrow('boom')
    expect(calls).toBe(1)
  })
})

describe('pull request from the event', () => {
  const ctx = (eventName: string, payload: unknown): RunContext => ({
    eventName,
    payload: payload as Record<string, unknown>,
    owner: 'octo-org',
    repo: 'flask-app',
    sha: 'd'.repeat(40),
    runUrl: '',
  })

  test('number, head SHA and fork from a pull_request payload', () => {
    const same = pullRequestFromPayload(ctx('pull_request', pullRequestEvent()))
    expect(same).toEqual({ number: 17, headSha: expect.stringMatching(/^a1b2c3d/), fork: false })
    const fork = ctx('pull_request', pullRequestEvent({ headRepo: 'someone/flask-app' }))
    expect(pullRequestFromPayload(fork)?.fork).toBe(true)
    expect(pullRequestFromPayload(ctx('push', {}))).toBeUndefined()
  })

  test('pull_request_target with a fork head is untrusted; a same-repo head is not', () => {
    const fork = pullRequestEvent({ headRepo: 'someone/flask-app' })
    expect(isUntrustedForkTarget(ctx('pull_request_target', fork))).toBe(true)
    expect(isUntrustedForkTarget(ctx('pull_request_target', pullRequestEvent()))).toBe(false)
    expect(isUntrustedForkTarget(ctx('pull_request', fork))).toBe(false)
  })
})
