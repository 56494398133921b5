/**
 * Issue 12's checks on the recorded fixtures: security headers (and add_header inheritance),
 * server_tokens, TLS versions and suites, nginx's timeout and body size against the app's.
 * Branches no fixture reaches change one part of a recording (withPart).
 */
import { runCatalog } from '../../src/checks/catalog'
import type { CheckResult } from '../../src/checks/lib/types'
import type { Observations, ProcessFacts } from '../../src/facts/types'
import { recorded, withPart } from '../data/observations/load'

function outcome(obs: Observations, id: string): CheckResult {
  const r = runCatalog(obs).find((x) => x.id === id)
  if (r === undefined) throw new Error(`no ${id}`)
  return r
}

const text = (r: CheckResult): string => [r.summary, ...r.evidence, r.fix ?? ''].join('\n')

const NEW = [
  'tls.protocols',
  'headers.nosniff',
  'headers.frame-options',
  'headers.csp',
  'headers.referrer-policy',
  'headers.server-tokens',
  'proxy.timeouts',
  'proxy.body-size',
]

describe('the good fixture', () => {
  it.each(NEW)('passes %s', (id) => {
    expect(outcome(recorded('good'), id).status).toBe('passed')
  })

  it('was refused TLS 1.0/1.1 and every weak suite, accepted 1.2 and 1.3', () => {
    const r = outcome(recorded('good'), 'tls.protocols')
    expect(r.evidence).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^TLSv1: refused/),
        expect.stringMatching(/^TLSv1\.1: refused/),
        expect.stringMatching(/^TLSv1\.2: accepted/),
        expect.stringMatching(/^TLSv1\.3: accepted/),
      ]),
    )
  })
})

describe('headers-missing', () => {
  const obs = recorded('headers-missing')

  it('names every route and the static file lacking nosniff, and the server line', () => {
    const r = outcome(obs, 'headers.nosniff')
    expect(r.status).toBe('failed')
    expect(r.severity).toBe('warning')
    expect(text(r)).toMatch(/GET \/ \(route\) -> 200: no X-Content-Type-Options/)
    expect(text(r)).toMatch(/GET \/static\/style\.css \(static\) -> 200: no X-Content-Type-Options/)
    expect(r.location).toEqual({
      file: '__tests__/fixtures/headers-missing/deploy/nginx.conf',
      line: expect.any(Number),
    })
  })

  it('finds the version in the Server header and in a page nginx wrote itself', () => {
    const r = outcome(obs, 'headers.server-tokens')
    expect(r.status).toBe('failed')
    expect(r.evidence[0]).toMatch(/its own page signs "nginx\/1\.22\.\d+"/)
    expect(text(r)).toMatch(/Server: nginx\/1\.22/)
    expect(text(r)).toMatch(/server_tokens on at .*nginx\.conf:\d+/)
  })
})

describe('add_header inheritance (hsts-lost-in-static)', () => {
  it('names the location whose own add_header drops nosniff', () => {
    const r = outcome(recorded('hsts-lost-in-static'), 'headers.nosniff')
    expect(r.status).toBe('failed')
    expect(r.summary).toMatch(/GET \/static\/style\.css \(1 of 4/)
    expect(text(r)).toMatch(
      /add_header inheritance: location \/static\/ .* has its own add_header Cache-Control/,
    )
    expect(r.fix).toMatch(
      /repeat add_header X-Content-Type-Options "nosniff" always; inside location \/static\//,
    )
  })
})

describe('headers.csp', () => {
  it("fails 'unsafe-inline' in script-src at the add_header line", () => {
    const r = outcome(recorded('csp-unsafe-inline'), 'headers.csp')
    expect(r.status).toBe('failed')
    expect(r.severity).toBe('notice')
    expect(r.summary).toMatch(/allows 'unsafe-inline' in script-src/)
    expect(r.location?.file).toBe('__tests__/fixtures/csp-unsafe-inline/deploy/nginx.conf')
  })

  it("accepts Flask-Talisman's default policy (no-nginx-config)", () => {
    expect(outcome(recorded('no-nginx-config'), 'headers.csp').status).toBe('passed')
  })
})

describe('tls.protocols', () => {
  it('fails TLS 1.0/1.1 and the suites without forward secrecy or AEAD, at ssl_protocols', () => {
    const r = outcome(recorded('tls-old-protocols'), 'tls.protocols')
    expect(r.status).toBe('failed')
    expect(r.summary).toMatch(/accepts TLSv1 and TLSv1\.1/)
    expect(text(r)).toMatch(/TLSv1\.2 AES128-SHA: accepted .*no forward secrecy/)
    expect(text(r)).toMatch(/ECDHE-RSA-AES128-SHA: accepted .*no AEAD/)
    expect(r.location?.file).toBe('__tests__/fixtures/tls-old-protocols/deploy/nginx.conf')
  })

  it('is blocked without handshakes', () => {
    const obs = withPart(recorded('good'), 'tls', { unavailable: 'the proxy did not answer' })
    expect(outcome(obs, 'tls.protocols').status).toBe('skipped')
  })
})

function withServerArgs(obs: Observations, args: string): Observations {
  const processes = (obs.processes as ProcessFacts[]).map((p) => ({ ...p, args }))
  return withPart(obs, 'processes', processes)
}

describe('proxy.timeouts', () => {
  it("fails Gunicorn --timeout 120 against nginx's default 60s, at the app's location", () => {
    const r = outcome(recorded('gunicorn-timeout-above-proxy'), 'proxy.timeouts')
    expect(r.status).toBe('failed')
    expect(r.summary).toMatch(/proxy_read_timeout 60 s is shorter than the worker timeout 120 s/)
    expect(r.fix).toMatch(/proxy_read_timeout 125s;/)
  })

  it('passes Gunicorn default 30 s and fails --timeout 0 (never)', () => {
    const good = recorded('good')
    expect(outcome(good, 'proxy.timeouts').evidence).toContain(
      // As the running Gunicorn resolved it (the probe reads its live config).
      "worker timeout: Gunicorn's timeout 30",
    )
    const never = withServerArgs(good, '/usr/bin/python3 /usr/bin/gunicorn -t 0 app:app')
    expect(outcome(never, 'proxy.timeouts').summary).toMatch(/workers never time out/)
  })

  it('reads uWSGI --harakiri', () => {
    const obs = withServerArgs(recorded('good'), 'uwsgi --http :8000 --harakiri 90 -w app:app')
    expect(outcome(obs, 'proxy.timeouts').summary).toMatch(/uWSGI --harakiri 90/)
  })
})

describe('proxy.body-size', () => {
  it("fails MAX_CONTENT_LENGTH 16 MiB behind nginx's 1m, with the live 413", () => {
    const r = outcome(recorded('body-size-below-max-content'), 'proxy.body-size')
    expect(r.status).toBe('failed')
    expect(r.summary).toMatch(
      /client_max_body_size 1 MiB is below the app's MAX_CONTENT_LENGTH 16 MiB/,
    )
    expect(text(r)).toMatch(/POST \/ with a 2 MiB body -> 413 \(nginx's own page\)/)
    expect(r.fix).toMatch(/client_max_body_size 16m;/)
  })

  it('passes when the app sets no MAX_CONTENT_LENGTH', () => {
    expect(outcome(recorded('good'), 'proxy.body-size').summary).toMatch(
      /sets no MAX_CONTENT_LENGTH/,
    )
  })
})
