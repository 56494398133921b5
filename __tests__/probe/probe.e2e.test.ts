/**
 * The introspection probe on a real engine (see e2e-app.ts): it answers inside the app's
 * middleware chain under Gunicorn (pre-fork and --preload), Waitress and uWSGI, never sends the
 * key, and leaves the image's own sitecustomize running.
 */
import { randomBytes } from 'node:crypto'
import type { ProbeAnswer } from '../../src/facts/types'
import { interpretProbe, prepareProbe } from '../../src/probe/introspect'
import { GUNICORN, ProbeTestbed, type Booted } from './e2e-app'

const KEY = randomBytes(32).toString('hex')
const FORWARDED = {
  'x-forwarded-for': '203.0.113.9',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'app.example.com',
}
const PROXY_FIX = { name: 'ProxyFix', xFor: 1, xProto: 1, xHost: 1, xPort: 0, xPrefix: 0 }
const bed = new ProbeTestbed()

beforeAll(() => bed.build(), 120_000)
afterAll(() => bed.dispose(), 60_000)

/** Asks the probe, checks the answer leaks nothing, and interprets it. */
async function ask(app: Booted): Promise<ProbeAnswer> {
  expect(app.boot).toMatchObject({ ready: true })
  const res = await app.get(bed.probe.path, FORWARDED)
  expect(res.status).toBe(200)
  expect(res.body).not.toContain(KEY)
  const { token } = bed.probe
  const answer = interpretProbe(res.body, 'app', {}, { token, injectedKey: KEY })
  if (!answer) throw new Error(`not a probe answer: ${res.body}`)
  return answer
}

async function site(app: Booted): Promise<unknown> {
  return JSON.parse((await app.get('/site')).body)
}

describe.each([
  ['gunicorn', GUNICORN, /^gunicorn\//],
  ['preload', ['gunicorn', '--preload', ...GUNICORN.slice(1)], /^gunicorn\//],
  ['waitress', ['waitress-serve', '--listen=0.0.0.0:8000', 'app:app'], /^waitress$/],
  // Debian's uwsgi loads no plugin by itself: --http needs the http plugin too.
  [
    'uwsgi',
    ['uwsgi', '--plugin', 'http,python3', '--http', ':8000', '--module', 'app:app'],
    /^uWSGI\//,
  ],
  [
    'uwsgi2',
    ['uwsgi', '--plugin', 'python3', '--http-socket', ':8000', '--module', 'app:app'],
    /^uWSGI\//,
  ],
])('under %s', (role, command, software) => {
  test('the probe answers inside the middleware chain, after ProxyFix', async () => {
    const argv = [...command, ...(role.startsWith('uwsgi') ? ['--master', '--processes', '2'] : [])]
    await bed.withApp({ role, command: argv, env: [['SECRET_KEY', KEY]] }, async (app) => {
      // Several answers: with two workers each process must have the probe.
      for (let i = 0; i < 4; i += 1) {
        const a = await ask(app)
        expect(a).toMatchObject({
          scheme: 'https',
          host: 'app.example.com',
          externalUrl: 'https://app.example.com/static/fdc.txt',
          remoteAddr: '203.0.113.9',
          isSecure: true,
          debug: false,
          middleware: [PROXY_FIX, { name: 'Flask.wsgi_app' }],
          secretKey: { set: true, length: 64, matchesInjected: true, weak: null },
          trailingSlashRules: ['/docs/'],
          forwarded: FORWARDED,
        })
        expect(a.serverSoftware).toMatch(software)
      }
      expect(await site(app)).toEqual({
        marker: 'ran',
        shadowed: '/usr/lib/python3.11/sitecustomize.py',
        probeLoaded: true,
        probeDirOnPath: false,
      })
      // Any other path is the app's own business.
      expect((await app.get(`/__flask_deploy_check/${'0'.repeat(32)}`)).status).toBe(404)
      expect(await app.get('/')).toMatchObject({ status: 200, body: 'hi' })
    })
  }, 60_000)
})

test("DEBUG=True under Gunicorn is seen; the 'dev' key is named, not sent", async () => {
  const env: [string, string][] = [['APP_MODE', 'debug']]
  await bed.withApp({ role: 'debug', command: GUNICORN, env }, async (app) => {
    const a = await ask(app)
    expect(a).toMatchObject({
      debug: true,
      middleware: [{ name: 'Flask.wsgi_app' }],
      secretKey: { set: true, length: 3, matchesInjected: false, weak: 'dev' },
    })
    // No ProxyFix: the forwarded headers reach the app but change nothing.
    expect(a).toMatchObject({ scheme: 'http', serverScheme: 'http', isSecure: false })
    expect((await app.get(bed.probe.path)).body).not.toMatch(/"dev"/)
  })
}, 60_000)

test('without FDC_PROBE_TOKEN only the chaining runs; an image PYTHONPATH keeps its own', async () => {
  const { env } = prepareProbe({ tempDir: bed.tmp, imagePythonPath: '/app/custom' })
  const pythonPath = env.filter(([k]) => k === 'PYTHONPATH')
  await bed.withApp(
    { role: 'noprobe', command: GUNICORN, env: [['SECRET_KEY', KEY], ...pythonPath], bare: true },
    async (app) => {
      expect(app.boot).toMatchObject({ ready: true })
      // As without the probe: the first sitecustomize on the path runs, here the image's own.
      expect(await site(app)).toEqual({
        marker: 'image-pythonpath',
        shadowed: '/app/custom/sitecustomize.py',
        probeLoaded: false,
        probeDirOnPath: false,
      })
      expect((await app.get(bed.probe.path)).status).toBe(404)
    },
  )
}, 60_000)
