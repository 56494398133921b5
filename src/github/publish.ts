/**
 * Everything the action posts to GitHub after the report is written: the PR comment and the
 * check run. Entry point for main.ts, so @actions/github stays under src/github/. Never throws:
 * the step's outcome depends on the verdict only.
 */
import type { Logger } from '../log'
import type { Options } from '../options'
import type { Report } from '../report/report'
import { apiError, type GitHubApi } from './api'
import { createCheckRun } from './check-run'
import { createApi, runContext } from './client'
import { upsertComment, type CommentResult } from './comment'
import {
  findPullRequest,
  isUntrustedForkTarget,
  type PullRequestRef,
  type RunContext,
} from './pull-request'

export type { CommentResult }

/** What was posted. */
export interface PublishResult {
  comment: CommentResult
  checkRun: boolean
}

/**
 * The warning for pull_request_target with a head from a fork in `check` mode (untrusted code
 * built with a write token), or undefined.
 */
export function untrustedForkWarning(): string | undefined {
  if (!isUntrustedForkTarget(runContext())) return undefined
  return 'flask-deploy-check: this pull_request_target run is building untrusted fork code with a write token. Use pull_request for the check and a workflow_run workflow with mode: comment-only to post the report (see the README).'
}

async function pullRequest(
  api: GitHubApi,
  ctx: RunContext,
  log: Logger,
): Promise<PullRequestRef | undefined> {
  try {
    const pr = await findPullRequest(api, ctx)
    if (!pr) {
      log.info(
        `flask-deploy-check: no open pull request for ${ctx.sha.slice(0, 7) || 'this run'} (${ctx.eventName}); no comment posted`,
      )
    }
    return pr
  } catch (err) {
    const e = apiError(err)
    log.warning(
      `flask-deploy-check: could not find the pull request (${e.status || 'network error'}: ${e.message}); no comment posted`,
    )
    return undefined
  }
}

/** Posts the comment (when there is a PR) and the check run. */
export async function publishToGitHub(
  report: Report,
  summary: string,
  options: Pick<Options, 'githubToken' | 'failOn'>,
  log: Logger,
  api: GitHubApi = createApi(options.githubToken, log),
): Promise<PublishResult> {
  const ctx = runContext()
  if (!ctx.owner || !ctx.repo) {
    log.info('flask-deploy-check: no repository in the run context; nothing posted to GitHub')
    return { comment: { posted: false, reason: 'no-repository' }, checkRun: false }
  }
  const pr = await pullRequest(api, ctx, log)
  const sha = pr?.headSha ?? ctx.sha
  const meta = { name: report.target.name, sha, runUrl: ctx.runUrl || undefined }
  const comment: CommentResult = pr
    ? await upsertComment(api, ctx, pr, report, meta, log)
    : { posted: false, reason: 'no-pull-request' }
  const check = sha
    ? await createCheckRun(api, ctx, sha, report, summary, options.failOn, log)
    : { created: false }
  return { comment, checkRun: check.created }
}
