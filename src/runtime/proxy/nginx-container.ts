/**
 * The nginx containers of a run: the proxy image made available (one pull at most), a
 * throw-away `nginx -T` that tests the mounted config and prints the effective one, and the
 * proxy itself, published on loopback and waited for until it completes a TLS handshake.
 */
import type { BindMount, Docker } from '../../docker/docker'
import { containerName } from '../../docker/stack'
import type { RunResult } from '../../exec'
import type { Logger } from '../../log'
import { parseNginxError } from '../../facts/nginx-config'
import { startPublished, type Started } from './container-start'
import { answers, handshake } from './port-ready'
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

/** `nginx -T` inside the running proxy: the same mounts, and the config nginx actually runs. */
export function testInProxy(docker: Docker, container: string): Promise<RunResult> {
  return docker.execIn(container, ['nginx', '-T'], TEST_TIMEOUT_MS)
}

export type ProxyStart = Started<object>

/**
 * Starts the proxy with the image's own command, `ports` published on random loopback ports,
 * and waits until the first port completes a TLS handshake for serverName. A container that
 * exits is reported at once with nginx's error from its log.
 */
export function startProxy(
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
  const up = spec.ready === 'http' ? answers : handshake
  return startPublished(docker, {
    run: {
      name: containerName(spec.runId, spec.role ?? 'proxy'),
      image: spec.image,
      runId: spec.runId,
      // The official image's entrypoint otherwise narrates its init scripts on stdout.
      env: [['NGINX_ENTRYPOINT_QUIET_LOGS', '1']],
      memory: '256m',
      pidsLimit: 256,
      network: spec.network,
      mounts: spec.mounts,
      addHosts: spec.hosts,
    },
    ports: spec.ports,
    timeoutMs: spec.timeoutMs,
    pollMs: 50,
    awaited: spec.ready === 'http' ? 'HTTP answer' : 'TLS handshake',
    ready: async (port) => ((await up(port, spec.serverName, 1000)) ? {} : undefined),
    exited: (code, tail) => {
      const err = parseNginxError(tail.join('\n'))
      const why = err
        ? `${err.message}${err.file ? ` in ${spec.mapFile?.(err.file) ?? err.file}:${err.line}` : ''}`
        : tail.slice(-3).join(' | ')
      return `the proxy exited with code ${code}: ${why}`
    },
  })
}
