/**
 * The Caddy containers of a run: a throw-away `caddy adapt` of the mounted Caddyfile (Caddy's
 * own parser: JSON on stdout, or its error with the Caddyfile line), then Caddy running the
 * planned JSON, published on loopback and waited for until its internal CA's certificate
 * verifies in a TLS handshake for the server name.
 */
import type { BindMount, Docker } from '../../docker/docker'
import { containerName } from '../../docker/stack'
import type { RunResult } from '../../exec'
import { parseContainerState, parseHostPort, parseTimestampedLogs } from '../../facts/parse'
import { handshake } from './nginx-container'
import { errorLine } from '../../facts/cli-error'

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

export type CaddyStart =
  | { ok: true; name: string; hostPorts: Map<number, number>; ms: number; verified: boolean }
  | { ok: false; name: string; reason: string }

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Starts Caddy on the planned JSON; ready when the first port completes a TLS handshake. */
export async function startCaddy(
  docker: Docker,
  spec: CaddySpec & { ports: number[]; serverName: string; timeoutMs: number },
): Promise<CaddyStart> {
  const name = containerName(spec.runId, 'proxy')
  const started = Date.now()
  const res = await docker.runDetached({
    name,
    image: spec.image,
    runId: spec.runId,
    publish: spec.ports.map((p) => `127.0.0.1::${p}`),
    env: [],
    memory: '256m',
    pidsLimit: 256,
    network: spec.network,
    mounts: spec.mounts,
    addHosts: spec.hosts,
    entrypoint: 'caddy',
    command: caddyRunArgs(CADDY_JSON_TARGET),
  })
  if (res.exitCode !== 0)
    return {
      ok: false,
      name,
      reason: `docker run failed: ${errorLine(res.stderr)}`,
    }
  const hostPorts = new Map<number, number>()
  for (const p of spec.ports) {
    const port = parseHostPort((await docker.port(name, p)).stdout)
    if (port !== undefined) hostPorts.set(p, port)
  }
  const tlsPort = hostPorts.get(spec.ports[0])
  const deadline = started + spec.timeoutMs
  while (Date.now() < deadline) {
    if (tlsPort !== undefined && (await handshake(tlsPort, spec.serverName, 1000))) {
      const root = await docker.execIn(name, ['cat', ROOT_CA])
      const verified =
        root.exitCode === 0 && (await handshake(tlsPort, spec.serverName, 1000, root.stdout))
      return { ok: true, name, hostPorts, ms: Date.now() - started, verified }
    }
    const state = parseContainerState((await docker.inspect(name)).stdout)
    if (!state.running) {
      const tail = await logTail(docker, name)
      return {
        ok: false,
        name,
        reason: `Caddy exited with code ${state.exitCode}: ${tail.slice(-3).join(' | ')}`,
      }
    }
    await sleep(150)
  }
  const tail = await logTail(docker, name)
  return {
    ok: false,
    name,
    reason: `no TLS handshake on port ${spec.ports[0]} within ${spec.timeoutMs / 1000} s${tail.length ? ` (log: ${tail.slice(-3).join(' | ')})` : ''}`,
  }
}

async function logTail(docker: Docker, name: string): Promise<string[]> {
  const res = await docker.logs(name, 20)
  return parseTimestampedLogs(res.stdout, res.stderr)
    .merged.slice(-20)
    .map((l) => {
      // Caddy logs JSON lines: the message is what a person reads.
      try {
        const j = JSON.parse(l) as { msg?: string; error?: string }
        return [j.msg, j.error].filter(Boolean).join(': ') || l
      } catch {
        return l
      }
    })
}
