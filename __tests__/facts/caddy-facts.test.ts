import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parseAdaptError, type CaddyConfig } from '../../src/facts/caddy-json'
import { caddyConfigFacts } from '../../src/facts/caddy-facts'
import type { NginxConfigFacts } from '../../src/facts/nginx/types'

/** `caddy adapt` output recorded with Debian's caddy 2.6.2 (flask-deploy-check/caddy:bookworm). */
const data = path.join(__dirname, '../data/caddy')
const fixtures = path.join(__dirname, '../fixtures')
const adapted = (name: string): CaddyConfig =>
  JSON.parse(readFileSync(path.join(data, `${name}.adapt.json`), 'utf8')) as CaddyConfig

function factsOf(name: string, caddyfile: string): NginxConfigFacts {
  return caddyConfigFacts(adapted(name), readFileSync(caddyfile, 'utf8'), 'deploy/Caddyfile')
}
const goodFile = path.join(fixtures, 'caddy-good/deploy/Caddyfile')

describe('the caddy-good Caddyfile, from caddy adapt', () => {
  const facts = factsOf('caddy-good', goodFile)
  const [https, plain] = facts.servers

  test('an HTTPS site on 443 at the site address line, and the automatic 308 redirect on 80', () => {
    expect(facts.servers).toHaveLength(2)
    expect(https).toMatchObject({ line: 7, serverNames: ['example.com'] })
    expect(https.listen.map((l) => [l.port, l.ssl])).toEqual([[443, true]])
    expect(plain.listen.map((l) => [l.port, l.ssl])).toEqual([[80, false]])
    expect(plain.return).toMatchObject({ code: 308, line: 7 })
  })

  test('site headers at their own lines, applied to every location and every status', () => {
    const lines = Object.fromEntries(https.addHeaders.map((h) => [h.name, h.line]))
    expect(lines).toEqual({
      'Strict-Transport-Security': 10,
      'X-Content-Type-Options': 11,
      'X-Frame-Options': 12,
      'Content-Security-Policy': 13,
      'Referrer-Policy': 14,
    })
    expect(https.addHeaders.every((h) => h.always)).toBe(true)
    for (const loc of https.locations)
      expect(
        loc.addHeaders
          .filter((h) => h.inherited)
          .map((h) => h.name)
          .sort(),
      ).toEqual(Object.keys(lines).sort())
  })

  test('handle_path /static/* is an alias of its root; the cache header is its own', () => {
    const s = https.locations.find((l) => l.path === '/static/')
    expect(s).toMatchObject({ modifier: '', line: 19, alias: { value: '/app/static/', line: 20 } })
    expect(s?.addHeaders.find((h) => !h.inherited)).toMatchObject({
      name: 'Cache-Control',
      line: 21,
    })
    expect(s?.proxyPass).toBeUndefined()
  })

  test("reverse_proxy at its line with Caddy's default forwarded headers", () => {
    const app = https.locations.find((l) => l.path === '/')
    expect(app?.proxyPass).toMatchObject({ value: 'http://127.0.0.1:8000', line: 26 })
    expect(app?.proxySetHeaders.map((h) => [h.name, h.value])).toEqual([
      ['Host', '{http.request.hostport}'],
      ['X-Forwarded-For', '{http.request.remote.host}'],
      ['X-Forwarded-Proto', '{http.request.scheme}'],
      ['X-Forwarded-Host', '{http.request.host}'],
    ])
    expect(app?.proxyReadTimeout).toBeUndefined()
    expect(app?.clientMaxBodySize).toBeUndefined()
  })
})

test('caddy-no-hsts: no Strict-Transport-Security anywhere', () => {
  const facts = factsOf('caddy-no-hsts', path.join(fixtures, 'caddy-no-hsts/deploy/Caddyfile'))
  const names = facts.servers.flatMap((s) => [
    ...s.addHeaders,
    ...s.locations.flatMap((l) => l.addHeaders),
  ])
  expect(names.map((h) => h.name)).not.toContain('Strict-Transport-Security')
  expect(names.map((h) => h.name)).toContain('X-Frame-Options')
})

describe('variants: two hosts, no redirect, limits, header_up', () => {
  const facts = factsOf('variants', path.join(data, 'variants.Caddyfile'))
  const [site] = facts.servers
  const at = (p: string): NginxConfigFacts['servers'][number]['locations'][number] | undefined =>
    site.locations.find((l) => l.path === p)

  test('auto_https disable_redirects: no port-80 server', () => {
    expect(facts.servers).toHaveLength(1)
    expect(site.serverNames).toEqual(['app.example.org', 'www.example.org'])
    expect(site.line).toBe(6)
  })

  test('an exact path, a prefix and the catch-all, each with its upstream line', () => {
    expect(at('/healthz')).toMatchObject({ modifier: '=', proxyPass: { line: 15 } })
    expect(at('/api/')).toMatchObject({
      modifier: '',
      proxyPass: { value: 'http://web:8000', line: 18 },
    })
    expect(at('/')?.proxyPass).toMatchObject({ value: 'http://unix:/run/gunicorn.sock', line: 27 })
  })

  test('header_up deletes and sets; read_timeout in seconds; the site body limit everywhere', () => {
    const api = at('/api/')
    expect(api?.proxySetHeaders.map((h) => `${h.name}: ${h.value}`)).toEqual([
      'Host: {http.request.hostport}',
      'X-Forwarded-For: {http.request.remote.host}',
      'X-Forwarded-Proto: https',
    ])
    expect(api?.proxyReadTimeout).toMatchObject({ value: '45s', line: 22 })
    for (const p of ['/healthz', '/api/', '/'])
      expect(at(p)?.clientMaxBodySize).toMatchObject({ value: '10000000', line: 11 })
    expect(site.sslProtocols).toMatchObject({ value: 'tls1.2 tls1.3', line: 8 })
  })
})

test("caddy adapt's error: Caddy's message and the line it names", () => {
  const stderr = readFileSync(path.join(data, 'typo.adapt.stderr.txt'), 'utf8')
  expect(parseAdaptError(stderr)).toEqual({
    file: '/tmp/C',
    line: 27,
    message: expect.stringMatching(/^unrecognized directive: revers_proxy/),
  })
})

test('a site without host names (`:443 {`): the server route list itself is the site', () => {
  const facts = factsOf('port-only', path.join(data, 'port-only.Caddyfile'))
  expect(facts.servers).toHaveLength(1)
  const [site] = facts.servers
  expect(site).toMatchObject({ line: 7, serverNames: [''] })
  expect(site.locations.map((l) => [l.path, l.line, l.proxyPass?.line])).toEqual([
    ['/static/', 19, undefined],
    ['/', 25, 26],
  ])
  expect(site.addHeaders.map((h) => h.line)).toEqual([13, 14, 10, 11, 12])
})
