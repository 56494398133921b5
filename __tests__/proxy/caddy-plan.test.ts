import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import type { CaddyConfig } from '../../src/facts/caddy-json'
import { caddyConfigFacts, dialLine } from '../../src/facts/caddy-facts'
import { planCaddy } from '../../src/proxy/caddy-plan'

/** `caddy adapt` output recorded with Debian's caddy 2.6.2 (flask-deploy-check/caddy:bookworm). */
const data = path.join(__dirname, '../data/caddy')
const fixtures = path.join(__dirname, '../fixtures')

function planOf(name: string, caddyfile: string, appHost = 'app'): ReturnType<typeof planCaddy> {
  const adapted = JSON.parse(
    readFileSync(path.join(data, `${name}.adapt.json`), 'utf8'),
  ) as CaddyConfig
  const facts = caddyConfigFacts(adapted, readFileSync(caddyfile, 'utf8'), 'Caddyfile')
  return planCaddy(adapted, facts, { appHost, lineOf: (d) => dialLine(facts, d) })
}

describe('caddy-good', () => {
  const plan = planOf('caddy-good', path.join(fixtures, 'caddy-good/deploy/Caddyfile'))
  const config = JSON.parse(plan.json) as CaddyConfig & { apps: { tls: unknown } }

  test('the loopback upstream points at the app, same port, at its line', () => {
    expect(plan.rewrites).toEqual([{ line: 26, before: '127.0.0.1:8000', after: 'app:8000' }])
    expect(plan.kept).toEqual([])
    expect(plan.json).toContain('"dial":"app:8000"')
    expect(plan.json).not.toContain('127.0.0.1:8000')
  })

  test('certificates from the internal CA for the site name, admin off', () => {
    expect(config.apps.tls).toEqual({
      automation: { policies: [{ subjects: ['example.com'], issuers: [{ module: 'internal' }] }] },
    })
    expect(config.admin).toEqual({ disabled: true })
    expect(plan).toMatchObject({ serverName: 'example.com', sslPort: 443, plainPort: 80 })
  })

  test('the static folder file_server serves, as an alias', () => {
    expect(plan.statics).toEqual([
      { location: '/static/', line: 19, kind: 'alias', value: '/app/static/', dir: '/app/static' },
    ])
  })

  test('on a host, the same plan with the loopback address of the app', () => {
    const host = planOf(
      'caddy-good',
      path.join(fixtures, 'caddy-good/deploy/Caddyfile'),
      '127.0.0.1',
    )
    expect(host.rewrites).toEqual([{ line: 26, before: '127.0.0.1:8000', after: '127.0.0.1:8000' }])
  })
})

test('variants: localhost rewritten; a service name and a unix socket kept; no redirect port', () => {
  const plan = planOf('variants', path.join(data, 'variants.Caddyfile'))
  expect(plan.rewrites).toEqual([{ line: 15, before: 'localhost:5000', after: 'app:5000' }])
  expect(plan.kept).toEqual([
    { line: 18, value: 'web:8000', reason: 'not-loopback' },
    { line: 27, value: 'unix//run/gunicorn.sock', reason: 'unix-socket' },
  ])
  expect(plan.serviceHosts).toEqual(['web'])
  expect(plan.hosts).toEqual(['app.example.org', 'www.example.org'])
  expect(plan.plainPort).toBeUndefined()
  expect(plan.sslPort).toBe(443)
})
