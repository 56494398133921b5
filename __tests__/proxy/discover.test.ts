import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { discoverNginxConfig } from '../../src/proxy/discover'
import { findStaticDir, listFiles } from '../../src/runtime/proxy/statics'
import { staticSample } from '../../src/runtime/proxy/mounts'

const SITE = 'server {\n    listen 80;\n    location / { proxy_pass http://127.0.0.1:8000; }\n}\n'
const EXTERNAL =
  'server {\n    listen 80;\n    location / { proxy_pass https://api.example.org; }\n}\n'
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
  proxyEnv: [string, string][] = [],
): { nginxConfig: string; context: string; workspace: string; proxyEnv: [string, string][] } => ({
  nginxConfig: 'auto',
  context,
  workspace,
  proxyEnv,
})

test('found by content anywhere: the places real repositories use, each alone', () => {
  for (const place of [
    'services/nginx/nginx.conf',
    'deployment/nginx/myapp',
    'proxy/conf',
    'docker/nginx/site.conf',
  ]) {
    const found = discoverNginxConfig(auto(tree({ [place]: SITE, 'app.py': 'server = {}' })))
    expect(found).toMatchObject({ source: 'detected', path: place, text: SITE, others: [] })
    expect(found?.note).toMatch(
      /a server block with proxy_pass\/uwsgi_pass to a local or app upstream/,
    )
  }
})

test('not a proxy config: snippets, other tools, servers that pass nothing, skipped trees', () => {
  const ws = tree({
    'nginx/proxy_params.conf': 'proxy_set_header Host $host; # server { in a comment\n',
    'nginx/static.conf': 'server {\n    listen 80;\n    root /srv;\n}\n',
    'deploy/supervisord.conf': '[program:x]\n',
    'node_modules/pkg/nginx.conf': SITE,
    '.git/nginx.conf': SITE,
    'venv/pyvenv.cfg': 'home = /usr/bin\n',
    'venv/lib/nginx.conf': SITE,
    'dist/nginx.conf': SITE,
  })
  expect(discoverNginxConfig(auto(ws))).toBeUndefined()
})

test('several candidates: a local upstream first, then the shorter path, then the name; others listed', () => {
  const ws = tree({
    'ops/external.conf': EXTERNAL,
    'deploy/nginx/b.conf': SITE,
    'deploy/nginx/a.conf': SITE,
    'deploy/prod/nginx/site.conf': SITE,
  })
  const found = discoverNginxConfig(auto(ws))
  expect(found?.path).toBe('deploy/nginx/a.conf')
  expect(found?.others).toEqual([
    'deploy/nginx/b.conf',
    'deploy/prod/nginx/site.conf',
    'ops/external.conf',
  ])
  expect(found?.note).toMatch(/other candidates: deploy\/nginx\/b\.conf, /)
})

test('a main nginx.conf wins over the conf.d site it includes, which is mounted where the include expects it', () => {
  const main =
    'events {}\nhttp {\n    include /etc/nginx/mime.types;\n    include conf.d/*.conf;\n}\n'
  const ws = tree({ 'nginx/nginx.conf': main, 'nginx/conf.d/app.conf': SITE })
  const found = discoverNginxConfig(auto(ws))
  expect(found).toMatchObject({ path: 'nginx/nginx.conf', others: [] })
  expect(found?.note).toMatch(/a main nginx\.conf whose included server block passes requests/)
  expect(found?.includes.files.map((f) => [f.path, f.target])).toEqual([
    ['nginx/conf.d/app.conf', '/etc/nginx/conf.d/app.conf'],
  ])
})

test('certbot and Debian includes get stand-ins; ssl_dhparam gets ffdhe2048', () => {
  const site = `server {
    listen 443 ssl;
    ssl_certificate /etc/letsencrypt/live/example.com/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/example.com/privkey.pem;
    include /etc/letsencrypt/options-ssl-nginx.conf;
    ssl_dhparam /etc/letsencrypt/ssl-dhparams.pem;
    location / { include proxy_params; proxy_pass http://127.0.0.1:8000; }
}
`
  const found = discoverNginxConfig(auto(tree({ 'nginx/site.conf': site })))
  const standIns = found?.includes.standIns ?? []
  expect(standIns.map((s) => s.target).sort()).toEqual([
    '/etc/letsencrypt/options-ssl-nginx.conf',
    '/etc/letsencrypt/ssl-dhparams.pem',
    '/etc/nginx/proxy_params',
  ])
  const text = (t: string): string => String(standIns.find((s) => s.target === t)?.content)
  expect(text('/etc/letsencrypt/options-ssl-nginx.conf')).toMatch(
    /^ssl_session_cache shared:le_nginx_SSL:10m;\nssl_session_timeout 1440m;\nssl_session_tickets off;/,
  )
  expect(text('/etc/letsencrypt/ssl-dhparams.pem')).toMatch(
    /^-----BEGIN DH PARAMETERS-----\nMIIBCAKCAQEA/,
  )
  expect(text('/etc/nginx/proxy_params')).toMatch(/X-Forwarded-Proto \$scheme;/)
  expect(found?.includes.notes.join('\n')).toMatch(
    /options-ssl-nginx\.conf is a stand-in with certbot's content/,
  )
})

test('a template is rendered with proxy-env as envsubst does; an unset variable is named', () => {
  const tpl =
    'server {\n    listen 80;\n    location / { proxy_pass http://${FLASK_SERVER_ADDR}; proxy_set_header Host $host; }\n}\n'
  const ws = tree({ 'nginx/default.conf.template': tpl })
  const set = discoverNginxConfig(auto(ws, ws, [['FLASK_SERVER_ADDR', 'web:8000']]))
  expect(set?.text).toContain('proxy_pass http://web:8000; proxy_set_header Host $host;')
  expect(set?.includes.undefinedVars).toEqual([])
  const unset = discoverNginxConfig(auto(ws))
  expect(unset?.text).toContain('proxy_pass http://${FLASK_SERVER_ADDR};')
  expect(unset?.includes.undefinedVars).toEqual([
    { path: 'nginx/default.conf.template', names: ['FLASK_SERVER_ADDR'] },
  ])
})

test('a config the tokenizer cannot read is reported, not replaced by the reference', () => {
  const ws = tree({
    'deploy/nginx.conf': 'server {\n    location / { proxy_pass http://127.0.0.1:8000;\n',
  })
  expect(discoverNginxConfig(auto(ws))).toMatchObject({
    path: 'deploy/nginx.conf',
    unusable: expect.stringMatching(
      /^deploy\/nginx\.conf looks like the nginx config but cannot be read: unexpected end of file/,
    ),
  })
})

test('the build context first, then the workspace without its test trees; paths stay workspace-relative', () => {
  const ws = tree({ 'nginx.conf': SITE, 'services/web/deploy/nginx.conf': SITE })
  const found = discoverNginxConfig(auto(ws, path.join(ws, 'services/web')))
  expect(found?.path).toBe('services/web/deploy/nginx.conf')
  expect(found?.note).toMatch(/found in the build context/)
  const ws2 = tree({ '__tests__/fixtures/x/nginx.conf': SITE, 'app/app.py': '' })
  expect(discoverNginxConfig(auto(ws2, path.join(ws2, 'app')))).toBeUndefined()
})

test('nginx-config: a file as given, or a directory searched like the repository', () => {
  const ws = tree({
    'nginx.conf': SITE,
    'ops/proxy.conf': 'server {}\n',
    'ops/nginx/site.conf': SITE,
  })
  expect(discoverNginxConfig({ ...auto(ws), nginxConfig: 'ops/proxy.conf' })).toMatchObject({
    source: 'input',
    path: 'ops/proxy.conf',
    text: 'server {}\n',
  })
  expect(discoverNginxConfig({ ...auto(ws), nginxConfig: 'ops/nginx' })).toMatchObject({
    source: 'input',
    path: 'ops/nginx/site.conf',
  })
  expect(discoverNginxConfig({ ...auto(ws), nginxConfig: 'ops' })?.unusable).toBeUndefined()
  expect(discoverNginxConfig(auto(tree({ 'app.py': '' })))).toBeUndefined()
})

test('the note names who gave the config: the input, or a compose nginx service', () => {
  const ws = tree({ 'ops/nginx/site.conf': SITE, 'ops/site.conf': SITE })
  const given = (more: object): string | undefined =>
    discoverNginxConfig({ ...auto(ws), nginxConfig: 'ops/nginx', ...more })?.note
  expect(given({})).toMatch(/^ops\/nginx\/site\.conf \(found in the ops\/nginx \(nginx-config\): /)
  const fromCompose = { nginxConfigFrom: 'compose service proxy' }
  expect(given(fromCompose)).toMatch(/\(found in the ops\/nginx \(compose service proxy\): /)
  expect(
    discoverNginxConfig({ ...auto(ws), nginxConfig: 'ops/site.conf', ...fromCompose })?.note,
  ).toBe('ops/site.conf (compose service proxy)')
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
