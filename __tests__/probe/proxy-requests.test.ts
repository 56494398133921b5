/** Requests through the proxy, against local HTTPS and HTTP servers standing in for nginx. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import type { TLSSocket } from 'node:tls'
import { makeCertificate } from '../../src/proxy/certs'
import { proxyExchanges, proxyRequest, type ProxyRuntime } from '../../src/probe/proxy-requests'

interface Seen {
  scheme: string
  sni?: string
  host?: string
  path?: string
  forwarded?: string
}

const seen: Seen[] = []
let limitedHits = 0
const dir = mkdtempSync(path.join(tmpdir(), 'fdc-exchanges-'))
let tlsServer: https.Server
let plainServer: http.Server
let rt: ProxyRuntime

function handler(scheme: string) {
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const sni = scheme === 'https' ? ((req.socket as TLSSocket).servername as string) : undefined
    const forwarded = req.headers['x-forwarded-for'] as string | undefined
    seen.push({ scheme, sni, host: req.headers.host, path: req.url, forwarded })
    if (req.url === '/limited' && limitedHits++ === 0) {
      res.writeHead(503).end('slow down')
      return
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`${scheme} ${req.url}`)
  }
}

const listen = (s: http.Server): Promise<number> =>
  new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)))

beforeAll(async () => {
  const cert = await makeCertificate('example.com', dir)
  expect(readFileSync(cert.bundleFile, 'utf8')).toMatch(/CERTIFICATE-----\n-----BEGIN PRIVATE KEY/)
  tlsServer = https.createServer(
    { cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) },
    handler('https'),
  )
  plainServer = http.createServer(handler('http'))
  rt = {
    container: 'fdc-test-proxy',
    httpsPort: await listen(tlsServer),
    httpPort: await listen(plainServer),
    serverName: 'example.com',
    token: 'tok',
    staticSample: '/static/app.css',
    traversalPaths: ['/static../fdc-canary-tok.txt'],
    canaryText: 'flask-deploy-check canary tok\n',
    rateLimited: false,
    retryAfterMs: 50,
  }
})

afterAll(async () => {
  await new Promise((r) => tlsServer.close(r))
  await new Promise((r) => plainServer.close(r))
  rmSync(dir, { recursive: true, force: true })
})

beforeEach(() => {
  seen.length = 0
  limitedHits = 0
})

test('the plan: HTTPS with the public SNI and Host, then the port-80 request over plain HTTP', async () => {
  const xs = await proxyExchanges(rt, {
    routes: ['/', '/account'],
    healthPath: '/healthz',
    trailingSlashPaths: ['/docs/', '/'],
  })
  expect(xs.map((x) => [x.purpose, x.scheme, x.request.path, x.response?.status])).toEqual([
    ['route', 'https', '/', 200],
    ['route', 'https', '/account', 200],
    ['health', 'https', '/healthz', 200],
    ['not-found', 'https', '/flask-deploy-check-tok-missing', 200],
    ['static', 'https', '/static/app.css', 200],
    ['trailing-slash', 'https', '/docs', 200],
    ['host-header', 'https', '/', 200],
    ['traversal', 'https', '/static../fdc-canary-tok.txt', 200],
    // A 16 KiB header: Node's server answers 431 itself, as nginx answers 400 with its own page.
    ['nginx-error', 'https', '/', 431],
    ['upload', 'https', '/', 200],
    ['https-redirect', 'http', '/flask-deploy-check-redirect?x=1', 200],
  ])
  const [padded, upload] = xs.filter((x) => x.purpose === 'nginx-error' || x.purpose === 'upload')
  expect(padded.request.headers['x-fdc-padding']).toBe('(16384 bytes)')
  expect(upload.request.method).toBe('POST')
  expect(xs.every((x) => x.via === 'proxy')).toBe(true)
  expect(seen[0]).toEqual({ scheme: 'https', sni: 'example.com', host: 'example.com', path: '/' })
  expect(seen[6]).toMatchObject({
    sni: 'fdc-foreign-tok.invalid',
    host: 'fdc-foreign-tok.invalid',
  })
  expect(seen[9]).toMatchObject({ scheme: 'http', host: 'example.com' })
})

test('proxyRequest sends forged headers; no port 80 means an error, not a throw', async () => {
  const x = await proxyRequest(rt, {
    purpose: 'probe',
    path: '/p',
    headers: { 'x-forwarded-for': '203.0.113.9' },
  })
  expect(x.response?.body).toBe('https /p')
  expect(seen[0].forwarded).toBe('203.0.113.9')
  const none = await proxyRequest(
    { ...rt, httpPort: undefined },
    { purpose: 'https-redirect', path: '/', scheme: 'http' },
  )
  expect(none).toMatchObject({ scheme: 'http', error: 'the proxy has no plain-HTTP listener' })
  const plan = await proxyExchanges(
    { ...rt, httpPort: undefined, staticSample: undefined },
    {
      routes: [],
      healthPath: '/h',
    },
  )
  expect(plan.map((p) => p.purpose)).toEqual([
    'health',
    'not-found',
    'host-header',
    'traversal',
    'nginx-error',
    'upload',
  ])
})

test('under limit_req a refused request is retried once; otherwise the 503 is the answer', async () => {
  const plain = await proxyRequest(rt, { purpose: 'route', path: '/limited' })
  expect(plain.response?.status).toBe(503)
  limitedHits = 0
  const started = Date.now()
  const paced = await proxyRequest(
    { ...rt, rateLimited: true },
    { purpose: 'route', path: '/limited' },
  )
  expect(paced.response?.status).toBe(200)
  expect(Date.now() - started).toBeGreaterThanOrEqual(45)
  expect(limitedHits).toBe(2)
})
