/**
 * Exchanges in the uwsgi protocol, for an app port that is a uWSGI `socket` (what nginx's
 * uwsgi_pass speaks): one packet per request (modifier1 0, a little-endian 16-bit size,
 * modifier2 0, then the CGI-style variables, each name and value prefixed by its 16-bit LE
 * length); uWSGI answers with raw HTTP on the same connection and closes it. Like HttpProbe, it
 * returns data and never throws.
 */
import * as net from 'node:net'
import type { HttpExchange } from '../facts/types'
import {
  DEFAULT_MAX_BODY,
  DEFAULT_TIMEOUT_MS,
  DRAIN_MS,
  READ_LIMIT,
  startExchange,
  type ExchangeOptions,
  type HttpTarget,
} from './http'

/** The uwsgi packet for a request: header (0, size LE, 0) and the variables. */
export function uwsgiPacket(vars: Record<string, string>): Buffer {
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(vars)) {
    for (const s of [k, v]) {
      const b = Buffer.from(s, 'latin1')
      const len = Buffer.alloc(2)
      len.writeUInt16LE(b.length)
      parts.push(len, b)
    }
  }
  const body = Buffer.concat(parts)
  if (body.length > 0xffff) throw new Error('uwsgi packet larger than 64 KiB')
  const head = Buffer.from([0, 0, 0, 0])
  head.writeUInt16LE(body.length, 1)
  return Buffer.concat([head, body])
}

/** The variables nginx's uwsgi_params sends, and each request header as HTTP_*. */
export function uwsgiVars(
  method: string,
  path: string,
  headers: Record<string, string>,
  server: { name: string; port: number },
): Record<string, string> {
  const q = path.indexOf('?')
  const vars: Record<string, string> = {
    REQUEST_METHOD: method,
    REQUEST_URI: path,
    PATH_INFO: decodeURIComponentSafe(q < 0 ? path : path.slice(0, q)),
    QUERY_STRING: q < 0 ? '' : path.slice(q + 1),
    SERVER_NAME: server.name,
    SERVER_PORT: String(server.port),
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '127.0.0.1',
  }
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toUpperCase().replace(/-/g, '_')
    if (key === 'CONTENT_TYPE' || key === 'CONTENT_LENGTH') vars[key] = value
    else vars[`HTTP_${key}`] = value
  }
  return vars
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** Parses a raw HTTP response (status line, headers, body; chunked bodies decoded). */
export function parseRawHttp(raw: Buffer): {
  status: number
  headers: Record<string, string[]>
  body: Buffer
} {
  const end = raw.indexOf('\r\n\r\n')
  const head = (end < 0 ? raw : raw.subarray(0, end)).toString('latin1').split('\r\n')
  const status = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(head[0] ?? '')
  if (!status)
    throw new Error(`not an HTTP response: ${JSON.stringify((head[0] ?? '').slice(0, 60))}`)
  const headers: Record<string, string[]> = {}
  for (const line of head.slice(1)) {
    const i = line.indexOf(':')
    if (i <= 0) continue
    const name = line.slice(0, i).trim().toLowerCase()
    headers[name] = [...(headers[name] ?? []), line.slice(i + 1).trim()]
  }
  let body = end < 0 ? Buffer.alloc(0) : raw.subarray(end + 4)
  if ((headers['transfer-encoding'] ?? []).some((v) => /chunked/i.test(v))) body = dechunk(body)
  return { status: Number(status[1]), headers, body }
}

function dechunk(b: Buffer): Buffer {
  const out: Buffer[] = []
  let at = 0
  while (at < b.length) {
    const eol = b.indexOf('\r\n', at)
    if (eol < 0) break
    const size = parseInt(b.subarray(at, eol).toString('latin1'), 16)
    if (!Number.isFinite(size) || size === 0) break
    out.push(b.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
  return Buffer.concat(out)
}

/** Raw bytes kept for the status line and headers, beyond the body's cap. */
const HEAD_ROOM = 64 * 1024

/** Sends requests in the uwsgi protocol to one target, a fresh connection each. */
export class UwsgiProbe {
  constructor(readonly target: HttpTarget) {}

  /** Makes one request and returns it with its response or error; never throws. */
  exchange(opts: ExchangeOptions): Promise<HttpExchange> {
    const { target } = this
    const exchange = startExchange(target, opts, `${target.host}:${target.port}`)
    const { method, headers } = exchange.request
    const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const max = opts.maxBodyBytes ?? DEFAULT_MAX_BODY
    const started = Date.now()
    const hostName = headers.host.replace(/:\d+$/, '')
    const packet = uwsgiPacket(
      uwsgiVars(method, opts.path, headers, { name: hostName, port: target.port }),
    )
    // As HttpProbe's read: the first bytes are kept, the rest dropped as it comes for DRAIN_MS,
    // and past READ_LIMIT the body counts as endless; memory stays flat either way.
    const keep = max + HEAD_ROOM
    return new Promise((resolve) => {
      const chunks: Buffer[] = []
      let kept = 0
      let read = 0
      let drain: NodeJS.Timeout | undefined
      let done = false
      const socket = net.connect({ host: target.host, port: target.port })
      const finish = (error?: string): void => {
        if (done) return
        done = true
        clearTimeout(timer)
        clearTimeout(drain)
        opts.signal?.removeEventListener('abort', onAbort)
        socket.destroy()
        const raw = Buffer.concat(chunks)
        const overflow = kept >= keep && raw.indexOf('\r\n\r\n') < 0
        if (overflow)
          error = `UND_ERR_HEADERS_OVERFLOW: no end of the header block in ${keep} bytes`
        else if (read > kept) error = undefined // past the cap, a drop or stall only ends the read
        if (!overflow && (error === undefined || raw.length > 0)) {
          try {
            const res = parseRawHttp(raw)
            exchange.response = {
              status: res.status,
              headers: res.headers,
              body: res.body.subarray(0, max).toString('utf8'),
              bodyTruncated: res.body.length > max || read > kept,
              ...(read > READ_LIMIT ? { overLimit: READ_LIMIT } : {}),
              ms: Date.now() - started,
            }
            resolve(exchange)
            return
          } catch (err) {
            error ??= (err as Error).message
          }
        }
        exchange.error = `${error ?? 'no response'} (after ${Date.now() - started} ms)`
        resolve(exchange)
      }
      const onAbort = (): void => finish('aborted')
      opts.signal?.addEventListener('abort', onAbort)
      let timer = setTimeout(() => finish('UND_ERR_HEADERS_TIMEOUT: timed out'), timeout)
      socket.on('connect', () => socket.write(packet))
      socket.on('data', (d: Buffer) => {
        read += d.length
        if (kept < keep) {
          const part = d.subarray(0, keep - kept)
          chunks.push(part)
          kept += part.length
        }
        if (read > READ_LIMIT) return finish()
        if (read > kept && drain === undefined) drain = setTimeout(() => finish(), DRAIN_MS)
        clearTimeout(timer)
        timer = setTimeout(() => finish('timed out reading the body'), timeout)
      })
      socket.on('end', () => finish())
      socket.on('error', (err: NodeJS.ErrnoException) =>
        finish(`${err.code ? `${err.code}: ` : ''}${err.message}`),
      )
    })
  }

  async close(): Promise<void> {
    // Every exchange has its own connection, closed when it ends.
  }
}
