import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { mountArg } from '../../src/docker/docker'
import { configNotes } from '../../src/runtime/proxy/config-facts'
import { parseNginxFile } from '../../src/facts/nginx-config'
import {
  ADDED_CERT,
  ADDED_KEY,
  MAIN_TARGET,
  planProxy,
  SITE_TARGET,
  usableName,
} from '../../src/proxy/plan'
import { REFERENCE_STATIC_ALIAS, referenceConfig } from '../../src/proxy/reference'

const site = (name: string): string =>
  readFileSync(path.join(__dirname, '../data/nginx/cases', name, 'site.conf'), 'utf8')

test("the chapter's example: a site, upstream rewritten, certificate added in conf.d, /static/ alias", () => {
  const plan = planProxy(site('reject-no-cert'), 'app', 'deploy/nginx.conf')
  expect(plan).toMatchObject({
    kind: 'site',
    target: SITE_TARGET,
    rewrites: [{ line: 11, before: 'http://127.0.0.1:8000', after: 'http://app:8000' }],
    certPaths: [],
    addCert: 'conf.d',
    statics: [
      {
        location: '/static/',
        line: 5,
        kind: 'alias',
        value: '/srv/myapp/app/static/',
        dir: '/srv/myapp/app/static',
      },
    ],
    sslPort: 443,
    serverName: 'example.com',
    rateLimited: false,
  })
  expect(plan.plainPort).toBeUndefined()
  expect(plan.text).toContain('proxy_pass http://app:8000;')
})

test('named certificates are filled, a port-80 server is published, the first real name is used', () => {
  const plan = planProxy(site('upstream-redirect'), 'app', 'nginx.conf')
  expect(plan.certPaths).toEqual([
    { path: '/etc/nginx/tls/cert.pem', content: 'cert' },
    { path: '/etc/nginx/tls/key.pem', content: 'key' },
  ])
  expect(plan.addCert).toBeUndefined()
  expect(plan).toMatchObject({ sslPort: 443, plainPort: 80, serverName: 'example.com' })
  // The regex location for css/js is not a /static prefix: nothing to fill.
  expect(plan.statics).toEqual([])
})

test('relative, shared and variable certificate paths', () => {
  const text = `server {
    listen 8443 ssl;
    server_name _ *.example.com ~^www\\. shop.example.com;
    ssl_certificate tls/both.pem;
    ssl_certificate_key tls/both.pem;
    ssl_trusted_certificate /etc/ssl/chain.pem;
}
server {
    listen 443 ssl;
    ssl_certificate /etc/ssl/$ssl_server_name.crt;
    ssl_certificate_key data:$key;
}
`
  const plan = planProxy(text, 'app', 'site.conf')
  expect(plan.certPaths).toEqual([
    { path: '/etc/nginx/tls/both.pem', content: 'bundle' },
    { path: '/etc/ssl/chain.pem', content: 'cert' },
  ])
  expect(plan.skippedCertPaths).toEqual(['/etc/ssl/$ssl_server_name.crt', 'data:$key'])
  expect(plan).toMatchObject({ sslPort: 8443, serverName: 'shop.example.com' })
  expect(plan.addCert).toBeUndefined()
})

test('a server without a certificate next to one with it still gets the http-level one', () => {
  const text = `server { listen 443 ssl; ssl_certificate /c.pem; ssl_certificate_key /k.pem; }
server { listen 8443 ssl; server_name b.example.com; }
`
  expect(planProxy(text, 'app', 'x.conf').addCert).toBe('conf.d')
})

test('a whole nginx.conf without conf.d gets the certificate inline, on the http line', () => {
  const text = `user www-data;
events {}
http {
    server { listen 443 ssl; server_name a.example.com; location / { proxy_pass http://localhost:5000; } }
}
`
  const plan = planProxy(text, 'app', 'nginx.conf')
  expect(plan).toMatchObject({ kind: 'main', target: MAIN_TARGET, addCert: 'inline' })
  const lines = plan.text.split('\n')
  expect(lines).toHaveLength(text.split('\n').length)
  expect(lines[2]).toBe(`http { ssl_certificate ${ADDED_CERT}; ssl_certificate_key ${ADDED_KEY};`)
  expect(lines[3]).toContain('proxy_pass http://app:5000;')
  const http = parseNginxFile(plan.text, 'nginx.conf').find((d) => d.name === 'http')
  expect(http?.block?.slice(0, 2).map((d) => [d.name, d.line])).toEqual([
    ['ssl_certificate', 3],
    ['ssl_certificate_key', 3],
  ])
})

test('a whole nginx.conf including conf.d/*.conf gets the conf.d file', () => {
  const text = `events {}
http {
    include conf.d/*.conf;
    server { listen 443 ssl; }
}
`
  expect(planProxy(text, 'app', 'nginx.conf')).toMatchObject({ kind: 'main', addCert: 'conf.d' })
})

test('static targets: alias, root + location, proxied and regex locations skipped', () => {
  const text = `server {
    listen 443 ssl;
    root /var/www;
    location ^~ /static/ { expires 1d; }
    location /static-alias { alias /srv/assets/; }
    location /static-app/ { proxy_pass http://127.0.0.1:8000; }
    location ~ ^/static/x { alias /x/; }
    location /static-var/ { alias /srv/$host/; }
}
`
  expect(planProxy(text, 'app', 's.conf').statics).toEqual([
    { location: '/static/', line: 4, kind: 'root', value: '/var/www', dir: '/var/www/static' },
    {
      location: '/static-alias',
      line: 5,
      kind: 'alias',
      value: '/srv/assets/',
      dir: '/srv/assets',
    },
  ])
})

test('limit_req: requests are paced by the slowest zone, at least a second, at most three', () => {
  expect(planProxy(site('limit-req'), 'app', 's.conf')).toMatchObject({
    rateLimited: true,
    retryAfterMs: 1000,
  })
  const slow = `limit_req_zone $binary_remote_addr zone=a:1m rate=30r/m;
server { listen 443 ssl; location / { limit_req zone=a; } }`
  expect(planProxy(slow, 'app', 's.conf')).toMatchObject({ rateLimited: true, retryAfterMs: 2000 })
  // No burst on one of them: nothing may arrive at once.
  expect(planProxy(slow, 'app', 's.conf').rateBurst).toBe(0)
  const bursts = `limit_req_zone $binary_remote_addr zone=a:1m rate=50r/s;
server { listen 443 ssl; limit_req zone=a burst=100 nodelay; location /api { limit_req zone=a burst=20; } }`
  expect(planProxy(bursts, 'app', 's.conf').rateBurst).toBe(20)
  const none = `limit_req_zone $binary_remote_addr zone=a:1m rate=1r/m;
server { listen 443 ssl; }`
  expect(planProxy(none, 'app', 's.conf')).toMatchObject({ rateLimited: false, retryAfterMs: 3000 })
})

test('text our tokenizer cannot read is mounted as written, for nginx to explain', () => {
  const text = 'server {\n    server_name "example.com;\n}\n'
  const plan = planProxy(text, 'app', 'nginx.conf')
  expect(plan).toMatchObject({ kind: 'site', text, rewrites: [], statics: [] })
  expect(plan.parseError).toMatch(/nginx\.conf:2/)
  expect(plan.sslPort).toBeUndefined()
})

test('compose service names among the kept upstreams are resolved to the app, addresses are not', () => {
  const text = `upstream backend { server web:8000; server unix:/run/app.sock; }
server {
    listen 443 ssl;
    location / { proxy_pass http://backend; }
    location /api/ { proxy_pass http://api_v2:5000/; }
    location /ext/ { proxy_pass https://api.example.com; }
    location /ip/ { proxy_pass http://10.0.0.5:8000; }
    location /var/ { proxy_pass http://$upstream; }
}
`
  const plan = planProxy(text, 'app', 's.conf')
  expect(plan.serviceHosts).toEqual(['web', 'api_v2'])
  expect(plan.rewrites).toEqual([])
})

test('usable server names', () => {
  expect(['example.com', 'a-b.example.co.uk', 'intranet'].every(usableName)).toBe(true)
  expect(
    ['_', '', '*.example.com', '~^www', '.example.com', 'localhost', '$host'].some(usableName),
  ).toBe(false)
})

test('the reference config: the seed example, TLS, forwarded headers, no HSTS, certificate added', () => {
  const text = referenceConfig('shop.example.net', 'app', 5000)
  expect(text).not.toMatch(/add_header/)
  const plan = planProxy(text, 'app', SITE_TARGET)
  expect(plan).toMatchObject({
    kind: 'site',
    rewrites: [],
    addCert: 'conf.d',
    sslPort: 443,
    serverName: 'shop.example.net',
    statics: [{ location: '/static/', kind: 'alias', value: REFERENCE_STATIC_ALIAS }],
  })
  expect(plan.plainPort).toBeUndefined()
  expect(text).toContain('proxy_pass http://app:5000;')
  for (const h of [
    'Host $host',
    'X-Forwarded-For $proxy_add_x_forwarded_for',
    'X-Forwarded-Proto $scheme',
  ])
    expect(text).toContain(`proxy_set_header ${h};`)
  expect(text).toContain('expires 30d;')
})

test('bind mounts: read-only, CSV-quoted when a path holds a comma or a quote', () => {
  expect(mountArg({ source: '/tmp/a', target: '/etc/nginx/nginx.conf' })).toBe(
    'type=bind,source=/tmp/a,target=/etc/nginx/nginx.conf,readonly',
  )
  expect(mountArg({ source: '/tmp/a,b', target: '/srv/"x"' })).toBe(
    'type=bind,"source=/tmp/a,b","target=/srv/""x""",readonly',
  )
})

test('notes: the config used, each rewrite, what was kept, a port the app does not listen on', () => {
  const plan = planProxy(site('upstream-redirect'), 'app', 'nginx.conf')
  const found = {
    source: 'detected' as const,
    file: '/ws/nginx.conf',
    path: 'nginx.conf',
    text: '',
    note: 'nginx.conf (detected: first match of nginx.conf in the workspace)',
    includes: { files: [], standIns: [], undefinedVars: [], notes: [] },
    others: [],
  }
  expect(configNotes(found, plan, 8000)).toEqual([
    'nginx config: nginx.conf (detected: first match of nginx.conf in the workspace), mounted as /etc/nginx/conf.d/default.conf (the only site).',
    'Line 2: 127.0.0.1:8000 points at the app container as app:8000 (same port).',
    'Line 3: localhost:8001 points at the app container as app:8001 (same port).',
    "Line 3: app:8001 keeps the config's port, but the app listens on 8000: requests through the proxy will fail.",
  ])
  expect(configNotes(undefined, plan, 8001)[0]).toMatch(/^No nginx config in the repository/)
})

describe('tls-termination nginx on a plain-HTTP config (what certbot --nginx does)', () => {
  const plain = `server {
    listen 80 default_server;
    server_name example.com;
    location / { proxy_pass http://127.0.0.1:8000; }
}
server {
    listen 8080;
    location / { return 404; }
}
`
  test("a named server on port 80 moves to 443 with the certificate; certbot's redirect server takes port 80; no line moves", () => {
    const plan = planProxy(plain, 'app', 'nginx.conf', { addTls: true })
    expect(plan.tls).toBe('added')
    expect(plan.sslPort).toBe(443)
    expect(plan.plainPort).toBe(80)
    expect(plan.serverName).toBe('example.com')
    expect(plan.tlsAdded).toEqual([
      {
        path: 'nginx.conf',
        line: 1,
        listen: 'listen 443 ssl default_server;',
        redirects: ['example.com'],
      },
    ])
    const lines = plan.text.split('\n')
    expect(lines.slice(0, 3)).toEqual([
      // certbot's TLS settings come with its certificate lines.
      'server { ssl_certificate /etc/nginx/flask-deploy-check/cert.pem; ssl_certificate_key /etc/nginx/flask-deploy-check/key.pem; include /etc/letsencrypt/options-ssl-nginx.conf; ssl_dhparam /etc/letsencrypt/ssl-dhparams.pem;',
      '    listen 443 ssl default_server;',
      '    server_name example.com;',
    ])
    expect(lines.slice(3, 10)).toEqual(
      plain.replace('127.0.0.1:8000', 'app:8000').split('\n').slice(3, 10),
    )
    expect(plan.text.slice(plan.text.indexOf('# Added by'))).toBe(
      `# Added by flask-deploy-check, as certbot --nginx writes its redirect:
server {
    if ($host = example.com) {
        return 301 https://$host$request_uri;
    } # managed by Certbot
    listen 80 default_server;
    server_name example.com;
    return 404; # managed by Certbot
}
`,
    )
    expect(plan.addCert).toBeUndefined()
  })

  test('a catch-all server keeps port 80 and gets a 443 ssl listener beside it', () => {
    const catchAll =
      'server {\n    listen 80 default_server;\n    server_name _;\n    return 444;\n}\n'
    const plan = planProxy(catchAll, 'app', 'x', { addTls: true })
    expect(plan.text.split('\n')[0]).toBe(
      'server { listen 443 ssl default_server; ssl_certificate /etc/nginx/flask-deploy-check/cert.pem; ssl_certificate_key /etc/nginx/flask-deploy-check/key.pem; include /etc/letsencrypt/options-ssl-nginx.conf; ssl_dhparam /etc/letsencrypt/ssl-dhparams.pem;',
    )
    expect(plan.text).not.toMatch(/Added by/)
  })

  test('without a port-80 server, each plain TCP server; a config with TLS, or addTls off, is left alone', () => {
    const only8080 =
      'server {\n    listen 8080;\n    location / { proxy_pass http://127.0.0.1:8000; }\n}\n'
    expect(planProxy(only8080, 'app', 'x', { addTls: true }).tlsAdded).toEqual([
      { path: 'x', line: 1, listen: 'listen 443 ssl;' },
    ])
    const tls = site('full')
    expect(planProxy(tls, 'app', 'x', { addTls: true })).toMatchObject({
      tls: 'nginx',
      tlsAdded: [],
    })
    expect(planProxy(plain, 'app', 'x')).toMatchObject({ tls: 'nginx', sslPort: undefined })
  })

  test('a main nginx.conf: the servers of its included conf.d files get TLS too', () => {
    const main = 'events {}\nhttp {\n    include conf.d/*.conf;\n}\n'
    const included = [
      { path: 'nginx/conf.d/app.conf', target: '/etc/nginx/conf.d/app.conf', text: plain },
    ]
    const plan = planProxy(main, 'app', 'nginx/nginx.conf', { addTls: true, included })
    expect(plan.kind).toBe('main')
    expect(plan.sslPort).toBe(443)
    expect(plan.included[0].text).toMatch(
      /^server \{ ssl_certificate \S+; ssl_certificate_key \S+; include \S+; ssl_dhparam \S+;\n {4}listen 443 ssl default_server;/,
    )
    expect(plan.rewrites.map((r) => r.after)).toEqual(['http://app:8000'])
  })
})
