/**
 * The app container's lifecycle: start (detached, labelled, loopback-published, limited),
 * stop (timed, for shutdown.graceful) and removal, plus `removeRun` that deletes everything a
 * run left behind (post step, finally blocks). Readiness lives in readiness.ts.
 */
import { randomBytes } from 'node:crypto'
import type { Logger } from '../log'
import { parseContainerState, parseHostPort } from '../facts/parse'
import type { ShutdownFacts } from '../facts/types'
import type { RunResult } from '../exec'
import { BUILD_LABEL, Docker, RUN_LABEL, type BindMount } from './docker'
import { errorLine } from '../facts/cli-error'

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
  /** The run's network (see createRunNetwork); the default bridge when absent. */
  network?: string
  /**
   * DNS name on `network` the proxy reaches the app by ('app'). Give it to one container only:
   * two containers with one alias share it round-robin.
   */
  alias?: string
  /** More names beside `alias` (a compose service's name and aliases); same caveat. */
  moreAliases?: string[]
  /** Replaces the image's ENTRYPOINT (compose `entrypoint:`). */
  entrypoint?: string
  /** Read-only bind mounts (host source, container target). */
  mounts?: BindMount[]
  /** Names the container `fdc-<runId>-<role>` (default 'app'; the boot without SECRET_KEY: 'nosecret'). */
  role?: string
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
  return containerName(runId, 'app')
}

/** The name of the run's container with this role ('app', 'nosecret', 'proxy', ...). */
export function containerName(runId: string, role: string): string {
  return `fdc-${runId}-${role}`
}

/** The run's network name; one per run, so nothing else shares the app's DNS names. */
export function networkName(runId: string): string {
  return `fdc-${runId}`
}

/**
 * Creates the run's bridge network, labelled like its containers so removeRun deletes it
 * (the engine's address pools hold only about 31 such networks: a leak breaks the runner).
 * Throws when the engine refuses: nothing of the proxy stage can run without it.
 */
export async function createRunNetwork(docker: Docker, runId: string): Promise<string> {
  const name = networkName(runId)
  const res = await docker.networkCreate(name, runId)
  if (res.exitCode !== 0)
    throw new Error(`docker network create ${name} failed: ${errorLine(res.stderr)}`)
  return name
}

/**
 * The gateway address of a network: what nginx sees as the client address of requests that
 * come in through a published port (docker-proxy connects from the bridge).
 */
export async function networkGateway(docker: Docker, network: string): Promise<string | undefined> {
  const res = await docker.networkInspect(network)
  if (res.exitCode !== 0) return undefined
  try {
    const [net] = JSON.parse(res.stdout) as { IPAM?: { Config?: { Gateway?: string }[] } }[]
    return net?.IPAM?.Config?.find((c) => c.Gateway)?.Gateway
  } catch {
    return undefined
  }
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

/** The container's address on a network (for /etc/hosts entries pointing at it). */
export async function containerAddress(
  docker: Docker,
  container: string,
  network: string,
): Promise<string | undefined> {
  const res = await docker.inspect(container)
  if (res.exitCode !== 0) return undefined
  try {
    const [c] = JSON.parse(res.stdout) as {
      NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> }
    }[]
    return c?.NetworkSettings?.Networks?.[network]?.IPAddress || undefined
  } catch {
    return undefined
  }
}

/**
 * Starts the app detached with its port published on a random loopback port, resource limits
 * and no --init (the real PID 1 is what shutdown and exec-form checks look at).
 */
export async function startApp(docker: Docker, spec: AppSpec): Promise<AppHandle> {
  const handle: AppHandle = {
    name: containerName(spec.runId, spec.role ?? 'app'),
    startedAt: Date.now(),
  }
  const res = await docker.runDetached({
    name: handle.name,
    image: spec.image,
    runId: spec.runId,
    publish: [`127.0.0.1::${spec.port}`],
    env: spec.env,
    memory: '512m',
    pidsLimit: 256,
    network: spec.network,
    networkAliases: spec.alias && spec.network ? [spec.alias, ...(spec.moreAliases ?? [])] : [],
    mounts: spec.mounts,
    entrypoint: spec.entrypoint,
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

export interface RemoveRunOptions {
  /** Also the images the run built (label flask-deploy-check.build=<runId>); not with keep-image. */
  images?: boolean
}

/**
 * Removes every container, network and volume labelled with this run id, and its images unless
 * told to keep them; returns how many objects it removed. Idempotent. Used by finally blocks and
 * the post step, which may have no other state.
 */
export async function removeRun(
  runId: string,
  docker: Docker = new Docker(),
  opts: RemoveRunOptions = {},
): Promise<number> {
  const label = `${RUN_LABEL}=${runId}`
  const ids = (res: RunResult, what: string): string[] => {
    if (res.exitCode !== 0)
      throw new Error(`listing ${what} labelled ${label} failed: ${res.stderr.trim()}`)
    return res.stdout.split('\n').filter((l) => l.trim() !== '')
  }
  const remove = async (
    found: string[],
    rm: (ids: string[]) => Promise<RunResult>,
    verb: string,
  ): Promise<number> => {
    if (found.length === 0) return 0
    const res = await rm(found)
    if (res.exitCode !== 0) throw new Error(`docker ${verb} failed: ${res.stderr.trim()}`)
    return found.length
  }
  let removed = await remove(
    ids(await docker.psByLabel(label), 'containers'),
    (c) => docker.rm(c),
    'rm',
  )
  // Networks and volumes go after their containers (docker refuses to remove them in use);
  // the image, which nothing of the run uses any more, at the same time.
  const counts = await Promise.all([
    (async () =>
      remove(
        ids(await docker.networkLsByLabel(label), 'networks'),
        (n) => docker.networkRm(n),
        'network rm',
      ))(),
    (async () =>
      remove(
        ids(await docker.volumeLsByLabel(label), 'volumes'),
        (v) => docker.volumeRm(v),
        'volume rm',
      ))(),
    (async () => {
      if (!opts.images) return 0
      const res = await docker.imageLsByLabel(`${BUILD_LABEL}=${runId}`)
      return remove([...new Set(ids(res, 'images'))], (i) => docker.imageRm(i), 'image rm')
    })(),
  ])
  removed += counts.reduce((a, b) => a + b, 0)
  return removed
}
