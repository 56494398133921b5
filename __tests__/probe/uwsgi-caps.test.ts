/**
 * A uWSGI socket that misbehaves as the hostile HTTP server of the fault tests does: an endless
 * body and a 1 MB header block. The probe must stop reading, say so, and keep memory flat.
 */
import * as net from 'node:net'
import { READ_LIMIT } from '../../src/probe/http'
import { UwsgiProbe } from '../../src/probe/uwsgi'

let server: net.Server
let port: number
/** Bytes the endless route handed to its socket before the probe let go. */
let sent = 0
let endlessClosed: Promise<void> = Promise.resolve()

beforeAll(async () => {
  server = net.createServer((conn) => {
    conn.once('data', (packet: Buffer) => {
      const path = /\/(endless|huge-headers|small)/.exec(packet.toString('latin1'))?.[1]
      conn.on('error', () => undefined)
      if (path === 'endless') {
        endlessClosed = new Promise((resolve) => conn.once('close', () => resolve()))
        conn.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n')
        const chunk = Buffer.alloc(64 * 1024, 'x')
        const pump = (): void => {
          while (!conn.destroyed && ((sent += chunk.length), conn.write(chunk)));
          if (!conn.destroyed) conn.once('drain', pump)
        }
        pump()
      } else if (path === 'huge-headers') {
        const filler = Array.from(
          { length: 1024 },
          (_, i) => `X-Filler-${i}: ${'y'.repeat(1000)}\r\n`,
        )
        conn.end(`HTTP/1.1 200 OK\r\n${filler.join('')}\r\nbig\n`)
      } else {
        conn.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello\n')
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as net.AddressInfo).port
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const probe = (): UwsgiProbe => new UwsgiProbe({ via: 'app', host: '127.0.0.1', port })

test('an endless body: the read stops past the limit, the start of the body kept', async () => {
  const x = await probe().exchange({ purpose: 'route', path: '/endless', maxBodyBytes: 1024 })
  expect(x.error).toBeUndefined()
  expect(x.response).toMatchObject({ status: 200, bodyTruncated: true, overLimit: READ_LIMIT })
  expect(x.response?.body).toBe('x'.repeat(1024))
  // The probe let go past the limit and closed the connection (the server's writes end with
  // it), where the old read kept everything until its deadline.
  await endlessClosed
  expect(sent).toBeGreaterThan(READ_LIMIT)
})

test('a header block of 1 MB is an overflow, as HttpProbe reports it', async () => {
  const x = await probe().exchange({ purpose: 'route', path: '/huge-headers' })
  expect(x.response).toBeUndefined()
  expect(x.error).toMatch(/^UND_ERR_HEADERS_OVERFLOW: /)
})

test('a small answer is read whole', async () => {
  const x = await probe().exchange({ purpose: 'route', path: '/small' })
  expect(x.response).toMatchObject({ status: 200, body: 'hello\n', bodyTruncated: false })
  expect(x.response?.overLimit).toBeUndefined()
})
