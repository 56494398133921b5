/** HTTP exchanges against a local server on 127.0.0.1 (no docker needed). */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { HttpProbe } from '../../src/probe/http'

let server: http.Server
let port: number
const seen: http.IncomingHttpHeaders[] = []

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers)
    if (req.url === '/redirect') {
      res.writeHead(308, { location: 'http://example.com/next' })
      res.end()
    } else if (req.url === '/cookies') {
      res.setHeader('Set-Cookie', ['a=1; Path=/', 'session=x; HttpOnly'])
      res.end('two cookies')
    } else if (req.url === '/big') {
      res.write('x'.repeat(70 * 1024))
      // Never ends: the probe must stop at its cap, not wait for the end.
    } else if (req.url === '/slow') {
      setTimeout(() => res.end('late'), 2000).unref()
    } else {
      res.end('ok')
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
})

const probe = (): HttpProbe => new HttpProbe({ via: 'app', host: '127.0.0.1', port })

test('a plain exchange: request as sent, response as data', async () => {
  const p = probe()
  const ex = await p.exchange({ purpose: 'health', path: '/healthz' })
  await p.close()
  expect(ex).toMatchObject({
    via: 'app',
    purpose: 'health',
    request: {
      method: 'GET',
      path: '/healthz',
      headers: { host: `127.0.0.1:${port}`, 'user-agent': 'flask-deploy-check' },
    },
    response: { status: 200, body: 'ok', bodyTruncated: false },
  })
  expect(seen[seen.length - 1].host).toBe(`127.0.0.1:${port}`)
})

test('redirects are not followed', async () => {
  const p = probe()
  const ex = await p.exchange({ purpose: 'route', path: '/redirect' })
  await p.close()
  expect(ex.response?.status).toBe(308)
  expect(ex.response?.headers.location).toEqual(['http://example.com/next'])
})

test('repeated headers keep every value; a Host header can be forged', async () => {
  const p = new HttpProbe({ via: 'proxy', host: '127.0.0.1', port, hostHeader: 'evil.example' })
  const ex = await p.exchange({
    purpose: 'route',
    path: '/cookies',
    headers: { 'x-forwarded-for': '1.2.3.4' },
  })
  await p.close()
  expect(ex.response?.headers['set-cookie']).toEqual(['a=1; Path=/', 'session=x; HttpOnly'])
  expect(seen[seen.length - 1]).toMatchObject({
    host: 'evil.example',
    'x-forwarded-for': '1.2.3.4',
  })
})

test('a body over the cap is cut and flagged, without waiting for its end', async () => {
  const p = probe()
  const ex = await p.exchange({
    purpose: 'route',
    path: '/big',
    maxBodyBytes: 64 * 1024,
    timeoutMs: 10_000,
  })
  await p.close()
  expect(ex.response?.body).toHaveLength(64 * 1024)
  expect(ex.response?.bodyTruncated).toBe(true)
  expect(ex.response?.ms).toBeLessThan(2000)
})

test('a timeout and a refused connection become errors, never exceptions', async () => {
  const p = probe()
  const slow = await p.exchange({ purpose: 'route', path: '/slow', timeoutMs: 300 })
  await p.close()
  expect(slow.response).toBeUndefined()
  expect(slow.error).toMatch(/UND_ERR_HEADERS_TIMEOUT/)

  const closed = new HttpProbe({ via: 'app', host: '127.0.0.1', port: 1 })
  const refused = await closed.exchange({ purpose: 'health', path: '/' })
  await closed.close()
  expect(refused.error).toMatch(/ECONNREFUSED/)
})

test('an abort signal ends a pending request', async () => {
  const p = probe()
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 100)
  const started = Date.now()
  const ex = await p.exchange({
    purpose: 'boot',
    path: '/slow',
    timeoutMs: 10_000,
    signal: controller.signal,
  })
  await p.close()
  expect(ex.error).toBeDefined()
  expect(Date.now() - started).toBeLessThan(1000)
})
