/**
 * The one sticky comment on a pull request, shared by every target (one section each). Finds it
 * by COMMENT_MARKER, merges this target's section in (read-modify-write: the body is read again
 * just before writing and the merge is redone when another job changed it, and read once more
 * after writing to make sure this section survived), and after creating looks again so a race
 * that made two comments ends with the oldest one. Never throws: the result says what happened.
 */
import type { Logger } from '../log'
import { fitComment, isOurComment, parseSections, type SectionMeta } from '../report/comment'
import type { Report } from '../report/report'
import { apiError, isForbidden, type GitHubApi } from './api'
import type { PullRequestRef, RunContext } from './pull-request'

/** What became of the comment. */
export interface CommentResult {
  url?: string
  posted: boolean
  /** Why it was not posted: 'stale', 'forbidden' or 'error'. */
  reason?: string
}

interface IssueComment {
  id: number
  body?: string | null
  html_url: string
  created_at: string
}

const MAX_ATTEMPTS = 3

/** Our marker comments on the PR, oldest first. */
async function ourComments(
  api: GitHubApi,
  ctx: RunContext,
  number: number,
): Promise<IssueComment[]> {
  const found: IssueComment[] = []
  for (let page = 1; page <= 50; page++) {
    const { data } = await api.request<IssueComment[]>(
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      { owner: ctx.owner, repo: ctx.repo, issue_number: number, per_page: 100, page },
    )
    found.push(...data.filter((c) => isOurComment(c.body)))
    if (data.length < 100) break
  }
  return found.sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id)
}

function hasSection(body: string, meta: SectionMeta): boolean {
  return parseSections(body).some((s) => s.name === meta.name && s.sha === meta.sha)
}

/** The stale-SHA guard: the PR's head now, else the run's. */
function guard(pr: PullRequestRef): { headSha: string } {
  return { headSha: pr.currentHeadSha ?? pr.headSha }
}

type Step = { done: CommentResult } | { retry: 'changed' | 'race' }

/** Merges into `comment` if nobody changed it since it was read; verifies after writing. */
async function updateIn(
  api: GitHubApi,
  ctx: RunContext,
  comment: IssueComment,
  body: string,
  meta: SectionMeta,
): Promise<Step> {
  const route = 'GET /repos/{owner}/{repo}/issues/comments/{comment_id}'
  const ids = { owner: ctx.owner, repo: ctx.repo, comment_id: comment.id }
  if ((comment.body ?? '') === body) return { done: { url: comment.html_url, posted: true } }
  const before = await api.request<IssueComment>(route, ids)
  if ((before.data.body ?? '') !== (comment.body ?? '')) return { retry: 'changed' }
  await api.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { ...ids, body })
  const after = await api.request<IssueComment>(route, ids)
  if (!hasSection(after.data.body ?? '', meta)) return { retry: 'changed' }
  return { done: { url: comment.html_url, posted: true } }
}

/** One read-merge-write round; `mine` collects the comments this run created. */
async function attempt(
  api: GitHubApi,
  ctx: RunContext,
  pr: PullRequestRef,
  report: Report,
  meta: SectionMeta,
  mine: Set<number>,
  log: Logger,
): Promise<Step> {
  const existing = await ourComments(api, ctx, pr.number)
  const oldest = existing[0]
  const merged = fitComment(oldest?.body ?? undefined, report, meta, guard(pr))
  if (merged.stale) {
    log.info(
      `flask-deploy-check: the comment already has a section for the newer head ${guard(pr).headSha.slice(0, 7)}; not overwriting it with ${meta.sha.slice(0, 7)}`,
    )
    return { done: { url: oldest?.html_url, posted: false, reason: 'stale' } }
  }
  if (oldest) {
    const step = await updateIn(api, ctx, oldest, merged.body, meta)
    // Our section now lives in the oldest comment: drop the duplicates this run created.
    const extras = 'done' in step ? existing.slice(1).filter((c) => mine.has(c.id)) : []
    for (const c of extras) {
      await api.request('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', {
        owner: ctx.owner,
        repo: ctx.repo,
        comment_id: c.id,
      })
    }
    return step
  }
  const created = await api.request<IssueComment>(
    'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    { owner: ctx.owner, repo: ctx.repo, issue_number: pr.number, body: merged.body },
  )
  mine.add(created.data.id)
  const first = (await ourComments(api, ctx, pr.number))[0]
  if (!first || first.id === created.data.id) {
    return { done: { url: created.data.html_url, posted: true } }
  }
  // A concurrent job created one first: the next round merges into the oldest and drops ours.
  log.debug(`two marker comments (${first.id}, ${created.data.id}); keeping the oldest`)
  return { retry: 'race' }
}

/**
 * Creates or updates this target's section of the PR comment. A 403 (fork's read-only token)
 * warns once and returns posted: false; any other final failure warns that the comment could
 * not be posted. An older head SHA never overwrites a newer section (reason 'stale').
 */
export async function upsertComment(
  api: GitHubApi,
  ctx: RunContext,
  pr: PullRequestRef,
  report: Report,
  meta: SectionMeta,
  log: Logger,
): Promise<CommentResult> {
  try {
    const mine = new Set<number>()
    for (let changed = 0; changed < MAX_ATTEMPTS;) {
      const step = await attempt(api, ctx, pr, report, meta, mine, log)
      if ('done' in step) return step.done
      if (step.retry === 'changed') changed++
      log.debug(`the comment changed while merging (${step.retry}); merging again`)
    }
    log.warning(
      'flask-deploy-check: the comment could not be posted: it kept changing under concurrent jobs. The job summary has the report.',
    )
    return { posted: false, reason: 'error' }
  } catch (err) {
    if (isForbidden(err)) {
      log.warning(
        `flask-deploy-check: the token may not write the pull request comment (${apiError(err).message}); a pull request from a fork gets a read-only token. The job summary and the report file have the results; see the README for the two-workflow pattern (mode: comment-only).`,
      )
      return { posted: false, reason: 'forbidden' }
    }
    const e = apiError(err)
    log.warning(
      `flask-deploy-check: the comment could not be posted (${e.status || 'network error'}: ${e.message}). The job summary has the report.`,
    )
    return { posted: false, reason: 'error' }
  }
}
