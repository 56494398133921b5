/**
 * What collect.ts observes on a running app container: its process table once Gunicorn has
 * finished forking, the plain-HTTP exchanges on the app port, and its output.
 */
import { randomBytes } from 'node:crypto'
import type { Docker } from '../docker/docker'
import { appProbe } from '../probe/app-probe'
import { mapInOrder } from '../probe/in-order'
import { parseContainerState, parseTimestampedLogs, parseTop } from '../facts/parse'
import type { HttpExchange, LogFacts, Part, ProcessFacts } from '../facts/types'
import { errorLine } from '../facts/cli-error'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Lines of container output kept in LogFacts. */
export const LOG_LINE_CAP = 2000

/**
 * The process table once it stops changing: Gunicorn forks its workers one by one with small
 * random sleeps (under 100 ms each), so a single look right after readiness can undercount
 * them; a table unchanged for 250 ms has them all.
 */
export async function settledProcesses(
  docker: Docker,
  container: string,
  o: { stableMs?: number; maxMs?: number; pollMs?: number } = {},
): Promise<Part<ProcessFacts[]>> {
  const state = parseContainerState((await docker.inspect(container)).stdout)
  const started = Date.now()
  let rows: ProcessFacts[] = []
  let lastChange = started
  let signature = ''
  for (;;) {
    const res = await docker.top(container)
    if (res.exitCode !== 0) {
      if (rows.length > 0) return rows
      return { unavailable: `docker top failed: ${errorLine(res.stderr)}` }
    }
    rows = parseTop(res.stdout, state.pid)
    const sig = rows.map((r) => r.pid).join(',')
    if (sig !== signature) {
      signature = sig
      lastChange = Date.now()
    }
    const now = Date.now()
    if (now - lastChange >= (o.stableMs ?? 250) || now - started >= (o.maxMs ?? 3000)) return rows
    await sleep(o.pollMs ?? 125)
  }
}

export interface AppRequests {
  hostPort: number
  healthPath: string
  routes: string[]
  /** What the app port speaks ('uwsgi' for a uWSGI `socket`). */
  protocol?: 'http' | 'uwsgi'
  /** Requests in flight at once (requestParallelism); 1 sends them one after another. */
  parallel?: number
  signal?: AbortSignal
}

/**
 * The black-box requests on the app port: health, each route, a path that cannot exist (error
 * page) and the Werkzeug debugger's resource URL (served only when the debugger is on), in that
 * order whatever order they are answered in.
 */
export async function appExchanges(r: AppRequests): Promise<HttpExchange[]> {
  const probe = appProbe(r.protocol, { via: 'app', host: '127.0.0.1', port: r.hostPort })
  const plan: { purpose: string; path: string }[] = [
    { purpose: 'health', path: r.healthPath },
    ...r.routes.map((path) => ({ purpose: 'route', path })),
    { purpose: 'not-found', path: `/flask-deploy-check-${randomBytes(4).toString('hex')}-missing` },
    { purpose: 'debugger', path: '/?__debugger__=yes&cmd=resource&f=debugger.js' },
  ]
  try {
    return await mapInOrder(plan, r.parallel ?? 1, (step) => {
      r.signal?.throwIfAborted()
      return probe.exchange({ ...step, signal: r.signal })
    })
  } finally {
    await probe.close()
  }
}

/**
 * How many requests the app may have in flight: one per worker process it forked (Gunicorn's
 * `-w`), at least 2 and at most 4, so a slow route never queues behind more than one other and
 * the per-request deadline means what it meant one at a time.
 */
export function requestParallelism(processes: Part<ProcessFacts[]>): number {
  if (!Array.isArray(processes)) return 2
  const init = processes.find((p) => p.isInit)
  const workers = init ? processes.filter((p) => p.ppid === init.pid).length : 0
  return Math.min(4, Math.max(2, workers))
}

/** The container's output so far, split by stream, capped at about LOG_LINE_CAP lines. */
export async function containerLogs(docker: Docker, container: string): Promise<Part<LogFacts>> {
  // One line over the cap tells whether anything was cut.
  const res = await docker.logs(container, LOG_LINE_CAP + 1)
  if (res.exitCode !== 0) {
    return { unavailable: `docker logs failed: ${errorLine(res.stderr)}` }
  }
  const { stdout, stderr } = parseTimestampedLogs(res.stdout, res.stderr)
  return {
    stdout,
    stderr,
    truncated: stdout.length + stderr.length > LOG_LINE_CAP || res.truncated,
  }
}
