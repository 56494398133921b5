/**
 * The Observatory grade against the real @mdn/mdn-http-observatory: every recorded fixture's
 * responses (and header variants of them, to reach the modifiers no fixture shows) are fed to
 * its exported tests and grader (observatory/crosscheck.mjs) and to ours; every test's
 * expectation, the score and the letter must agree.
 */
import { execFileSync } from 'node:child_process'
import { createServer, get, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync, readdirSync } from 'node:fs'
import * as path from 'node:path'
import { gradeOf } from '../../src/report/observatory/grade'
import { observatoryOf, scansOf, type RecordedScan } from '../../src/report/observatory'
import type { ScanInput } from '../../src/report/observatory/input'
import { httpEquivOf } from '../../src/report/observatory/input'
import type { Observations } from '../../src/facts/types'
import { recorded, recordingPath } from '../data/observations/load'

const FIXTURES = readdirSync(path.join(__dirname, '../data/observations/fixtures'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''))

interface Theirs {
  tests: Record<string, string>
  score: number
  grade: string
}

function theirs(scans: ScanInput[]): Theirs[] {
  const input = scans.map((s) => ({
    hostname: s.hostname,
    auto: s.auto && { status: s.auto.status, headers: s.auto.headers, body: s.auto.body },
    httpRoute: s.httpRoute,
  }))
  const out = execFileSync('node', [path.join(__dirname, 'observatory/crosscheck.mjs')], {
    input: JSON.stringify(input),
    cwd: path.join(__dirname, '../..'),
  })
  return JSON.parse(out.toString()) as Theirs[]
}

function ours(scan: ScanInput): Theirs {
  const g = gradeOf(scan)
  return {
    tests: Object.fromEntries(g.tests.map((t) => [t.test, t.result])),
    score: g.score,
    grade: g.grade,
  }
}

/** One recorded page with its headers changed: the rest is what the run recorded. */
function variant(
  base: RecordedScan,
  headers: Record<string, string | string[]>,
  body?: string,
): ScanInput {
  const auto = base.scan.auto!
  const changed = { ...auto, headers: { ...auto.headers, ...headers }, body: body ?? auto.body }
  return { ...base.scan, auto: { ...changed, httpEquiv: httpEquivOf(changed.body) } }
}

// Only the HTTP exchanges matter here: a recording that predates a later part still has them.
function exchangesOf(fixture: string): Observations {
  return JSON.parse(readFileSync(recordingPath(fixture), 'utf8')) as Observations
}

const all: { label: string; scan: ScanInput }[] = FIXTURES.flatMap((f) =>
  scansOf(exchangesOf(f)).map((s) => ({ label: `${f}: ${s.request}`, scan: s.scan })),
)

describe('the Observatory grade matches @mdn/mdn-http-observatory', () => {
  it('on every recorded response of every fixture', () => {
    expect(all.length).toBeGreaterThan(FIXTURES.length * 2)
    const expected = theirs(all.map((a) => a.scan))
    const mismatches = all
      .map((a, i) => ({ label: a.label, ours: ours(a.scan), theirs: expected[i] }))
      .filter((m) => JSON.stringify(m.ours) !== JSON.stringify(m.theirs))
    expect(mismatches).toEqual([])
  })

  it('on header variants of the good page that reach the other modifiers', () => {
    const good = scansOf(recorded('good'))[0]
    const headerSets: Record<string, string | string[]>[] = [
      { 'content-security-policy': "default-src 'none'; form-action 'self'" },
      { 'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-eval'" },
      { 'content-security-policy': "default-src 'self'; img-src http://cdn.example" },
      { 'content-security-policy': "default-src 'self'; style-src 'unsafe-inline'" },
      { 'content-security-policy': "script-src 'strict-dynamic'" },
      { 'content-security-policy': "default-src 'self'; default-src 'none'" },
      { 'content-security-policy': "default-src 'self', script-src 'nonce-abc' 'strict-dynamic'" },
      {
        'content-security-policy': [],
        'content-security-policy-report-only': "default-src 'self'",
      },
      { 'strict-transport-security': 'max-age=300' },
      { 'strict-transport-security': 'includeSubDomains' },
      { 'x-frame-options': 'ALLOW-FROM https://a.example', 'content-security-policy': [] },
      { 'referrer-policy': 'unsafe-url, bogus' },
      { 'referrer-policy': 'bogus' },
      { 'cross-origin-resource-policy': 'same-site' },
      { 'cross-origin-resource-policy': 'nope' },
      { 'x-content-type-options': 'sniff' },
      { 'set-cookie': ['session=1; Secure; HttpOnly; SameSite=Lax', 'csrf_token=2; Secure'] },
      { 'set-cookie': ['sessionid=1; HttpOnly', 'pref=3; SameSite=None'] },
      { 'set-cookie': ['login=1; Secure; SameSite=bogus'] },
    ]
    const variants = headerSets.map((h) => variant(good, h))
    const bodies = [
      '<html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'"><meta name="referrer" content="origin"></head></html>',
      '<script src="http://cdn.other.org/a.js"></script><script src="/static/app.js"></script>',
      '<script src="https://cdn.other.org/a.js" integrity="sha384-x" crossorigin="anonymous"></script>',
      '<script src="//cdn.other.org/a.js"></script>',
    ].map((b) => variant(good, { 'content-security-policy': [] }, b))
    const scans = [...variants, ...bodies]
    const expected = theirs(scans)
    scans.forEach((s, i) => expect(ours(s)).toEqual(expected[i]))
    // The variants reach far beyond the good page's own modifiers.
    const reached = new Set(scans.flatMap((s) => gradeOf(s).tests.map((t) => t.result)))
    expect(reached.size).toBeGreaterThan(25)
  })
})

describe("headers as the scanner's Node HTTP client hands them over", () => {
  /** Serves `headers` (every value, in order) once and returns what node:http's client reads. */
  async function roundTrip(headers: Record<string, string[]>): Promise<IncomingHttpHeaders> {
    const server = createServer((_req, res) => {
      for (const [name, values] of Object.entries(headers)) {
        if (!['content-length', 'transfer-encoding', 'connection'].includes(name))
          res.setHeader(name, values)
      }
      res.end('')
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const { port } = server.address() as AddressInfo
    try {
      return await new Promise((resolve, reject) =>
        get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          res.resume()
          resolve(res.headers)
        }).on('error', reject),
      )
    } finally {
      server.close()
    }
  }

  it('folds repeated headers as node:http does (talisman-and-nginx-hsts sends HSTS twice)', async () => {
    const page = scansOf(exchangesOf('talisman-and-nginx-hsts'))[0]
    const x = exchangesOf('talisman-and-nginx-hsts')
    const raw = (Array.isArray(x.http) ? x.http : []).find(
      (e) => e.via === 'proxy' && e.purpose === 'route' && e.request.path === '/',
    )?.response?.headers
    if (!raw) throw new Error('no recorded page')
    expect(raw['strict-transport-security'].length).toBeGreaterThan(1)
    const live = await roundTrip(raw)
    // Framing headers are the test server's own, not the recording's.
    const skipped = ['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']
    const ours = Object.fromEntries(
      Object.entries(page.scan.auto!.headers).filter(([k]) => !skipped.includes(k)),
    )
    const theirs = Object.fromEntries(Object.entries(live).filter(([k]) => !skipped.includes(k)))
    expect(ours).toEqual(theirs)
  })
})

describe('the report entry', () => {
  it('grades the good fixture with each modifier listed', () => {
    const o = observatoryOf(recorded('good'))
    if ('unavailable' in o) throw new Error(o.unavailable)
    expect(o.page).toBe('GET /')
    expect(o.tests).toHaveLength(10)
    expect(o.grade).toMatch(/^[A-F][+-]?$/)
    expect(o.responses.map((r) => r.request)).toContain('GET /static/style.css')
  })

  it('grades a page without security headers down', () => {
    const good = observatoryOf(recorded('good'))
    const bare = observatoryOf(recorded('headers-missing'))
    if ('unavailable' in good || 'unavailable' in bare) throw new Error('no grade')
    expect(bare.score).toBeLessThan(good.score)
    expect(bare.tests.find((t) => t.test === 'x-frame-options')?.modifier).toBe(-20)
  })

  it('says why there is no grade when nothing answered through the proxy', () => {
    expect(observatoryOf(recorded('crash-on-boot'))).toEqual({
      unavailable: 'no HTTPS page from the app through the proxy',
    })
  })
})
