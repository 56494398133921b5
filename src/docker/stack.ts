/**
 * The app container's lifecycle: start (detached, labelled, loopback-published, limited),
 * stop (timed, for shutdown.graceful) and removal, plus `removeRun` that deletes everything a
 * run left behind (post step, finally blocks). Readiness lives in readiness.ts.
 */
import { randomBytes } from 'node:crypto'
import type { Logger } from '../log'
import { parseContainerState, parseHostPort } from '../observe/parse'
import type { ShutdownFacts } from '../observe/types'
import type { RunResult } from '../exec'
import { Docker, RUN_LABEL } from './docker'

export const STOP_GRACE_S = 10

export interface AppSpec {
  runId: string
  image: string
  /** The app's port inside the container. */
  port: number
  /** Container variables, SECRET_KEY included (see appEnv). */
  env: [string, string][]
  /** Replaces the image's CMD. */
  command?: string[]
}

export interface AppHandle {
  name: string
  /** Container id, when `docker run` created one. */
  id?: string
  /** Loopback port on the host that reaches the app port. */
  hostPort?: number
  /** Date.now() just before `docker run`. */
  startedAt: number
  /** Set when `docker run` itself failed (bad command, missing executable, engine error). */
  startError?: { exitCode: number; message: string[] }
}

/** The container name of a run's app: unique per run, recognisable in `docker ps`. */
export function appName(runId: string): string {
  return `fdc-${runId}-app`
}

/**
 * The container's variables: the `env` option plus a random SECRET_KEY unless `env` sets one.
 * The injected key is registered as a secret so no log line can show it.
 */
export function appEnv(
  env: [string, string][],
  log: Logger,
): { env: [string, string][]; secretKey?: string } {
  if (env.some(([k]) => k === 'SECRET_KEY')) return { env }
  const secretKey = randomBytes(32).toString('hex')
  log.secret(secretKey)
  return { env: [...env, ['SECRET_KEY', secretKey]], secretKey }
}

/**
 * Starts the app detached with its port published on a random loopback port, resource limits
 * and no --init (the real PID 1 is what shutdown and exec-form checks look at).
 */
export async function startApp(docker: Docker, spec: AppSpec): Promise<AppHandle> {
  const handle: AppHandle = { name: appName(spec.runId), startedAt: Date.now() }
  const res = await docker.runDetached({
    name: handle.name,
    image: spec.image,
    runId: spec.runId,
    publish: [`127.0.0.1::${spec.port}`],
    env: spec.env,
    memory: '512m',
    pidsLimit: 256,
    command: spec.command,
  })
  if (res.exitCode !== 0) {
    const message = res.stderr.split('\n').filter((l) => l.trim() !== '' && !/^WARNING/.test(l))
    handle.startError = { exitCode: res.exitCode, message: message.slice(-40) }
    return handle
  }
  handle.id = res.stdout.trim().split('\n').pop()
  const port = await docker.port(handle.name, spec.port)
  // A container that already exited has no published port: readiness reports the exit.
  handle.hostPort = parseHostPort(port.stdout)
  return handle
}

/**
 * Stops the container the way an orchestrator does (SIGTERM, SIGKILL after the grace) and
 * reports how long it took and how it ended.
 */
export async function stopApp(
  docker: Docker,
  handle: AppHandle,
  graceS = STOP_GRACE_S,
): Promise<ShutdownFacts> {
  const stop = await docker.stop(handle.name, graceS)
  if (stop.exitCode !== 0)
    throw new Error(`docker stop ${handle.name} failed: ${stop.stderr.trim()}`)
  const state = parseContainerState((await docker.inspect(handle.name)).stdout)
  return {
    graceS,
    ms: stop.ms,
    exitCode: state.exitCode,
    killed: state.exitCode === 137 || stop.ms >= graceS * 1000,
  }
}

/** Removes the app container and its anonymous volumes; safe to call twice. */
export async function removeApp(docker: Docker, handle: AppHandle): Promise<void> {
  const res = await docker.rm([handle.name])
  if (res.exitCode !== 0 && !/No such container/i.test(res.stderr)) {
    throw new Error(`docker rm ${handle.name} failed: ${res.stderr.trim()}`)
  }
}

/**
 * Removes every container and network labelled with this run id; returns how many objects it
 * removed. Idempotent. Used by finally blocks and the post step, which may have no other state.
 */
export async function removeRun(runId: string, docker: Docker = new Docker()): Promise<number> {
  const label = `${RUN_LABEL}=${runId}`
  const ids = (res: RunResult): string[] => {
    if (res.exitCode !== 0)
      throw new Error(`listing objects labelled ${label} failed: ${res.stderr.trim()}`)
    return res.stdout.split('\n').filter((l) => l.trim() !== '')
  }
  const containers = ids(await docker.psByLabel(label))
  if (containers.length > 0) {
    const res = await docker.rm(containers)
    if (res.exitCode !== 0) throw new Error(`docker rm failed: ${res.stderr.trim()}`)
  }
  // Networks go after their containers: docker refuses to remove a network in use.
  const networks = ids(await docker.networkLsByLabel(label))
  if (networks.length > 0) {
    const res = await docker.networkRm(networks)
    if (res.exitCode !== 0) throw new Error(`docker network rm failed: ${res.stderr.trim()}`)
  }
  return containers.length + networks.length
}
