/**
 * The only place that touches @actions/github (its Octokit pulls ESM packages, so the pure
 * modules stay importable in tests): the API client for a token and the run context.
 */
import { context, getOctokit } from '@actions/github'
import type { Logger } from '../log'
import { withRetry, type GitHubApi } from './api'
import type { RunContext } from './pull-request'

/** The API client for a token: Octokit (base URL from GITHUB_API_URL) with retries. */
export function createApi(token: string, log: Logger): GitHubApi {
  const octokit = getOctokit(token)
  const request = (route: string, params?: Record<string, unknown>): Promise<unknown> =>
    octokit.request(route, params)
  return withRetry(request as GitHubApi['request'], log)
}

/** The run context from the runner environment (GITHUB_* variables and the event file). */
export function runContext(): RunContext {
  const ctx = context
  let owner = ''
  let repo = ''
  try {
    ;({ owner, repo } = ctx.repo)
  } catch {
    // No GITHUB_REPOSITORY and no repository in the payload: nothing can be posted.
  }
  const runUrl =
    ctx.runId && owner ? `${ctx.serverUrl}/${owner}/${repo}/actions/runs/${ctx.runId}` : ''
  return {
    eventName: ctx.eventName ?? '',
    payload: (ctx.payload ?? {}) as Record<string, unknown>,
    owner,
    repo,
    sha: ctx.sha ?? '',
    runUrl,
  }
}
