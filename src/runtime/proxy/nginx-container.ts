/**
 * The nginx containers of a run: the proxy image made available (one pull at most), a
 * throw-away `nginx -T` that tests the mounted config and prints the effective one, and the
 * proxy itself, published on loopback and waited for until it completes a TLS handshake.
 */
import * as net from 'node:net'
import * as tls from 'node:tls'
import type { BindMount, Docker } from '../../docker/docker'
import { containerName } from '../../docker/stack'
import type { RunResult } from '../../exec'
import type { Logger } from '../../log'
import { parseNginxError } from '../../facts/nginx-config'
import { parseContainerState, parseHostPort, parseTimestampedLogs } from '../../facts/parse'
import { errorLine } from '../../facts/cli-error'

export interface NginxSpec {
  runId: string
  image: string
  network: string
  mounts: BindMount[]
  /** /etc/hosts entries [name, address] (upstream names that mean the app container). */
  hosts: [string, string][]
}

const TEST_TIMEOUT_MS = 30_000
const LOG_TAIL = 20

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Undefined when the image is there (or one pull brought it); else why it is not. */
export async function ensureImage(
  docker: Docker,
  image: string,
  log: Logger,
): Promise<string | undefined> {
  if ((await docker.imageInspect(image)).exitCode === 0) return undefined
  log.info(`Pulling proxy image ${image}`)
  const pulled = await docker.pull(image)
  if (pulled.exitCode === 0) return undefined
  const why = errorLine(pulled.stderr)
  return `proxy image ${image} is not available (docker pull failed${why ? `: ${why}` : ''})`
}

/**
 * `nginx -T` in a throw-away container on the run network with the proxy's mounts: exit 0 and
 * the effective config on stdout, or nginx's error on stderr. It runs nginx directly (no image
 * entrypoint), so nothing but the dump reaches stdout.
 */
export function testConfig(docker: Docker, spec: NginxSpec): Promise<RunResult> {
  return docker.runOnce(
    {
      name: containerName(spec.runId, 'nginx-test'),
      image: spec.image,
      runId: spec.runId,
      publish: [],
      env: [],
      network: spec.network,
      mounts: spec.mounts,
      addHosts: spec.hosts,
      entrypoint: 'nginx',
      command: ['-T'],
    },
    TEST_TIMEOUT_MS,
  )
}

export type ProxyStart =
  | { ok: true; name: string; hostPorts: Map<number, number>; ms: number }
  | { ok: false; name: string; reason: string }

/**
 * Starts the proxy with the image's own command, `ports` published on random loopback ports,
 * and waits until the first port completes a TLS handshake for serverName. A container that
 * exits is reported at once with nginx's error from its log.
 */
export async function startProxy(
  docker: Docker,
  spec: NginxSpec & {
    ports: number[]
    serverName: string
    timeoutMs: number
    /** Names an in-container config file in the reason (the user's repository path). */
    mapFile?: (file: string) => string
    /** The container's role in its name (default proxy). */
    role?: string
    /** What proves it up on the first port: a TLS handshake (default) or an HTTP answer. */
    ready?: 'tls' | 'http'
  },
): Promise<ProxyStart> {
  const name = containerName(spec.runId, spec.role ?? 'proxy')
  const up = spec.ready === 'http' ? answers : handshake
  const started = Date.now()
  const res = await docker.runDetached({
    name,
    image: spec.image,
    runId: spec.runId,
    publish: spec.ports.map((p) => `127.0.0.1::${p}`),
    // The official image's entrypoint otherwise narrates its init scripts on stdout.
    env: [['NGINX_ENTRYPOINT_QUIET_LOGS', '1']],
    memory: '256m',
    pidsLimit: 256,
    network: spec.network,
    mounts: spec.mounts,
    addHosts: spec.hosts,
  })
  if (res.exitCode !== 0)
    return { ok: false, name, reason: `docker run failed: ${lastLine(res.stderr)}` }
  const hostPorts = new Map<number, number>()
  for (const p of spec.ports) {
    const port = parseHostPort((await docker.port(name, p)).stdout)
    if (port !== undefined) hostPorts.set(p, port)
  }
  const firstPort = hostPorts.get(spec.ports[0])
  const deadline = started + spec.timeoutMs
  while (Date.now() < deadline) {
    if (firstPort !== undefined && (await up(firstPort, spec.serverName, 1000)))
      return { ok: true, name, hostPorts, ms: Date.now() - started }
    const state = parseContainerState((await docker.inspect(name)).stdout)
    if (!state.running) {
      const tail = await logTail(docker, name)
      const err = parseNginxError(tail.join('\n'))
      const why = err
        ? `${err.message}${err.file ? ` in ${spec.mapFile?.(err.file) ?? err.file}:${err.line}` : ''}`
        : tail.slice(-3).join(' | ')
      return { ok: false, name, reason: `the proxy exited with code ${state.exitCode}: ${why}` }
    }
    await sleep(50)
  }
  const tail = await logTail(docker, name)
  return {
    ok: false,
    name,
    reason: `no ${spec.ready === 'http' ? 'HTTP answer' : 'TLS handshake'} on port ${spec.ports[0]} within ${spec.timeoutMs / 1000} s${tail.length ? ` (log: ${tail.slice(-3).join(' | ')})` : ''}`,
  }
}

/**
 * One TLS handshake with SNI; true when it completes (the certificate is not checked, unless
 * `ca` is given: then only a chain that verifies for servername counts).
 */
export function handshake(
  port: number,
  servername: string,
  timeoutMs: number,
  ca?: string,
): Promise<boolean> {
  return new Promise((resolve) => {
    const trust = ca ? { ca, rejectUnauthorized: true } : { rejectUnauthorized: false }
    const socket = tls.connect({ host: '127.0.0.1', port, servername, ...trust })
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('secureConnect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/**
 * One plain HTTP request for servername; true when any byte comes back. A connection alone
 * proves nothing: Docker's port proxy accepts it before anything listens in the container.
 */
function answers(port: number, servername: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () =>
      socket.write(`HEAD / HTTP/1.1\r\nHost: ${servername}\r\nConnection: close\r\n\r\n`),
    )
    socket.once('data', () => done(true))
    socket.once('end', () => done(false))
    socket.once('error', () => done(false))
  })
}

async function logTail(docker: Docker, name: string): Promise<string[]> {
  const res = await docker.logs(name, LOG_TAIL)
  return parseTimestampedLogs(res.stdout, res.stderr).merged.slice(-LOG_TAIL)
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .filter((l) => !/^WARNING/.test(l))
      .pop() ?? ''
  )
}
