/**
 * A local stand-in for the GitHub REST API (issue comments, check runs, pulls) on 127.0.0.1:
 * records every request, keeps comments and check runs as state, and lets a test script a
 * response (or a side effect) for the next request(s) matching a route.
 */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request as the server saw it. */
export interface Recorded {
  method: string
  path: string
  query: URLSearchParams
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
}

/** A comment in the fake's store. */
export interface FakeComment {
  id: number
  issue: number
  body: string
  created_at: string
  html_url: string
}

/** A check run in the fake's store, with every annotation sent for it. */
export interface FakeCheckRun {
  id: number
  name: string
  head_sha: string
  conclusion: string
  summary: string
  annotations: unknown[]
}

/** A scripted answer; undefined falls through to the default behaviour. */
export type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | void
type Script = { method: string; path: RegExp; times: number; reply: (r: Recorded) => Reply }

export const OWNER_REPO = 'octo-org/flask-app'
const BASE = `/repos/${OWNER_REPO}`

/** The fake API; `url` is what GITHUB_API_URL gets. */
export class FakeGitHub {
  requests: Recorded[] = []
  comments: FakeComment[] = []
  checkRuns: FakeCheckRun[] = []
  /** GET /pulls/{n}: the PRs by number. */
  pulls = new Map<number, { number: number; state: string; head: { sha: string } }>()
  /** GET /commits/{sha}/pulls answers. */
  commitPulls = new Map<string, unknown[]>()
  url = ''
  private scripts: Script[] = []
  private nextId = 1000
  private clock = Date.parse('2026-01-01T00:00:00Z')
  private server = http.createServer((req, res) => this.handle(req, res))

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server.close(() => r()))
  }

  /** Answers the next `times` requests matching method and path with `reply`. */
  script(method: string, path: RegExp, reply: (r: Recorded) => Reply, times = 1): void {
    this.scripts.push({ method, path, times, reply })
  }

  /** Adds a comment as another job would (created now, or `at` ms earlier than now). */
  addComment(issue: number, body: string, earlierMs = 0): FakeComment {
    const id = this.nextId++
    const c = {
      id,
      issue,
      body,
      created_at: new Date((this.clock += 1000) - earlierMs).toISOString(),
      html_url: `https://github.com/${OWNER_REPO}/pull/${issue}#issuecomment-${id}`,
    }
    this.comments.push(c)
    return c
  }

  /** Requests by method and a path regexp. */
  calls(method: string, path: RegExp): Recorded[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path))
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = ''
    req.setEncoding('utf8').on('data', (d: string) => (raw += d))
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x')
      const rec: Recorded = {
        method: req.method ?? 'GET',
        path: u.pathname,
        query: u.searchParams,
        body: raw ? JSON.parse(raw) : undefined,
      }
      this.requests.push(rec)
      const script = this.scripts.find(
        (s) => s.times > 0 && s.method === rec.method && s.path.test(rec.path),
      )
      let reply: Reply = undefined
      if (script) {
        script.times--
        reply = script.reply(rec)
      }
      const r = reply ?? this.route(rec)
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers })
      res.end(r.body === undefined ? '' : JSON.stringify(r.body))
    })
  }

  private route(r: Recorded): { status: number; body?: unknown; headers?: Record<string, string> } {
    const notFound = { status: 404, body: { message: 'Not Found' } }
    let m: RegExpExecArray | null
    if ((m = new RegExp(`^${BASE}/issues/(\\d+)/comments$`).exec(r.path))) {
      const issue = Number(m[1])
      if (r.method === 'POST') return { status: 201, body: this.addComment(issue, r.body.body) }
      const per = Number(r.query.get('per_page') ?? 30)
      const page = Number(r.query.get('page') ?? 1)
      const all = this.comments.filter((c) => c.issue === issue).sort((a, b) => a.id - b.id)
      return { status: 200, body: all.slice((page - 1) * per, page * per) }
    }
    if ((m = new RegExp(`^${BASE}/issues/comments/(\\d+)$`).exec(r.path))) {
      const c = this.comments.find((x) => x.id === Number(m?.[1]))
      if (!c) return notFound
      if (r.method === 'PATCH') c.body = r.body.body
      if (r.method === 'DELETE') {
        this.comments = this.comments.filter((x) => x !== c)
        return { status: 204 }
      }
      return { status: 200, body: c }
    }
    if (r.method === 'POST' && r.path === `${BASE}/check-runs`) {
      const run = {
        id: this.nextId++,
        name: r.body.name,
        head_sha: r.body.head_sha,
        conclusion: r.body.conclusion,
        summary: r.body.output?.summary ?? '',
        annotations: [...(r.body.output?.annotations ?? [])],
      }
      this.checkRuns.push(run)
      return { status: 201, body: { id: run.id, html_url: `https://github.com/checks/${run.id}` } }
    }
    if ((m = new RegExp(`^${BASE}/check-runs/(\\d+)$`).exec(r.path))) {
      const run = this.checkRuns.find((x) => x.id === Number(m?.[1]))
      if (!run) return notFound
      run.annotations.push(...(r.body.output?.annotations ?? []))
      return { status: 200, body: { id: run.id } }
    }
    if ((m = new RegExp(`^${BASE}/pulls/(\\d+)$`).exec(r.path))) {
      const pr = this.pulls.get(Number(m[1]))
      return pr ? { status: 200, body: pr } : notFound
    }
    if ((m = new RegExp(`^${BASE}/commits/([0-9a-f]+)/pulls$`).exec(r.path))) {
      return { status: 200, body: this.commitPulls.get(m[1]) ?? [] }
    }
    return notFound
  }
}
