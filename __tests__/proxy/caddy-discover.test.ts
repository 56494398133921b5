import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { discoverCaddyfile } from '../../src/proxy/caddy-discover'
import { CADDY } from '../../src/runtime/proxy/kinds'
import type { ProxyOptions, ProxyStageInput } from '../../src/runtime/proxy/kind'

const fixtures = path.join(__dirname, '../fixtures')
const input = {} as ProxyStageInput

function repo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-caddy-'))
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
    fs.writeFileSync(path.join(dir, rel), text)
  }
  return dir
}
const opts = (dir: string, more: Record<string, string> = {}): ProxyOptions => ({
  nginxConfig: 'auto',
  caddyConfig: 'auto',
  context: dir,
  workspace: dir,
  serverName: undefined,
  proxyImage: 'caddy:2.8',
  ...more,
})

test("caddy-good's deploy/Caddyfile is found: there is no nginx config", () => {
  const dir = path.join(fixtures, 'caddy-good')
  const found = CADDY.find(opts(dir), input)
  expect(found).toMatchObject({ source: 'detected', path: 'deploy/Caddyfile' })
  expect(found?.note).toMatch(/a Caddyfile with reverse_proxy/)
})

test("the good fixture's nginx config wins over auto-detection", () => {
  expect(CADDY.find(opts(path.join(fixtures, 'good')), input)).toBeUndefined()
})

test('caddy-config names one: it wins even over an nginx config', () => {
  const dir = path.join(fixtures, 'good')
  const caddyfile = path.join(fixtures, 'caddy-good/deploy/Caddyfile')
  const found = CADDY.find(opts(dir, { caddyConfig: caddyfile }), input)
  expect(found).toMatchObject({ source: 'input', file: caddyfile })
})

test('only a Caddyfile or *.caddyfile that proxies counts; commented-out lines do not', () => {
  const dir = repo({
    Caddyfile: ':80 {\n\tfile_server\n\t# reverse_proxy localhost:8080\n}\n',
    'deploy/site.caddyfile': 'example.com {\n\treverse_proxy 127.0.0.1:8000\n}\n',
    'deploy/notes.txt': 'reverse_proxy 127.0.0.1:8000\n',
  })
  try {
    const found = discoverCaddyfile({
      nginxConfig: 'auto',
      caddyConfig: 'auto',
      context: dir,
      workspace: dir,
    })
    expect(found).toMatchObject({ source: 'detected', path: 'deploy/site.caddyfile', others: [] })
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('a caddy-config that cannot be read is reported, not replaced', () => {
  const dir = repo({})
  try {
    const found = discoverCaddyfile({
      nginxConfig: 'auto',
      caddyConfig: 'Caddyfile',
      context: dir,
      workspace: dir,
    })
    expect(found?.unusable).toBe('Caddyfile could not be read')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

describe('a Caddyfile and an nginx config in one workspace: the one nearest the app', () => {
  const site = 'server {\n  listen 80;\n  location / { proxy_pass http://127.0.0.1:8000; }\n}\n'
  const caddy = 'example.com {\n\treverse_proxy 127.0.0.1:8000\n}\n'
  let ws: string
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }))

  test('a Caddyfile in the build context wins over an nginx config elsewhere in the workspace', () => {
    ws = repo({ 'services/api/Caddyfile': caddy, 'ops/old/nginx.conf': site })
    const found = CADDY.find(opts(ws, { context: path.join(ws, 'services/api') }), input)
    expect(found).toMatchObject({ source: 'detected', path: 'services/api/Caddyfile' })
  })

  test('an nginx config in the build context wins over a Caddyfile there too', () => {
    ws = repo({ 'app/Caddyfile': caddy, 'app/deploy/nginx.conf': site })
    expect(CADDY.find(opts(ws, { context: path.join(ws, 'app') }), input)).toBeUndefined()
  })

  test('both outside the build context: nginx, as before', () => {
    ws = repo({ 'app/Dockerfile': 'FROM x\n', Caddyfile: caddy, 'ops/nginx.conf': site })
    expect(CADDY.find(opts(ws, { context: path.join(ws, 'app') }), input)).toBeUndefined()
  })
})
