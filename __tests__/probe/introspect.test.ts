import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  interpretProbe,
  keyDigest,
  prepareProbe,
  PROBE_MOUNT_TARGET,
  weakKeyDigests,
} from '../../src/probe/introspect'
import { probeFiles } from '../../src/probe/python'
import { WEAK_SECRET_KEYS } from '../../src/facts/weak-keys'

/** A probe answer recorded by __tests__/data/probe/record.sh. */
interface Recorded {
  case: string
  token: string
  injectedKey?: string
  body: Record<string, unknown>
}
const DATA = path.join(__dirname, '..', 'data', 'probe')
const load = (name: string): Recorded =>
  JSON.parse(fs.readFileSync(path.join(DATA, `${name}.json`), 'utf8')) as Recorded

function interpret(name: string, injectedKey?: string): ReturnType<typeof interpretProbe> {
  const r = load(name)
  return interpretProbe(
    JSON.stringify(r.body),
    'proxy',
    { 'x-forwarded-for': '203.0.113.9' },
    {
      token: r.token,
      injectedKey,
    },
  )
}

describe('prepareProbe', () => {
  let tmp: string
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-probe-test-'))))
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }))

  test('writes world-readable sources and activates them through PYTHONPATH', () => {
    const p = prepareProbe({ tempDir: tmp, imagePythonPath: '/app/lib' })
    expect(p.token).toMatch(/^[0-9a-f]{32}$/)
    expect(p.path).toBe(`/__flask_deploy_check/${p.token}`)
    expect(p.mounts).toEqual([{ source: path.join(tmp, 'probe'), target: PROBE_MOUNT_TARGET }])
    expect(p.env).toEqual([
      ['FDC_PROBE_TOKEN', p.token],
      ['PYTHONPATH', `${PROBE_MOUNT_TARGET}:/app/lib`],
    ])
    for (const [name, source] of Object.entries(probeFiles())) {
      const file = path.join(tmp, 'probe', name)
      expect(fs.readFileSync(file, 'utf8')).toBe(source)
      expect(fs.statSync(file).mode & 0o777).toBe(0o644)
    }
    expect(fs.statSync(path.join(tmp, 'probe')).mode & 0o777).toBe(0o755)
  })

  test('a fresh token every time; no image PYTHONPATH means the probe alone', () => {
    const a = prepareProbe({ tempDir: tmp })
    const b = prepareProbe({ tempDir: tmp })
    expect(a.token).not.toBe(b.token)
    expect(a.env[1]).toEqual(['PYTHONPATH', PROBE_MOUNT_TARGET])
  })
})

describe('interpretProbe on recorded answers', () => {
  test('ProxyFix behind one proxy under Gunicorn, the injected key in use', () => {
    const r = load('proxyfix')
    const a = interpret('proxyfix', r.injectedKey)
    expect(a).toMatchObject({
      via: 'proxy',
      forged: { 'x-forwarded-for': '203.0.113.9' },
      scheme: 'https',
      host: 'app.example.com',
      urlRoot: 'https://app.example.com/',
      externalUrl: 'https://app.example.com/static/fdc.txt',
      remoteAddr: '172.18.0.1',
      isSecure: true,
      serverScheme: 'http',
      serverSoftware: 'gunicorn/20.1.0',
      debug: false,
      preferredUrlScheme: 'https',
      sessionCookie: { name: 'session', secure: true, httponly: true, samesite: 'Lax' },
      middleware: [
        { name: 'ProxyFix', xFor: 1, xProto: 1, xHost: 1, xPort: 0, xPrefix: 0 },
        { name: 'Flask.wsgi_app' },
      ],
      secretKey: { set: true, length: 64, matchesInjected: true, weak: null },
      staticFolder: '/app/static',
      staticUrlPath: '/static',
      trailingSlashRules: ['/docs/'],
    })
    expect(a?.forwarded['x-forwarded-proto']).toBe('https')
  })

  test('the digest is dropped: nothing derived from the key but set, length and verdicts', () => {
    const r = load('proxyfix')
    const a = interpret('proxyfix', r.injectedKey)
    const hmac = (r.body.secretKey as { hmac: string }).hmac
    expect(JSON.stringify(a)).not.toContain(hmac)
    expect(JSON.stringify(a)).not.toContain(r.injectedKey)
    expect(Object.keys(a?.secretKey ?? {}).sort()).toEqual([
      'length',
      'matchesInjected',
      'set',
      'weak',
    ])
  })

  test('another key than the injected one: matchesInjected false', () => {
    expect(interpret('proxyfix', 'not-the-key')?.secretKey.matchesInjected).toBe(false)
    expect(interpret('proxyfix')?.secretKey.matchesInjected).toBeNull()
  })

  test("the 'dev' fallback under Waitress is named weak", () => {
    const a = interpret('dev-fallback', 'the-injected-key-that-was-ignored')
    expect(a?.secretKey).toEqual({ set: true, length: 3, matchesInjected: false, weak: 'dev' })
    expect(a?.serverSoftware).toBe('waitress')
    expect(a?.middleware).toEqual([{ name: 'Flask.wsgi_app' }])
    // Waitress ignores X-Forwarded-Proto and no ProxyFix applies it: the app sees http.
    expect(a?.scheme).toBe('http')
    expect(a?.forwarded).toEqual({ 'x-forwarded-proto': 'https' })
  })

  test("the Flask quickstart's bytes key is named as Python writes it", () => {
    expect(interpret('bytes-key')?.secretKey).toEqual({
      set: true,
      length: 16,
      matchesInjected: null,
      weak: `b'_5#y2L"F4Q8z\\n\\xec]/'`,
    })
  })

  test('no key at all under uWSGI', () => {
    const a = interpret('no-key')
    expect(a?.secretKey).toEqual({ set: false, length: 0, matchesInjected: null, weak: null })
    expect(a?.serverSoftware).toMatch(/^uWSGI\//)
  })

  test('DEBUG=True is reported', () => {
    const r = load('debug')
    expect(interpret('debug', r.injectedKey)).toMatchObject({
      debug: true,
      secretKey: { matchesInjected: true },
    })
  })

  test('anything but the probe JSON is undefined', () => {
    const opts = { token: 'aa' }
    expect(interpretProbe('<h1>Not Found</h1>', 'app', {}, opts)).toBeUndefined()
    expect(interpretProbe('{"scheme": "https"}', 'app', {}, opts)).toBeUndefined()
    expect(interpretProbe('[1]', 'app', {}, opts)).toBeUndefined()
    const body = { ...load('proxyfix').body, isSecure: 'yes' }
    expect(interpretProbe(JSON.stringify(body), 'app', {}, opts)).toBeUndefined()
  })

  test('a fact the probe could not read falls back without failing the answer', () => {
    const body = { ...load('proxyfix').body, externalUrl: null, middleware: null, pid: 3 }
    const a = interpretProbe(JSON.stringify(body), 'app', {}, { token: 'x' })
    expect(a?.externalUrl).toBe('https://app.example.com/')
    expect(a?.middleware).toEqual([])
  })
})

test('weak key digests are computed once per token and cover the whole list', () => {
  const t = weakKeyDigests('0123')
  expect(weakKeyDigests('0123')).toBe(t)
  expect(t.size).toBeGreaterThanOrEqual(new Set(WEAK_SECRET_KEYS).size)
  expect(t.get(keyDigest('0123', 'dev'))).toBe('dev')
  expect(weakKeyDigests('4567')).not.toBe(t)
})
