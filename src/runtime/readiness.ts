/**
 * Waiting for the app to answer HTTP. Three ways out besides success, each reported at once:
 * the container exits (a `docker wait` races the polling), the server listens only on
 * loopback inside the container (it can never answer through the published port), or the
 * boot timeout passes. A TCP connect proves nothing: Gunicorn accepts before its workers have
 * imported the app, and docker's port proxy accepts even when nothing listens.
 */
import { promises as fs } from 'node:fs'
import type { Logger } from '../log'
import {
  loopbackOnly,
  parseContainerState,
  parseProcNetTcp,
  parseTimestampedLogs,
} from '../facts/parse'
import type { BootFacts, ListenFacts } from '../facts/types'
import { appProbe, UWSGI_GOT_HTTP, type AppProbe } from '../probe/app-probe'
import type { Docker } from '../docker/docker'
import type { AppHandle } from '../docker/stack'
import { errorLine } from '../facts/cli-error'

export interface ReadyOptions {
  /** The app's port inside the container. */
  appPort: number
  healthPath: string
  /** Budget from `docker run` (handle.startedAt). */
  timeoutMs: number
  log: Logger
  signal?: AbortSignal
  /** Pause between failed attempts. */
  pollMs?: number
  /** When to start looking at the container's sockets. */
  listenCheckAfterMs?: number
  /** What the app port speaks, when known from the command (uWSGI `socket`: 'uwsgi'). */
  protocol?: 'http' | 'uwsgi'
}

const LOG_TAIL = 40
/**
 * Pause after an attempt that got no answer (refused, or reset by docker's port proxy while
 * nothing listens): readiness is noticed within about this long of the port answering.
 */
const POLL_MS = 25

interface Exit {
  exitCode: number
  at: number
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Waits until the app answers any HTTP response on the health path, or says why it never will. */
export async function waitReady(
  docker: Docker,
  handle: AppHandle,
  o: ReadyOptions,
): Promise<BootFacts> {
  const { startedAt } = handle
  if (handle.startError) {
    const { exitCode, message } = handle.startError
    return {
      ready: false,
      ms: Date.now() - startedAt,
      exited: { exitCode, afterMs: Date.now() - startedAt },
      logTail: message,
    }
  }
  const deadline = startedAt + o.timeoutMs
  const stopPolling = new AbortController()
  let exit: Exit | undefined
  // Resolves when the container exits; stays pending (and ends at teardown) when it does not.
  const exited = new Promise<Exit>((resolve) => {
    void docker.wait(handle.name, o.timeoutMs + 5000).then((r) => {
      const code = /^\s*(-?\d+)\s*$/.exec(r.stdout)
      if (r.exitCode === 0 && code) resolve({ exitCode: Number(code[1]), at: Date.now() })
    })
  }).then((e) => {
    exit = e
    stopPolling.abort()
    return e
  })
  const signal = o.signal ? AbortSignal.any([stopPolling.signal, o.signal]) : stopPolling.signal
  const target = { via: 'app' as const, host: '127.0.0.1', port: handle.hostPort ?? 0 }
  let protocol = o.protocol ?? 'http'
  let probe: AppProbe = appProbe(protocol, target)
  let nextListenCheck = startedAt + (o.listenCheckAfterMs ?? 2000)
  let listening: ListenFacts[] | undefined
  let firstStatus: number | undefined
  let answeredAt = 0
  let gaveUp: 'loopback' | 'timeout' | undefined
  try {
    while (exit === undefined && firstStatus === undefined && gaveUp === undefined) {
      o.signal?.throwIfAborted()
      if (Date.now() >= deadline) {
        gaveUp = 'timeout'
        break
      }
      if (handle.hostPort !== undefined) {
        // The request may sit in the server's backlog while the app imports: let it wait.
        const ex = await probe.exchange({
          purpose: 'boot',
          path: o.healthPath,
          timeoutMs: deadline - Date.now(),
          signal,
        })
        if (ex.response) {
          firstStatus = ex.response.status
          answeredAt = Date.now()
        }
        if (exit !== undefined || firstStatus !== undefined) break
      }
      if (Date.now() >= nextListenCheck) {
        listening = await readListening(docker, handle.name)
        nextListenCheck = Date.now() + 1000
        if (listening && loopbackOnly(listening, o.appPort)) gaveUp = 'loopback'
        // HTTP sent to a uWSGI `socket`: uWSGI says so in its log; speak its protocol instead.
        if (protocol === 'http' && (await speaksUwsgi(docker, handle.name))) {
          o.log.info(
            'uWSGI logged "invalid request block size": the app port speaks the uwsgi protocol',
          )
          await probe.close()
          protocol = 'uwsgi'
          probe = appProbe(protocol, target)
          continue
        }
      }
      await Promise.race([sleep(o.pollMs ?? POLL_MS), exited])
    }
  } finally {
    await probe.close()
  }
  // Boot time ends at the first answer, not after the bookkeeping below.
  const ms = (firstStatus !== undefined ? answeredAt : Date.now()) - startedAt
  if (firstStatus !== undefined) {
    o.log.debug(`app answered ${firstStatus} on ${o.healthPath} after ${ms} ms`)
    // Recorded after the answer: the ports the app listens on (proxy.upstream compares them).
    const [logTail, listeningNow] = await Promise.all([
      tailLines(docker, handle.name, LOG_TAIL),
      readListening(docker, handle.name),
    ])
    return {
      ready: true,
      ms,
      logTail,
      firstStatus,
      listening: listeningNow,
      ...(protocol === 'uwsgi' ? { protocol } : {}),
    }
  }
  const logTail = await tailLines(docker, handle.name, LOG_TAIL)
  if (exit !== undefined) {
    return {
      ready: false,
      ms,
      exited: { exitCode: exit.exitCode, afterMs: exit.at - startedAt },
      logTail,
    }
  }
  listening ??= await readListening(docker, handle.name)
  return {
    ready: false,
    ms,
    logTail,
    listening,
    ...(gaveUp === 'timeout' ? { timedOut: true } : {}),
  }
}

/**
 * The container's listening TCP sockets, from its own /proc/net/tcp(6) through `docker exec`,
 * else (an image without `cat`) from the host's view of its PID 1. Undefined when neither works.
 */
export async function readListening(
  docker: Docker,
  container: string,
): Promise<ListenFacts[] | undefined> {
  const res = await docker.execIn(container, ['cat', '/proc/net/tcp', '/proc/net/tcp6'], 5000)
  // cat exits 1 when IPv6 is off (no tcp6) but still prints tcp.
  if (res.stdout.includes('local_address')) return parseProcNetTcp(res.stdout)
  const state = parseContainerState((await docker.inspect(container)).stdout)
  if (!state.running || state.pid <= 0) return undefined
  const texts = await Promise.all(
    ['tcp', 'tcp6'].map((f) => fs.readFile(`/proc/${state.pid}/net/${f}`, 'utf8').catch(() => '')),
  )
  const text = texts.join('\n')
  return text.includes('local_address') ? parseProcNetTcp(text) : undefined
}

/** The last lines of the container's output, stdout and stderr interleaved by time. */
export async function tailLines(
  docker: Docker,
  container: string,
  lines: number,
): Promise<string[]> {
  const res = await docker.logs(container, lines)
  if (res.exitCode !== 0) return [`(docker logs failed: ${errorLine(res.stderr)})`]
  return parseTimestampedLogs(res.stdout, res.stderr).merged.slice(-lines)
}

async function speaksUwsgi(docker: Docker, container: string): Promise<boolean> {
  return (await tailLines(docker, container, 200)).some((l) => UWSGI_GOT_HTTP.test(l))
}
