import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import {
  configFacts,
  parseNginxDump,
  parseNginxFile,
  type NginxConfigFacts,
  type NginxServer,
} from '../../src/facts/nginx-config'

const data = path.join(__dirname, '../data/nginx')
const SITE = '/etc/nginx/conf.d/site.conf'
function factsOf(name: string): NginxConfigFacts {
  return configFacts(parseNginxDump(readFileSync(path.join(data, `${name}.nginx-T.txt`), 'utf8')))
}
const names = (hs: { name: string; inherited: boolean }[]): string[] =>
  hs.map((h) => (h.inherited ? `^${h.name}` : h.name))
const loc = (s: NginxServer, p: string): NginxServer['locations'][number] | undefined =>
  s.locations.find((l) => l.path === p)

describe('the chapter example (seed) with an http-level certificate in another conf.d file', () => {
  const facts = factsOf('seed')
  const [server] = facts.servers

  test('one HTTPS server and the stock http-level directives', () => {
    expect(facts.servers).toHaveLength(1)
    expect(facts.http?.directives.map((d) => d.name)).toContain('ssl_protocols')
    expect(server).toMatchObject({ file: SITE, line: 1, serverNames: ['example.com'] })
    expect(server.listen).toEqual([
      {
        address: '*',
        port: 443,
        ssl: true,
        defaultServer: false,
        http2: false,
        args: ['443', 'ssl'],
        file: SITE,
        line: 2,
      },
    ])
  })

  test('the certificate is inherited from the http level and says where it is written', () => {
    expect(server.sslCertificates).toEqual([
      {
        value: '/etc/nginx/tls/cert.pem',
        file: '/etc/nginx/conf.d/00-tls.conf',
        line: 2,
        inherited: true,
      },
    ])
    expect(server.sslCertificateKeys[0]).toMatchObject({
      value: '/etc/nginx/tls/key.pem',
      inherited: true,
    })
  })

  test('locations: static alias with expires, and the proxied root with its headers', () => {
    expect(loc(server, '/static/')).toMatchObject({
      modifier: '',
      line: 5,
      alias: { value: '/srv/myapp/app/static/', line: 6 },
      expires: { value: '30d', line: 7, inherited: false },
    })
    const root = loc(server, '/')
    expect(root?.proxyPass).toEqual({
      value: 'http://127.0.0.1:8000',
      file: SITE,
      line: 11,
      inherited: false,
    })
    expect(root?.proxySetHeaders.map((h) => [h.name, h.value, h.line])).toEqual([
      ['Host', '$host', 12],
      ['X-Forwarded-For', '$proxy_add_x_forwarded_for', 13],
      ['X-Forwarded-Proto', '$scheme', 14],
    ])
  })

  test('no add_header anywhere: no HSTS', () => {
    expect(server.addHeaders).toEqual([])
    expect(server.locations.flatMap((l) => l.addHeaders)).toEqual([])
  })
})

describe('upstream, port-80 redirect and two HTTPS-side servers', () => {
  const facts = factsOf('upstream-redirect')
  const [plain, tls, local] = facts.servers

  test('the port-80 server only redirects', () => {
    expect(plain.listen.map((l) => [l.address, l.port, l.ssl, l.defaultServer])).toEqual([
      ['*', 80, false, true],
      ['[::]', 80, false, true],
    ])
    expect(plain.return).toEqual({
      code: 301,
      target: 'https://$host$request_uri',
      file: SITE,
      line: 12,
    })
    expect(plain.locations).toEqual([])
  })

  test('HTTPS server: own certificate, quoted server_name, http2, HSTS with always', () => {
    expect(tls.serverNames).toEqual(['example.com', 'www.example.com'])
    expect(tls.listen.map((l) => [l.address, l.port, l.ssl, l.http2, l.defaultServer])).toEqual([
      ['*', 443, true, true, true],
      ['[::]', 443, true, true, false],
    ])
    expect(tls.sslCertificates).toEqual([
      { value: '/etc/nginx/tls/cert.pem', file: SITE, line: 19, inherited: false },
    ])
    expect(tls.addHeaders[0]).toEqual({
      name: 'Strict-Transport-Security',
      value: 'max-age=63072000; includeSubDomains',
      always: true,
      file: SITE,
      line: 22,
      inherited: false,
    })
    expect(tls.addHeaders[1]).toMatchObject({ name: 'X-Content-Type-Options', always: false })
  })

  test('locations without add_header inherit the server ones', () => {
    expect(names(loc(tls, '/')?.addHeaders ?? [])).toEqual([
      '^Strict-Transport-Security',
      '^X-Content-Type-Options',
    ])
    expect(loc(tls, '/healthz')).toMatchObject({
      modifier: '=',
      proxyPass: { value: 'http://flask_app/healthz' },
    })
    expect(loc(tls, '/')?.proxySetHeaders.map((h) => h.value)).toContain('${request_id}')
  })

  test('regex and named locations; return text with escapes resolved', () => {
    expect(local.listen[0]).toMatchObject({ address: '127.0.0.1', port: 8080, ssl: false })
    expect(local.serverNames).toEqual(['_'])
    expect(local.locations.map((l) => [l.modifier, l.path])).toEqual([
      ['~*', '\\.(?:css|js)$'],
      ['@', 'fallback'],
    ])
    expect(local.locations[1].return).toMatchObject({ code: 404, target: "not 'here'\n" })
  })

  test('upstream servers with host, port and parameters', () => {
    expect(facts.upstreams).toEqual([
      {
        name: 'flask_app',
        file: SITE,
        line: 1,
        servers: [
          {
            address: '127.0.0.1:8000',
            host: '127.0.0.1',
            port: 8000,
            params: ['max_fails=3', 'fail_timeout=10s'],
            file: SITE,
            line: 2,
          },
          {
            address: 'localhost:8001',
            host: 'localhost',
            port: 8001,
            params: ['backup'],
            file: SITE,
            line: 3,
          },
        ],
      },
    ])
  })
})

describe('add_header inheritance (location-add-header)', () => {
  const facts = factsOf('location-add-header')
  const [app, fallback] = facts.servers

  test('a server with its own add_header drops the http-level ones', () => {
    expect(facts.http?.addHeaders.map((h) => h.name)).toEqual(['X-Frame-Options'])
    expect(names(app.addHeaders)).toEqual(['Strict-Transport-Security'])
    expect(names(fallback.addHeaders)).toEqual(['^X-Frame-Options'])
    expect(fallback).toMatchObject({ serverNames: [''], return: { code: 444 } })
    expect(fallback.listen[0].defaultServer).toBe(true)
  })

  test('a location with its own add_header loses HSTS; a nested one inherits from its parent', () => {
    const statics = loc(app, '/static/')
    expect(names(statics?.addHeaders ?? [])).toEqual(['Cache-Control'])
    const fonts = loc(app, '/static/fonts/')
    expect(fonts).toMatchObject({
      parent: '/static/',
      expires: { value: '365d', inherited: false },
    })
    expect(fonts?.alias).toBeUndefined()
    expect(names(fonts?.addHeaders ?? [])).toEqual(['^Cache-Control'])
    expect(names(loc(app, '/api/')?.addHeaders ?? [])).toEqual(['^Strict-Transport-Security'])
    expect(loc(app, '/')?.addHeaders[0]).toMatchObject({ always: true, line: 9, inherited: true })
  })
})

describe('limit_req (and proxy_set_header inheritance)', () => {
  const facts = factsOf('limit-req')
  const [server] = facts.servers

  test('http-level zones', () => {
    expect(facts.limitReqZones).toEqual([
      {
        key: '$binary_remote_addr',
        zone: 'perip',
        size: '10m',
        rate: '10r/s',
        file: SITE,
        line: 1,
      },
      { key: '$server_name', zone: 'perserver', size: '1m', rate: '100r/m', file: SITE, line: 2 },
    ])
  })

  test('limit_req at server and location level, own ones replacing inherited ones', () => {
    expect(server.limitReq).toEqual([
      { zone: 'perserver', burst: 50, nodelay: false, file: SITE, line: 11, inherited: false },
    ])
    expect(loc(server, '/')?.limitReq).toEqual([
      { zone: 'perip', burst: 20, nodelay: true, file: SITE, line: 14, inherited: false },
    ])
    expect(loc(server, '/login')?.limitReq[0]).toMatchObject({
      zone: 'perip',
      burst: 5,
      delay: 2,
      nodelay: false,
    })
  })

  test('http-level proxy_set_header reaches / but not /login, which sets its own', () => {
    expect(names(loc(server, '/')?.proxySetHeaders ?? [])).toEqual(['^X-Forwarded-For', '^Host'])
    expect(names(loc(server, '/login')?.proxySetHeaders ?? [])).toEqual(['X-Forwarded-Proto'])
  })
})

describe('alias without a trailing slash on the location (alias-no-slash)', () => {
  const [server] = factsOf('alias-no-slash').servers

  test('the traversal shape is visible: prefix /static, alias ending in /', () => {
    expect(loc(server, '/static')).toMatchObject({
      modifier: '',
      path: '/static',
      line: 8,
      alias: { value: '/srv/app/static/', line: 9 },
      root: { value: '/var/www/html', line: 6, inherited: true },
    })
    expect(loc(server, '/')?.proxyPass?.value).toBe('http://[::1]:8000')
  })
})

describe('a single conf.d-style file, and edge cases', () => {
  test('the top level of a lone file is read as the http level', () => {
    const text = readFileSync(path.join(data, 'cases/limit-req/site.conf'), 'utf8')
    const facts = configFacts(parseNginxFile(text, 'nginx/site.conf'))
    expect(facts.limitReqZones.map((z) => z.zone)).toEqual(['perip', 'perserver'])
    expect(facts.servers[0].locations.map((l) => l.path)).toEqual(['/', '/login'])
    expect(facts.servers[0].file).toBe('nginx/site.conf')
  })

  test('no listen means nginx listens on *:80; no server_name means ""', () => {
    const [s] = configFacts(
      parseNginxFile('server { location =/healthz { return 200; } }', 'a.conf'),
    ).servers
    expect(s.listen).toEqual([
      {
        address: '*',
        port: 80,
        ssl: false,
        defaultServer: false,
        http2: false,
        args: [],
        implicit: true,
        file: 'a.conf',
        line: 1,
      },
    ])
    expect(s.serverNames).toEqual([''])
    expect(s.locations[0]).toMatchObject({ modifier: '=', path: '/healthz', return: { code: 200 } })
  })

  test('listen forms: address only, unix socket, old `default`; return with only a URL', () => {
    const text =
      'server { listen localhost; listen unix:/run/n.sock; listen 8443 ssl default; return https://x/; }'
    const [s] = configFacts(parseNginxFile(text, 'a.conf')).servers
    expect(s.listen.map((l) => [l.address, l.port, l.unix, l.defaultServer])).toEqual([
      ['localhost', 80, undefined, false],
      [undefined, undefined, '/run/n.sock', false],
      ['*', 8443, undefined, true],
    ])
    expect(s.return).toMatchObject({ code: 302, target: 'https://x/' })
  })

  test('a config without http or server blocks has no facts', () => {
    expect(configFacts(parseNginxFile('events { }', 'a.conf'))).toEqual({
      servers: [],
      upstreams: [],
      limitReqZones: [],
    })
  })
})
