/** The proxy stage on a real engine: nginx in its own container in front of a Gunicorn app. */
import { Docker } from '../../src/docker/docker'
import { waitReady } from '../../src/runtime/readiness'
import { createRunNetwork, removeRun, startApp } from '../../src/docker/stack'
import type { HttpExchange, ProxyConfigFacts, ProxyFacts } from '../../src/facts/types'
import { proxyExchanges, proxyRequest } from '../../src/probe/proxy-requests'
import { standUpProxy, type ProxyStage } from '../../src/runtime/proxy/stage'
import { newRunId, recordingLogger } from './helpers'
import {
  buildAppImage,
  leftovers,
  PROXY_IMAGE,
  removeDirs,
  removeImage,
  tempDir,
  writeFiles,
} from '../proxy/helpers'

jest.setTimeout(120_000)

const docker = new Docker()
const buildId = newRunId('proxyimg')
let image = ''
const runIds: string[] = []

beforeAll(async () => {
  image = await buildAppImage(docker, buildId)
})

afterAll(async () => {
  for (const id of runIds) await removeRun(id, docker)
  removeImage(image)
  removeDirs()
})

const SEED = `server {
    listen 443 ssl;
    server_name example.com;

    location /static/ {
        alias /srv/myapp/app/static/;
        expires 30d;
    }

    location / {
        proxy_pass http://127.0.0.1:8000;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
}
`

interface Up {
  runId: string
  stage: ProxyStage
  appContainer: string
}

/** Boots the app on a fresh run network and stands the proxy up for the workspace. */
async function up(
  tag: string,
  workspace: string,
  o: { nginxConfig?: string; serverName?: string; staticFolderHint?: string } = {},
): Promise<Up> {
  const runId = newRunId(tag)
  runIds.push(runId)
  const log = recordingLogger()
  const network = await createRunNetwork(docker, runId)
  const handle = await startApp(docker, {
    runId,
    image,
    port: 8000,
    env: [],
    network,
    alias: 'app',
  })
  const boot = await waitReady(docker, handle, {
    appPort: 8000,
    healthPath: '/healthz',
    timeoutMs: 30_000,
    log,
  })
  expect(boot.ready).toBe(true)
  const started = Date.now()
  const stage = await standUpProxy(
    docker,
    {
      nginxConfig: o.nginxConfig ?? 'auto',
      context: workspace,
      workspace,
      serverName: o.serverName,
      proxyImage: PROXY_IMAGE,
    },
    {
      runId,
      network,
      appPort: 8000,
      appContainer: handle.name,
      staticFolderHint: o.staticFolderHint,
      token: 'tok3n',
      log,
      tempDir: tempDir('fdc-proxy-run-'),
    },
  )
  console.log(
    `${tag}: stage ${Date.now() - started} ms ${JSON.stringify(stage.timings)}\n${log.lines.join('\n')}`,
  )
  return { runId, stage, appContainer: handle.name }
}

async function down(runId: string): Promise<void> {
  await removeRun(runId, docker)
  expect(leftovers(runId)).toEqual([])
}

const byPurpose = (xs: HttpExchange[], p: string): HttpExchange[] =>
  xs.filter((x) => x.purpose === p)
const header = (x: HttpExchange | undefined, name: string): string[] =>
  x?.response?.headers[name] ?? []

async function appLog(container: string): Promise<string> {
  const res = await docker.logs(container)
  return res.stdout + res.stderr
}

test('seed-style config: upstream rewritten, certificate added, static files served by nginx', async () => {
  const ws = tempDir('fdc-proxy-ws-')
  writeFiles(ws, { 'deploy/nginx.conf': SEED, 'static/app.css': 'body {}\n' })
  const { runId, stage, appContainer } = await up('seed', ws, { staticFolderHint: '/app/static' })
  const config = stage.proxyConfig as ProxyConfigFacts
  expect(config).toMatchObject({
    source: 'detected',
    path: 'deploy/nginx.conf',
    rewrites: [{ line: 11, before: 'http://127.0.0.1:8000', after: 'http://app:8000' }],
    serverName: 'example.com',
    certificatePaths: [],
    certificateAdded: true,
    test: { ok: true },
  })
  // The app container has no /srv/myapp: the probe's static folder fills the alias.
  expect(config.staticDirs).toEqual([
    {
      location: '/static/',
      alias: '/srv/myapp/app/static/',
      source: 'app static folder /app/static',
      files: 2,
    },
  ])
  const server = config.facts?.servers.find((s) => s.file === 'deploy/nginx.conf')
  expect(server?.locations.map((l) => [l.path, l.line])).toEqual([
    ['/static/', 5],
    ['/', 10],
  ])
  const proxy = stage.proxy as ProxyFacts
  expect(proxy.httpPort).toBeUndefined()
  expect(proxy.clientAddress).toMatch(/^\d+\.\d+\.\d+\.1$/)

  const rt = stage.runtime!
  expect(rt.staticSample).toBe('/static/app.css')
  const xs = await proxyExchanges(rt, {
    routes: ['/'],
    healthPath: '/healthz',
    trailingSlashPaths: ['/docs/'],
  })
  expect(xs.every((x) => x.via === 'proxy' && x.scheme === 'https')).toBe(true)
  expect(byPurpose(xs, 'route')[0].response).toMatchObject({ status: 200, body: 'hello' })
  expect(byPurpose(xs, 'health')[0].response?.status).toBe(200)
  expect(byPurpose(xs, 'not-found')[0].response?.status).toBe(404)
  const stat = byPurpose(xs, 'static')[0]
  expect(stat.response).toMatchObject({ status: 200, body: 'body { color: #123456 }\n' })
  expect(header(stat, 'cache-control')).toEqual(['max-age=2592000'])
  // No ProxyFix, and Gunicorn does not trust X-Forwarded-Proto from another container.
  expect(header(byPurpose(xs, 'trailing-slash')[0], 'location')).toEqual([
    'http://example.com/docs/',
  ])
  expect(byPurpose(xs, 'host-header')[0].request.headers.host).toBe('fdc-foreign-tok3n.invalid')
  // location /static/ (with the slash): /static../ goes to the app, which has no such page.
  expect(byPurpose(xs, 'traversal')[0]).toMatchObject({
    request: { path: '/static../fdc-canary-tok3n.txt' },
    response: { status: 404 },
  })
  expect(byPurpose(xs, 'https-redirect')).toEqual([])

  const forged = await proxyRequest(rt, {
    purpose: 'probe',
    path: '/',
    headers: { 'x-forwarded-for': '203.0.113.9' },
  })
  expect(forged.response?.status).toBe(200)
  await new Promise((r) => setTimeout(r, 300))
  const log = await appLog(appContainer)
  expect(log).toContain('"GET /docs HTTP/1.0" 308')
  expect(log).not.toContain('/static/app.css')
  // nginx sees the client as the network gateway.
  expect(await appLog(rt.container)).toContain(`${proxy.clientAddress} - - [`)
  await down(runId)
})

test('a config naming its certificate, a port-80 redirect and an alias without the slash', async () => {
  const ws = tempDir('fdc-proxy-ws-')
  writeFiles(ws, {
    'ops/site.conf': `upstream flask {
    server localhost:8000;
}
server {
    listen 80;
    server_name example.org;
    return 301 https://$host$request_uri;
}
server {
    listen 443 ssl;
    server_name example.org www.example.org;
    ssl_certificate /etc/nginx/certs/site.crt;
    ssl_certificate_key /etc/nginx/certs/site.key;
    add_header Strict-Transport-Security "max-age=63072000" always;
    location /static {
        alias /app/static/;
    }
    location / {
        proxy_pass http://flask;
        proxy_set_header Host $host;
    }
}
`,
  })
  const { runId, stage } = await up('cert', ws, { nginxConfig: 'ops/site.conf' })
  expect(stage.proxyConfig).toMatchObject({
    source: 'input',
    path: 'ops/site.conf',
    rewrites: [{ line: 2, before: 'localhost:8000', after: 'app:8000' }],
    serverName: 'example.org',
    certificatePaths: ['/etc/nginx/certs/site.crt', '/etc/nginx/certs/site.key'],
    certificateAdded: false,
    staticDirs: [
      { location: '/static', alias: '/app/static/', source: 'app container /app/static', files: 2 },
    ],
  })
  const rt = stage.runtime!
  expect(rt.httpPort).toBeGreaterThan(0)
  const xs = await proxyExchanges(rt, { routes: ['/'], healthPath: '/healthz' })
  expect(byPurpose(xs, 'route')[0].response?.status).toBe(200)
  expect(header(byPurpose(xs, 'health')[0], 'strict-transport-security')).toEqual([
    'max-age=63072000',
  ])
  const redirect = byPurpose(xs, 'https-redirect')[0]
  expect(redirect).toMatchObject({ scheme: 'http', response: { status: 301 } })
  expect(header(redirect, 'location')).toEqual([
    'https://example.org/flask-deploy-check-redirect?x=1',
  ])
  // `location /static` + `alias /app/static/`: /static../ reaches the canary beside the folder.
  const traversal = byPurpose(xs, 'traversal')[0]
  expect(traversal.response).toMatchObject({ status: 200, body: rt.canaryText })
  await down(runId)
})

test('an invalid config: nginx -t refuses it with its message and the config line', async () => {
  const ws = tempDir('fdc-proxy-ws-')
  writeFiles(ws, { 'nginx.conf': SEED.replace('    expires 30d;', '    expirez 30d;') })
  const { runId, stage } = await up('invalid', ws)
  expect(stage.proxyConfig).toMatchObject({
    source: 'detected',
    path: 'nginx.conf',
    test: { ok: false, message: 'unknown directive "expirez"', file: 'nginx.conf', line: 7 },
  })
  expect(stage.proxy).toEqual({
    unavailable: 'nginx rejected the configuration: unknown directive "expirez" (nginx.conf:7)',
    blockedBy: 'proxy.config-valid',
  })
  expect(stage.runtime).toBeUndefined()
  await down(runId)
})

test('a compose-style upstream name (proxy_pass http://web:8000) reaches the app unchanged', async () => {
  const ws = tempDir('fdc-proxy-ws-')
  writeFiles(ws, { 'nginx/app.conf': SEED.replace('127.0.0.1:8000', 'web:8000') })
  const { runId, stage } = await up('compose', ws)
  const config = stage.proxyConfig as ProxyConfigFacts
  expect(config).toMatchObject({
    path: 'nginx/app.conf',
    rewrites: [],
    kept: [{ line: 11, address: 'http://web:8000', reason: 'not-loopback' }],
    test: { ok: true },
  })
  expect(config.notes.join('\n')).toMatch(/Upstream host\(s\) web resolve to the app container/)
  const x = await proxyRequest(stage.runtime!, { purpose: 'route', path: '/' })
  expect(x.response).toMatchObject({ status: 200, body: 'hello' })
  await down(runId)
})

test('no config: the reference proxy, static files from the build context, no HSTS of its own', async () => {
  const ws = tempDir('fdc-proxy-ws-')
  writeFiles(ws, { 'web/static/site.js': 'console.log(1)\n', 'app.py': '' })
  const { runId, stage } = await up('reference', ws, { serverName: 'shop.example.net' })
  const config = stage.proxyConfig as ProxyConfigFacts
  expect(config).toMatchObject({
    source: 'reference',
    serverName: 'shop.example.net',
    certificateAdded: true,
    rewrites: [],
    staticDirs: [
      {
        location: '/static/',
        alias: '/srv/myapp/app/static/',
        source: 'build context web/static',
        files: 1,
      },
    ],
    test: { ok: true },
  })
  expect(config.path).toBeUndefined()
  expect(config.notes[0]).toMatch(/reference proxy/)
  const xs = await proxyExchanges(stage.runtime!, { routes: ['/'], healthPath: '/healthz' })
  expect(byPurpose(xs, 'route')[0].response?.status).toBe(200)
  expect(byPurpose(xs, 'static')[0]).toMatchObject({
    request: { path: '/static/site.js', headers: { host: 'shop.example.net' } },
    response: { status: 200, body: 'console.log(1)\n' },
  })
  expect(xs.every((x) => header(x, 'strict-transport-security').length === 0)).toBe(true)
  await down(runId)
})

test('a whole nginx.conf without conf.d: certificate added inline, lines unchanged, limit_req paced', async () => {
  const ws = tempDir('fdc-proxy-ws-')
  writeFiles(ws, {
    'deploy/nginx.conf': `events {}
http {
    limit_req_zone $binary_remote_addr zone=one:1m rate=2r/s;
    server {
        listen 443 ssl;
        server_name api.example.com;
        limit_req zone=one;
        location / {
            proxy_pass http://127.0.0.1:8000;
        }
    }
}
`,
  })
  const { runId, stage } = await up('main', ws)
  const config = stage.proxyConfig as ProxyConfigFacts
  expect(config).toMatchObject({
    path: 'deploy/nginx.conf',
    certificateAdded: true,
    rewrites: [{ line: 9 }],
    test: { ok: true },
  })
  expect(config.facts?.servers[0]).toMatchObject({ file: 'deploy/nginx.conf', line: 4 })
  expect(config.facts?.http?.sslCertificates[0]).toMatchObject({
    file: 'deploy/nginx.conf',
    line: 2,
  })
  const rt = stage.runtime!
  expect(rt).toMatchObject({ rateLimited: true, serverName: 'api.example.com' })
  const t0 = Date.now()
  const xs = await proxyExchanges(rt, { routes: ['/', '/', '/'], healthPath: '/healthz' })
  // rate=2r/s without burst refuses back-to-back requests: the retries take about a second each.
  expect(Date.now() - t0).toBeGreaterThan(1000)
  // Paced, each request reaches the app; nginx answers its own pages for the oversized header
  // (400) and the 2 MB upload (413, the default client_max_body_size), as meant.
  const statuses = (purposes: string[]): (number | undefined)[] =>
    xs.filter((x) => purposes.includes(x.purpose)).map((x) => x.response?.status)
  expect(statuses(['route', 'health', 'host-header'])).toEqual([200, 200, 200, 200, 200])
  expect(statuses(['nginx-error', 'upload'])).toEqual([400, 413])
  await down(runId)
})

test("a proxy that passes nginx -t but cannot start is reported with nginx's error", async () => {
  const ws = tempDir('fdc-proxy-ws-')
  // The image starts nginx with -g 'daemon off;': a config that sets it too fails only then.
  const main = `daemon off;\nevents {}\nhttp {\n${SEED}}\n`
  writeFiles(ws, { 'nginx.conf': main })
  const { runId, stage } = await up('daemon', ws)
  expect(stage.proxyConfig).toMatchObject({ test: { ok: true }, certificateAdded: true })
  expect(stage.proxy).toEqual({
    unavailable: expect.stringMatching(
      /^the proxy exited with code 1: "daemon" directive is duplicate in nginx.conf:1$/,
    ),
  })
  await down(runId)
})

test('a proxy image that is not there and cannot be pulled: both parts unavailable, nothing started', async () => {
  const runId = newRunId('noimage')
  const image = 'flask-deploy-check/nginx:does-not-exist'
  const stage = await standUpProxy(
    docker,
    { nginxConfig: 'auto', context: '/nonexistent', workspace: '/nonexistent', proxyImage: image },
    {
      runId,
      network: 'none',
      appPort: 8000,
      appContainer: 'none',
      token: 't',
      log: recordingLogger(),
      tempDir: tempDir('fdc-proxy-run-'),
    },
  )
  expect(stage.proxy).toEqual(stage.proxyConfig)
  expect(stage.proxy).toEqual({
    unavailable: expect.stringMatching(
      /^proxy image flask-deploy-check\/nginx:does-not-exist is not available \(docker pull failed: .+\)$/,
    ),
  })
  expect(leftovers(runId)).toEqual([])
})
