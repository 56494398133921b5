/**
 * HTTP exchanges as data: one request, what came back, or why nothing did. No redirect is
 * followed (a Location header is evidence), bodies are capped, every wait has a deadline and
 * nothing throws: a network failure becomes the exchange's `error`.
 */
import { Agent } from 'undici'
import type { HttpExchange } from '../facts/types'

export interface HttpTarget {
  via: HttpExchange['via']
  /** Address the socket connects to (an IP; the Host header is separate). */
  host: string
  port: number
  /** Use HTTPS with these settings (SNI name, certificate checking); plain HTTP when absent. */
  tls?: { servername?: string; rejectUnauthorized?: boolean }
  /** Host header to send; default `host:port`. */
  hostHeader?: string
}

export interface ExchangeOptions {
  /** Why the request is made: 'health', 'route', 'not-found', ... */
  purpose: string
  /** Path and query, sent as is. */
  path: string
  method?: string
  /** Extra request headers (lower-case names); a `host` here overrides the target's. */
  headers?: Record<string, string>
  /** Deadline for the response headers, and for each gap in the body (default 5000). */
  timeoutMs?: number
  signal?: AbortSignal
  /** Body bytes kept before the rest is dropped (default 64 KiB). */
  maxBodyBytes?: number
  /** Request body (e.g. the 2 MB upload that finds client_max_body_size). */
  body?: Buffer
}

export const USER_AGENT = 'flask-deploy-check'
export const DEFAULT_TIMEOUT_MS = 5000
export const DEFAULT_MAX_BODY = 64 * 1024
/** Bytes read (and dropped past maxBodyBytes) before a body counts as too large: an endless one. */
export const READ_LIMIT = 8 * 1024 * 1024
/** How long the rest of a body over the cap is read (and dropped) to tell large from endless. */
export const DRAIN_MS = 1000

/** Sends requests to one target over fresh connections (so every exchange stands alone). */
export class HttpProbe {
  private readonly agent: Agent

  constructor(readonly target: HttpTarget) {
    this.agent = new Agent({
      connect: {
        timeout: DEFAULT_TIMEOUT_MS,
        ...(target.tls
          ? {
              servername: target.tls.servername,
              rejectUnauthorized: target.tls.rejectUnauthorized ?? true,
            }
          : {}),
      },
    })
  }

  /** Makes one request and returns it with its response or error; never throws. */
  async exchange(opts: ExchangeOptions): Promise<HttpExchange> {
    const { target } = this
    const exchange = startExchange(
      target,
      opts,
      `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`,
    )
    const { method, headers } = exchange.request
    const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const started = Date.now()
    try {
      const res = await this.agent.request({
        origin: originOf(target),
        path: opts.path,
        method: method as 'GET',
        headers,
        ...(opts.body ? { body: opts.body } : {}),
        headersTimeout: timeout,
        bodyTimeout: timeout,
        // Connection: close; a pooled socket the server already closed would fail the next exchange.
        reset: true,
        signal: opts.signal,
      })
      const { body, truncated, overLimit } = await readCapped(
        res.body,
        opts.maxBodyBytes ?? DEFAULT_MAX_BODY,
      )
      exchange.response = {
        status: res.statusCode,
        headers: normalizeHeaders(res.headers),
        body,
        bodyTruncated: truncated,
        ...(overLimit ? { overLimit: READ_LIMIT } : {}),
        ms: Date.now() - started,
      }
    } catch (err) {
      exchange.error = describeError(err, Date.now() - started)
    }
    return exchange
  }

  /** Closes the probe's connections. */
  async close(): Promise<void> {
    // Every exchange has been awaited: nothing in flight deserves a graceful wait.
    await this.agent.destroy().catch(() => undefined)
  }
}

/**
 * The record an exchange starts as, the request as it is sent: the target's Host header (else
 * `host`), the user agent, then the caller's headers (a `host` there wins).
 */
export function startExchange(
  target: HttpTarget,
  opts: ExchangeOptions,
  host: string,
): HttpExchange {
  const headers = { host: target.hostHeader ?? host, 'user-agent': USER_AGENT, ...opts.headers }
  return {
    via: target.via,
    purpose: opts.purpose,
    request: { method: opts.method ?? 'GET', path: opts.path, headers },
  }
}

function originOf(t: HttpTarget): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host
  return `${t.tls ? 'https' : 'http'}://${host}:${t.port}`
}

/**
 * Keeps the first `max` bytes, then drops what follows for at most DRAIN_MS, up to READ_LIMIT:
 * a body that passes READ_LIMIT that fast counts as endless (overLimit); one that stalls or
 * ends is only truncated. The connection is dropped either way, and memory stays flat.
 */
async function readCapped(
  stream: AsyncIterable<Buffer> & { destroy(): void },
  max: number,
): Promise<{ body: string; truncated: boolean; overLimit: boolean }> {
  const chunks: Buffer[] = []
  let kept = 0
  let read = 0
  let overLimit = false
  let drain: NodeJS.Timeout | undefined
  try {
    for await (const chunk of stream) {
      read += chunk.length
      if (kept < max) {
        const keep = chunk.subarray(0, max - kept)
        chunks.push(keep)
        kept += keep.length
      }
      if (read > READ_LIMIT) {
        overLimit = true
        break
      }
      if (read > kept && drain === undefined) drain = setTimeout(() => stream.destroy(), DRAIN_MS)
    }
  } catch (err) {
    // Past the cap, the end of the drain (or a stall) only means the rest was not read.
    if (read <= kept) throw err
  } finally {
    clearTimeout(drain)
  }
  stream.destroy()
  return { body: Buffer.concat(chunks).toString('utf8'), truncated: read > kept, overLimit }
}

/** Lower-case names, every value kept as a list in the order received. */
export function normalizeHeaders(
  raw: Record<string, string | string[] | undefined>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue
    out[name.toLowerCase()] = [
      ...(out[name.toLowerCase()] ?? []),
      ...(Array.isArray(value) ? value : [value]),
    ]
  }
  return out
}

function describeError(err: unknown, ms: number): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } }
  const code = e.code ?? e.cause?.code
  const message = e.message ?? String(err)
  return `${code ? `${code}: ` : ''}${message} (after ${ms} ms)`
}
