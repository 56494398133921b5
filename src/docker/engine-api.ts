/**
 * The Docker engine's HTTP API on its unix socket, for the chatty calls (inspect, top, exec,
 * logs, wait, stop, remove): one request costs a few milliseconds where a `docker` CLI process
 * costs 15-30. Every request has a deadline and a body cap and never throws: a refused
 * connection or a deadline comes back as a status of 0 with the reason, so docker.ts can answer
 * in the CLI's terms (exit code, stderr) and its callers cannot tell the two apart.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Pool } from 'undici'

const DEFAULT_SOCKET = '/var/run/docker.sock'
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024

export interface EngineRequest {
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  query?: Record<string, string | number | boolean | undefined>
  /** Sent as JSON. */
  json?: unknown
  timeoutMs: number
  /** Bytes kept of the response body; the rest is dropped and `truncated` set. */
  maxBytes?: number
  signal?: AbortSignal
}

export interface EngineResponse {
  /** HTTP status; 0 when no response came (no engine, deadline, abort). */
  status: number
  body: Buffer
  truncated: boolean
  /** Why no response came (status 0), or the engine's `message` for an error status. */
  error?: string
  timedOut: boolean
  ms: number
}

/**
 * The engine's unix socket when the CLI would talk to it too: DOCKER_HOST naming a unix socket,
 * else the default socket unless a non-default context is selected (its endpoint could be any
 * transport). Undefined means "use the CLI for everything".
 */
export function engineSocket(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.FDC_DOCKER_API === '0') return undefined
  const host = env.DOCKER_HOST
  if (host) return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined
  if (env.DOCKER_CONTEXT && env.DOCKER_CONTEXT !== 'default') return undefined
  try {
    const dir = env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker')
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as {
      currentContext?: string
    }
    if (config.currentContext && config.currentContext !== 'default') return undefined
  } catch {
    // no config: the default context
  }
  return fs.existsSync(DEFAULT_SOCKET) ? DEFAULT_SOCKET : undefined
}

const pools = new Map<string, Pool>()

/** One connection pool per socket for the process; idle sockets do not keep it alive. */
function poolFor(socketPath: string): Pool {
  let pool = pools.get(socketPath)
  if (!pool) {
    pool = new Pool('http://docker', { socketPath, keepAliveTimeout: 2000 })
    pools.set(socketPath, pool)
  }
  return pool
}

export class Engine {
  constructor(readonly socketPath: string) {}

  async request(r: EngineRequest): Promise<EngineResponse> {
    const started = Date.now()
    const deadline = AbortSignal.timeout(Math.max(r.timeoutMs, 1))
    const signal = r.signal ? AbortSignal.any([deadline, r.signal]) : deadline
    const query = Object.entries(r.query ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&')
    const done = (partial: Omit<EngineResponse, 'ms' | 'timedOut'>): EngineResponse => ({
      ...partial,
      timedOut: deadline.aborted,
      ms: Date.now() - started,
    })
    try {
      const res = await poolFor(this.socketPath).request({
        method: r.method,
        path: query ? `${r.path}?${query}` : r.path,
        headers: r.json === undefined ? {} : { 'content-type': 'application/json' },
        body: r.json === undefined ? undefined : JSON.stringify(r.json),
        signal,
        // The deadline above is the only clock: a `wait` may rightly send nothing for minutes.
        headersTimeout: 0,
        bodyTimeout: 0,
      })
      const { body, truncated } = await readCapped(res.body, r.maxBytes ?? DEFAULT_MAX_BYTES)
      const error = res.statusCode >= 400 ? messageOf(body) : undefined
      return done({ status: res.statusCode, body, truncated, ...(error ? { error } : {}) })
    } catch (err) {
      const e = err as { code?: string; message?: string }
      const why = deadline.aborted
        ? `no answer from the engine within ${r.timeoutMs} ms`
        : `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`
      return done({ status: 0, body: Buffer.alloc(0), truncated: false, error: why })
    }
  }
}

async function readCapped(
  stream: AsyncIterable<Buffer> & { destroy(): unknown },
  max: number,
): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = []
  let size = 0
  let truncated = false
  for await (const chunk of stream) {
    const keep = chunk.subarray(0, max - size)
    chunks.push(keep)
    size += keep.length
    if (keep.length < chunk.length) {
      truncated = true
      break
    }
  }
  stream.destroy()
  return { body: Buffer.concat(chunks), truncated }
}

function messageOf(body: Buffer): string {
  try {
    const m = (JSON.parse(body.toString('utf8')) as { message?: unknown }).message
    if (typeof m === 'string') return m
  } catch {
    // not JSON
  }
  return body.toString('utf8').trim().slice(0, 500)
}

/**
 * Splits the engine's multiplexed stream (logs and exec of a container without a TTY): frames of
 * an 8-byte header (stream 1 stdout, 2 stderr; big-endian length) and the payload. A stream that
 * does not start with such a header is a TTY's raw output, all stdout. A frame cut by the body
 * cap keeps what arrived.
 */
export function demux(buf: Buffer): { stdout: Buffer; stderr: Buffer } {
  const out: Buffer[] = []
  const err: Buffer[] = []
  const framed = buf.length >= 8 && buf[0] <= 2 && buf[1] === 0 && buf[2] === 0 && buf[3] === 0
  if (!framed) return { stdout: buf, stderr: Buffer.alloc(0) }
  let at = 0
  while (at + 8 <= buf.length) {
    const kind = buf[at]
    const size = buf.readUInt32BE(at + 4)
    const payload = buf.subarray(at + 8, Math.min(at + 8 + size, buf.length))
    ;(kind === 2 ? err : out).push(payload)
    at += 8 + size
  }
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err) }
}
