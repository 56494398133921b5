/**
 * One check run per target (`flask-deploy-check (name)`), completed with the verdict (failure
 * also when error checks could not be checked), the job summary's Markdown (skipped checks
 * grouped by cause) and file/line annotations. The Checks API takes at most 50 annotations per
 * request, so the run is created with the first 50 and updated with each next batch. A 403
 * (no `checks: write`, or a fork's token) skips it quietly.
 */
import type { Logger } from '../log'
import type { FailOn } from '../options'
import { annotationsFor, type Annotation } from '../report/annotations'
import { countsText } from '../report/format'
import type { Report } from '../report/report'
import { apiError, isForbidden, type GitHubApi } from './api'
import type { RunContext } from './pull-request'

/** The Checks API limits. */
export const ANNOTATIONS_PER_REQUEST = 50
export const MAX_SUMMARY = 65535

/** What became of the check run. */
export interface CheckRunResult {
  created: boolean
  url?: string
}

const LEVEL = { error: 'failure', warning: 'warning', notice: 'notice' } as const

/** The check run's name for a target. */
export function checkRunName(target: string): string {
  return target ? `flask-deploy-check (${target})` : 'flask-deploy-check'
}

function toApi(a: Annotation): Record<string, unknown> {
  const line = a.startLine ?? 1
  return {
    path: a.file,
    start_line: line,
    end_line: line,
    annotation_level: LEVEL[a.level],
    title: a.title.slice(0, 255),
    message: a.message.slice(0, 65535),
  }
}

/** Creates the completed check run on `headSha`; never throws. */
export async function createCheckRun(
  api: GitHubApi,
  ctx: RunContext,
  headSha: string,
  report: Report,
  summary: string,
  failOn: FailOn,
  log: Logger,
): Promise<CheckRunResult> {
  const annotations = annotationsFor(report, failOn).map(toApi)
  const output = (batch: number): Record<string, unknown> => ({
    title: `${report.verdict}: ${countsText(report.checks)}`,
    summary: summary.slice(0, MAX_SUMMARY),
    annotations: annotations.slice(
      batch * ANNOTATIONS_PER_REQUEST,
      (batch + 1) * ANNOTATIONS_PER_REQUEST,
    ),
  })
  const repo = { owner: ctx.owner, repo: ctx.repo }
  try {
    const { data } = await api.request<{ id: number; html_url?: string }>(
      'POST /repos/{owner}/{repo}/check-runs',
      {
        ...repo,
        name: checkRunName(report.target.name),
        head_sha: headSha,
        status: 'completed',
        conclusion: report.verdict === 'fail' ? 'failure' : 'success',
        ...(ctx.runUrl ? { details_url: ctx.runUrl } : {}),
        output: output(0),
      },
    )
    const batches = Math.ceil(annotations.length / ANNOTATIONS_PER_REQUEST)
    for (let b = 1; b < batches; b++) {
      await api.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
        ...repo,
        check_run_id: data.id,
        output: output(b),
      })
    }
    return { created: true, url: data.html_url }
  } catch (err) {
    if (isForbidden(err)) {
      log.debug(`no check run: the token may not create one (${apiError(err).message})`)
    } else {
      const e = apiError(err)
      log.warning(
        `flask-deploy-check: the check run could not be created (${e.status || 'network error'}: ${e.message})`,
      )
    }
    return { created: false }
  }
}
