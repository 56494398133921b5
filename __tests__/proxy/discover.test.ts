import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { discoverNginxConfig } from '../../src/proxy/discover'
import { findStaticDir, listFiles } from '../../src/runtime/proxy/statics'
import { staticSample } from '../../src/runtime/proxy/mounts'

const SITE = 'server {\n    listen 443 ssl;\n}\n'
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fdc-discover-'))
  dirs.push(dir)
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
    writeFileSync(path.join(dir, rel), text)
  }
  return dir
}

const auto = (
  workspace: string,
  context = workspace,
): { nginxConfig: string; context: string; workspace: string } => ({
  nginxConfig: 'auto',
  context,
  workspace,
})

test('candidates in order: nginx.conf first, then nginx/*.conf, deploy/, docker/nginx/, conf/, .nginx/', () => {
  const order = [
    'nginx.conf',
    'nginx/site.conf',
    'deploy/nginx.conf',
    'deploy/app.conf',
    'deploy/nginx/app.conf',
    'docker/nginx/default.conf',
    'conf/nginx.conf',
    '.nginx/site.conf',
  ]
  const files = Object.fromEntries(order.map((f) => [f, SITE]))
  for (let i = 0; i < order.length; i++) {
    const ws = tree(Object.fromEntries(Object.entries(files).slice(i)))
    const found = discoverNginxConfig(auto(ws))
    expect(found).toMatchObject({ source: 'detected', path: order[i], text: SITE })
  }
})

test('glob matches must hold a server or http block, and are taken in name order', () => {
  const ws = tree({
    'nginx/00-params.conf': 'proxy_set_header Host $host; # server { in a comment\n',
    'nginx/b.conf': SITE,
    'nginx/a.conf': 'events {}\nhttp {\n}\n',
    'deploy/supervisord.conf': '[program:x]\n',
  })
  expect(discoverNginxConfig(auto(ws))?.path).toBe('nginx/a.conf')
  const ws2 = tree({ 'deploy/supervisord.conf': '[program:x]\n', 'deploy/z.conf': SITE })
  expect(discoverNginxConfig(auto(ws2))).toMatchObject({
    path: 'deploy/z.conf',
    note: 'deploy/z.conf (detected: first match of deploy/*.conf in the workspace)',
  })
})

test('the build context is searched before the workspace; paths stay workspace-relative', () => {
  const ws = tree({ 'nginx.conf': SITE, 'services/web/deploy/nginx.conf': SITE })
  const found = discoverNginxConfig(auto(ws, path.join(ws, 'services/web')))
  expect(found).toMatchObject({
    path: 'services/web/deploy/nginx.conf',
    note: 'services/web/deploy/nginx.conf (detected: first match of deploy/nginx.conf in the build context)',
  })
})

test('the nginx-config input wins; nothing found means the reference proxy', () => {
  const ws = tree({ 'nginx.conf': SITE, 'ops/proxy.conf': 'server {}\n' })
  expect(discoverNginxConfig({ ...auto(ws), nginxConfig: 'ops/proxy.conf' })).toMatchObject({
    source: 'input',
    path: 'ops/proxy.conf',
    text: 'server {}\n',
  })
  expect(discoverNginxConfig(auto(tree({ 'app.py': '' })))).toBeUndefined()
})

test('static folder in the build context: the shallowest, dependency folders skipped', async () => {
  const ws = tree({
    'node_modules/x/static/a.js': '',
    'src/app/static/css/site.css': '',
    'src/app/static/app.js': '',
    'zz/static/b.js': '',
  })
  expect(await findStaticDir(ws)).toBe(path.join(ws, 'zz/static'))
  const deep = tree({ 'a/b/c/static/x.js': '', '.venv/static/y.js': '' })
  expect(await findStaticDir(deep)).toBeUndefined()
  const files = await listFiles(path.join(ws, 'src/app/static'))
  expect(files).toEqual(['app.js', 'css/site.css'])
  const target = { location: '/static', line: 1, kind: 'alias' as const, value: '/s/', dir: '/s' }
  const filled = { target, hostDir: '', source: '', files: ['img/a b.png'] }
  expect(staticSample([{ ...filled, files: [] }, filled])).toBe('/static/img/a%20b.png')
})
