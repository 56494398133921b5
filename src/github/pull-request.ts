/**
 * Which pull request a run reports on. pull_request / pull_request_target: the event payload
 * (number, head SHA, fork = head repo differs from base). push / merge_group: the open pull
 * request whose head is the commit (`GET /repos/{owner}/{repo}/commits/{sha}/pulls`), or for a
 * merge queue the PR named in the queue branch; none is not an error.
 */
import type { GitHubApi } from './api'

/** The parts of the workflow run context the GitHub modules use. */
export interface RunContext {
  eventName: string
  payload: Record<string, unknown>
  owner: string
  repo: string
  /** GITHUB_SHA: the commit the workflow ran on. */
  sha: string
  /** Link to the workflow run ('' when unknown). */
  runUrl: string
}

/** The pull request to comment on. */
export interface PullRequestRef {
  number: number
  /** The PR's head commit (what the check run is attached to, and the section's SHA). */
  headSha: string
  /** True when the head branch lives in another repository (read-only token on pull_request). */
  fork: boolean
  /** The PR's head now (may be newer than headSha when this is a re-run of an older run). */
  currentHeadSha?: string
}

interface PayloadPull {
  number?: number
  head?: { sha?: string; repo?: { full_name?: string } | null }
  base?: { repo?: { full_name?: string } }
}

const PR_EVENTS = ['pull_request', 'pull_request_target']

/** The pull request of a pull_request / pull_request_target payload (no API call). */
export function pullRequestFromPayload(ctx: RunContext): PullRequestRef | undefined {
  if (!PR_EVENTS.includes(ctx.eventName)) return undefined
  const pr = ctx.payload.pull_request as PayloadPull | undefined
  if (!pr || typeof pr.number !== 'number') return undefined
  const head = pr.head?.repo?.full_name
  const base = pr.base?.repo?.full_name ?? `${ctx.owner}/${ctx.repo}`
  return {
    number: pr.number,
    headSha: pr.head?.sha ?? ctx.sha,
    fork: head === undefined || head.toLowerCase() !== base.toLowerCase(),
  }
}

/** True under pull_request_target with a head from a fork: untrusted code, write token. */
export function isUntrustedForkTarget(ctx: RunContext): boolean {
  return ctx.eventName === 'pull_request_target' && pullRequestFromPayload(ctx)?.fork === true
}

interface ApiPull {
  number: number
  state: string
  head: { sha: string; repo: { full_name: string } | null }
  base: { repo: { full_name: string } }
}

function fromApi(p: ApiPull): PullRequestRef {
  const head = p.head.repo?.full_name
  return {
    number: p.number,
    headSha: p.head.sha,
    fork: head === undefined || head.toLowerCase() !== p.base.repo.full_name.toLowerCase(),
  }
}

interface WorkflowRunPayload {
  head_sha?: string
  head_branch?: string
  head_repository?: { owner?: { login?: string } }
  pull_requests?: { number: number; head: { sha: string } }[]
}

/**
 * workflow_run (the posting half of the fork pattern): the triggering run's PR; for a fork the
 * payload lists none, so look the head branch up among the open PRs.
 */
async function fromWorkflowRun(
  api: GitHubApi,
  ctx: RunContext,
): Promise<PullRequestRef | undefined> {
  const run = ctx.payload.workflow_run as WorkflowRunPayload | undefined
  if (!run?.head_sha) return undefined
  const listed = run.pull_requests?.find((p) => p.head.sha === run.head_sha)
  if (listed) return { number: listed.number, headSha: run.head_sha, fork: false }
  const owner = run.head_repository?.owner?.login
  if (!owner || !run.head_branch) return undefined
  const { data } = await api.request<ApiPull[]>('GET /repos/{owner}/{repo}/pulls', {
    owner: ctx.owner,
    repo: ctx.repo,
    state: 'open',
    head: `${owner}:${run.head_branch}`,
  })
  const pr = data.find((p) => p.head.sha === run.head_sha)
  return pr ? fromApi(pr) : undefined
}

/**
 * The pull request this run reports on, or undefined (push without an open PR for the commit,
 * or an event that has none). API errors propagate; the caller decides how loud to be.
 */
export async function findPullRequest(
  api: GitHubApi,
  ctx: RunContext,
): Promise<PullRequestRef | undefined> {
  const repo = { owner: ctx.owner, repo: ctx.repo }
  const fromPayload = pullRequestFromPayload(ctx)
  if (fromPayload) {
    try {
      const { data } = await api.request<ApiPull>('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
        ...repo,
        pull_number: fromPayload.number,
      })
      return { ...fromPayload, currentHeadSha: data.head.sha }
    } catch {
      return fromPayload // the payload's head is the best known
    }
  }
  if (ctx.eventName === 'merge_group') {
    const group = ctx.payload.merge_group as { head_ref?: string } | undefined
    const m = /\/pr-(\d+)-[0-9a-f]+$/.exec(group?.head_ref ?? '')
    if (!m) return undefined
    const { data } = await api.request<ApiPull>('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      ...repo,
      pull_number: Number(m[1]),
    })
    return data.state === 'open' ? fromApi(data) : undefined
  }
  if (ctx.eventName === 'workflow_run') return fromWorkflowRun(api, ctx)
  if (ctx.eventName !== 'push' || !ctx.sha) return undefined
  const { data } = await api.request<ApiPull[]>('GET /repos/{owner}/{repo}/commits/{sha}/pulls', {
    ...repo,
    sha: ctx.sha,
  })
  const open = data.filter((p) => p.state === 'open' && p.head.sha === ctx.sha)
  return open.length > 0 ? fromApi(open[0]) : undefined
}
