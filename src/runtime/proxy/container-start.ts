/**
 * A proxy container started detached with its ports published on random loopback ports, then
 * waited for: up when the kind's own readiness test passes on the first port, reported at once
 * when it exits (the kind reads the reason from its log tail), or when the time is up.
 */
import type { Docker, RunSpec } from '../../docker/docker'
import { parseContainerState, parseHostPort, parseTimestampedLogs } from '../../facts/parse'
import { errorLine } from '../../facts/cli-error'

const LOG_TAIL = 20

export type Started<T> =
  | ({ ok: true; name: string; hostPorts: Map<number, number>; ms: number } & T)
  | { ok: false; name: string; reason: string }

export interface StartSpec<T> {
  /** The container (its ports are published here). */
  run: Omit<RunSpec, 'publish'>
  ports: number[]
  timeoutMs: number
  /** Pause between two readiness tests. */
  pollMs: number
  /** What the readiness test waits for ('TLS handshake'), for the reason when time is up. */
  awaited: string
  /** The test on the first port's host port: what it adds to the start's result, or undefined while not up. */
  ready: (hostPort: number) => Promise<T | undefined>
  /** The reason when the container exited, from its exit code and log tail. */
  exited: (exitCode: number, tail: string[]) => string
  /** A log line as a person reads it (Caddy logs JSON). */
  logLine?: (line: string) => string
}

export async function startPublished<T extends object>(
  docker: Docker,
  spec: StartSpec<T>,
): Promise<Started<T>> {
  const { name } = spec.run
  const started = Date.now()
  const res = await docker.runDetached({
    ...spec.run,
    publish: spec.ports.map((p) => `127.0.0.1::${p}`),
  })
  if (res.exitCode !== 0)
    return { ok: false, name, reason: `docker run failed: ${errorLine(res.stderr)}` }
  const hostPorts = new Map<number, number>()
  for (const p of spec.ports) {
    const port = parseHostPort((await docker.port(name, p)).stdout)
    if (port !== undefined) hostPorts.set(p, port)
  }
  const firstPort = hostPorts.get(spec.ports[0])
  const deadline = started + spec.timeoutMs
  while (Date.now() < deadline) {
    const up = firstPort === undefined ? undefined : await spec.ready(firstPort)
    if (up !== undefined) return { ok: true, name, hostPorts, ms: Date.now() - started, ...up }
    const state = parseContainerState((await docker.inspect(name)).stdout)
    if (!state.running) {
      const tail = await logTail(docker, name, spec.logLine)
      return { ok: false, name, reason: spec.exited(state.exitCode, tail) }
    }
    await sleep(spec.pollMs)
  }
  const tail = await logTail(docker, name, spec.logLine)
  return {
    ok: false,
    name,
    reason: `no ${spec.awaited} on port ${spec.ports[0]} within ${spec.timeoutMs / 1000} s${tail.length ? ` (log: ${tail.slice(-3).join(' | ')})` : ''}`,
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function logTail(
  docker: Docker,
  name: string,
  line: (l: string) => string = (l) => l,
): Promise<string[]> {
  const res = await docker.logs(name, LOG_TAIL)
  return parseTimestampedLogs(res.stdout, res.stderr).merged.slice(-LOG_TAIL).map(line)
}
