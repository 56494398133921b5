/**
 * The Caddy containers of a run: a throw-away `caddy adapt` of the mounted Caddyfile (Caddy's
 * own parser: JSON on stdout, or its error with the Caddyfile line), then Caddy running the
 * planned JSON, published on loopback and waited for until its internal CA's certificate
 * verifies in a TLS handshake for the server name.
 */
import type { BindMount, Docker } from '../../docker/docker'
import { containerName } from '../../docker/stack'
import type { RunResult } from '../../exec'
import { startPublished, type Started } from './container-start'
import { handshake } from './port-ready'

export const CADDYFILE_TARGET = '/etc/caddy/Caddyfile'
export const CADDY_JSON_TARGET = '/etc/caddy/flask-deploy-check.json'
/** Where Caddy's internal CA keeps its root (XDG_DATA_HOME=/data in Debian's and the official image). */
const ROOT_CA = '/data/caddy/pki/authorities/local/root.crt'
const ADAPT_TIMEOUT_MS = 30_000

/**
 * The two Caddy commands of a run, whether Caddy runs in the proxy image or from a runner's
 * packages (host mode): read a Caddyfile with Caddy's adapter, run the planned JSON.
 */
export const caddyAdaptArgs = (caddyfile: string): string[] => [
  'adapt',
  '--config',
  caddyfile,
  '--adapter',
  'caddyfile',
]
export const caddyRunArgs = (json: string): string[] => ['run', '--config', json]

export interface CaddySpec {
  runId: string
  image: string
  network: string
  mounts: BindMount[]
  hosts: [string, string][]
}

/** `caddy adapt` of the Caddyfile mounted at CADDYFILE_TARGET: the JSON, or Caddy's error. */
export function adaptCaddyfile(docker: Docker, spec: CaddySpec): Promise<RunResult> {
  return docker.runOnce(
    {
      name: containerName(spec.runId, 'caddy-adapt'),
      image: spec.image,
      runId: spec.runId,
      publish: [],
      env: [],
      network: spec.network,
      mounts: spec.mounts,
      entrypoint: 'caddy',
      command: caddyAdaptArgs(CADDYFILE_TARGET),
    },
    ADAPT_TIMEOUT_MS,
  )
}

export type CaddyStart = Started<{ verified: boolean }>

/** Starts Caddy on the planned JSON; ready when the first port completes a TLS handshake. */
export function startCaddy(
  docker: Docker,
  spec: CaddySpec & { ports: number[]; serverName: string; timeoutMs: number },
): Promise<CaddyStart> {
  const name = containerName(spec.runId, 'proxy')
  return startPublished(docker, {
    run: {
      name,
      image: spec.image,
      runId: spec.runId,
      env: [],
      memory: '256m',
      pidsLimit: 256,
      network: spec.network,
      mounts: spec.mounts,
      addHosts: spec.hosts,
      entrypoint: 'caddy',
      command: caddyRunArgs(CADDY_JSON_TARGET),
    },
    ports: spec.ports,
    timeoutMs: spec.timeoutMs,
    pollMs: 150,
    awaited: 'TLS handshake',
    ready: async (port) => {
      if (!(await handshake(port, spec.serverName, 1000))) return undefined
      const root = await docker.execIn(name, ['cat', ROOT_CA])
      const verified =
        root.exitCode === 0 && (await handshake(port, spec.serverName, 1000, root.stdout))
      return { verified }
    },
    exited: (code, tail) => `Caddy exited with code ${code}: ${tail.slice(-3).join(' | ')}`,
    logLine: (l) => {
      // Caddy logs JSON lines: the message is what a person reads.
      try {
        const j = JSON.parse(l) as { msg?: string; error?: string }
        return [j.msg, j.error].filter(Boolean).join(': ') || l
      } catch {
        return l
      }
    },
  })
}
