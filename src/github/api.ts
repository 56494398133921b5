/**
 * The GitHub REST API as the GitHub modules see it (one request function), and the retry wrapper
 * that is the CommonJS stand-in for @octokit/plugin-retry and plugin-throttling. Retries
 * 5xx, 429, 403 secondary rate limits and network errors, waiting retry-after /
 * x-ratelimit-reset or an exponential backoff, at most `retries` times and within `timeoutMs`.
 */
import type { Logger } from '../log'

/** A response of the REST API. */
export interface ApiResponse<T> {
  status: number
  data: T
  headers: Record<string, string | number | undefined>
}

/** What the GitHub modules need: one request function, `route` as 'GET /repos/{owner}/...'. */
export interface GitHubApi {
  request<T = unknown>(route: string, params?: Record<string, unknown>): Promise<ApiResponse<T>>
}

/** An HTTP error of the API, with the status (0 for network errors) and the message. */
export interface ApiError {
  status: number
  message: string
  headers: Record<string, string | number | undefined>
}

/** Retry and time limits. */
export interface RetryPolicy {
  retries: number
  baseDelayMs: number
  maxDelayMs: number
  /** Bound on one call including every retry and wait. */
  timeoutMs: number
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 1000,
  maxDelayMs: 20_000,
  timeoutMs: 90_000,
}

/** The status, message and headers of whatever a request threw. */
export function apiError(err: unknown): ApiError {
  const e = err as {
    status?: unknown
    message?: unknown
    response?: { headers?: ApiError['headers']; data?: { message?: unknown } }
  }
  const status = typeof e?.status === 'number' ? e.status : 0
  const dataMessage = e?.response?.data?.message
  const message =
    typeof dataMessage === 'string' ? dataMessage : String(e?.message ?? err ?? 'unknown error')
  return { status, message, headers: e?.response?.headers ?? {} }
}

/** True for a 403 that a fork's read-only token (or missing permission) gets. */
export function isForbidden(err: unknown): boolean {
  const e = apiError(err)
  return e.status === 403 && !isRateLimited(e)
}

function isRateLimited(e: ApiError): boolean {
  if (e.status === 429) return true
  if (e.status !== 403) return false
  return (
    e.headers['retry-after'] !== undefined ||
    String(e.headers['x-ratelimit-remaining'] ?? '') === '0' ||
    /rate limit/i.test(e.message)
  )
}

/** Milliseconds to wait before the next attempt, or undefined when the error is final. */
export function retryDelay(e: ApiError, attempt: number, policy: RetryPolicy): number | undefined {
  const retryable = e.status === 0 || e.status >= 500 || isRateLimited(e)
  if (!retryable) return undefined
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt)
  const after = Number(e.headers['retry-after'])
  if (Number.isFinite(after) && after >= 0) return Math.min(policy.maxDelayMs, after * 1000)
  const reset = Number(e.headers['x-ratelimit-reset'])
  if (isRateLimited(e) && Number.isFinite(reset) && reset > 0)
    return Math.min(policy.maxDelayMs, Math.max(0, reset * 1000 - Date.now()))
  return backoff
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Wraps a request function with the retry policy (exported for tests). */
export function withRetry(
  request: GitHubApi['request'],
  log: Logger,
  policy: RetryPolicy = DEFAULT_RETRY,
): GitHubApi {
  return {
    async request<T>(route: string, params?: Record<string, unknown>): Promise<ApiResponse<T>> {
      const deadline = Date.now() + policy.timeoutMs
      for (let attempt = 0; ; attempt++) {
        const left = deadline - Date.now()
        try {
          const signal = AbortSignal.timeout(Math.max(1, left))
          return await request<T>(route, { ...params, request: { signal } })
        } catch (err) {
          const e = apiError(err)
          const wait = attempt < policy.retries ? retryDelay(e, attempt, policy) : undefined
          if (wait === undefined || Date.now() + wait >= deadline) throw err
          log.debug(`${route}: ${e.status || 'network error'} ${e.message}; retry in ${wait} ms`)
          await sleep(wait)
        }
      }
    },
  }
}
