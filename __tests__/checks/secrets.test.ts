import type { Observations, SecondBootFacts, SessionCookieFacts } from '../../src/facts/types'
import { check, editProbe, recorded, result, variant } from './observations'

const cookie = (over: Partial<SessionCookieFacts> = {}): SessionCookieFacts => ({
  via: 'proxy',
  path: '/',
  name: 'session',
  signedWithInjected: true,
  weakKey: null,
  ...over,
})

/** The good run without the probe, with these session cookies. */
const cookiesOnly = (...cookies: SessionCookieFacts[]): Observations =>
  variant('good', (o) => {
    o.probe = { unavailable: 'introspect is false' }
    o.sessionCookies = cookies
  })

/** A second boot that started (the app has a fallback key). */
const startedWith = (secondBoot: Partial<SecondBootFacts>): SecondBootFacts => ({
  ready: true,
  logTail: ['[2026-11-24 16:26:50 +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)'],
  sessionCookies: [],
  ...secondBoot,
})

describe('secret.from-env', () => {
  test('the probe finding the injected key passes', () => {
    const r = check('secret.from-env', recorded('good'))
    expect(r).toMatchObject({
      status: 'passed',
      summary: 'the app signs with the SECRET_KEY the action injected (the probe compared digests)',
    })
    expect(r.evidence).toEqual([
      'the probe: SECRET_KEY set (64 characters), equal to the SECRET_KEY the action injected (digests compared)',
      'session cookie session from / (proxy) verifies against the SECRET_KEY the action injected',
    ])
  })

  test('a key of its own fails (the weak-secret fixture)', () => {
    const obs = variant('good', (o) => {
      editProbe(
        o,
        (a) => (a.secretKey = { set: true, length: 3, matchesInjected: false, weak: 'dev' }),
      )
      o.sessionCookies = [cookie({ signedWithInjected: false, weakKey: 'dev' })]
    })
    const r = check('secret.from-env', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'the app uses a key of its own, not the SECRET_KEY from the environment',
      fix: "read the key from the environment: app.config['SECRET_KEY'] = os.environ['SECRET_KEY'] (no hard-coded key, no fallback)",
    })
    expect(r.evidence).toEqual([
      'the probe: SECRET_KEY set (3 characters), different from the SECRET_KEY the action injected (digests compared)',
      "session cookie session from / (proxy) does not verify against the SECRET_KEY the action injected; it verifies with the known weak key 'dev'",
    ])
  })

  test('without the probe, session cookie signatures decide', () => {
    expect(check('secret.from-env', cookiesOnly(cookie()))).toMatchObject({
      status: 'passed',
      summary:
        'the app signs with the SECRET_KEY the action injected (1 session cookie verified (itsdangerous, HMAC-SHA1, salt cookie-session))',
    })
    expect(
      check(
        'secret.from-env',
        cookiesOnly(cookie(), cookie({ via: 'app', signedWithInjected: false })),
      ).status,
    ).toBe('failed')
  })

  test('a SECRET_KEY given in env is what the app is compared with, and the evidence says so', () => {
    const obs = variant('good', (o) => {
      o.run.secretInjected = false
      o.run.envNames = ['SECRET_KEY', 'DATABASE_URL']
    })
    const r = check('secret.from-env', obs)
    expect(r.summary).toBe(
      'the app signs with the SECRET_KEY given in `env` (the probe compared digests)',
    )
    expect(r.evidence?.[0]).toBe(
      'SECRET_KEY came from the `env` input: the comparison is against your value',
    )
  })

  test('no key set at all fails', () => {
    const obs = variant('good', (o) =>
      editProbe(
        o,
        (a) => (a.secretKey = { set: false, length: 0, matchesInjected: false, weak: null }),
      ),
    )
    expect(check('secret.from-env', obs).summary).toBe(
      'the app has no SECRET_KEY, though SECRET_KEY is in its environment',
    )
  })

  test('nothing to compare is skipped with the reason', () => {
    expect(result('secret.from-env', cookiesOnly())).toMatchObject({
      status: 'skipped',
      summary:
        'no session cookie was set and the probe did not compare keys: nothing shows which key the app uses',
      skip_reason: 'blocked',
    })
    // The probe turned off by the run: it chose not to look.
    const off = cookiesOnly()
    off.probe = { unavailable: 'introspect is off', skip: 'requested' }
    expect(result('secret.from-env', off)).toMatchObject({
      status: 'skipped',
      skip_reason: 'requested',
    })
  })
})

describe('secret.strength', () => {
  test('a strong key and a refusal to start without SECRET_KEY pass', () => {
    const r = check('secret.strength', recorded('good'))
    expect(r).toMatchObject({
      status: 'passed',
      summary:
        'the key in use (64 characters) is no known weak key; refuses to start without SECRET_KEY (exit 3)',
    })
    expect(r.evidence).toContain('second boot: RuntimeError: SECRET_KEY is not set')
  })

  test("a hard-coded 'dev' fails on both parts and names the word-list entry", () => {
    const obs = variant('good', (o) => {
      editProbe(
        o,
        (a) => (a.secretKey = { set: true, length: 3, matchesInjected: false, weak: 'dev' }),
      )
      o.secondBoot = startedWith({ secretKey: { set: true, length: 3, weak: 'dev' } })
    })
    const r = check('secret.strength', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary:
        "SECRET_KEY is the known weak key 'dev'; falls back to a weak key when SECRET_KEY is unset ('dev')",
    })
    expect(r.fix).toMatch(
      /^generate a key \(python -c 'import secrets; print\(secrets\.token_hex\(32\)\)'\)/,
    )
    expect(r.fix).toMatch(
      /drop the fallback: app\.config\['SECRET_KEY'\] = os\.environ\['SECRET_KEY'\]/,
    )
  })

  test("os.environ.get('SECRET_KEY', 'dev') fails only on the second boot", () => {
    const obs = variant('good', (o) => {
      o.secondBoot = startedWith({
        sessionCookies: [cookie({ signedWithInjected: null, weakKey: 'dev' })],
      })
    })
    const r = check('secret.strength', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: "falls back to a weak key when SECRET_KEY is unset ('dev')",
    })
    expect(r.evidence?.[0]).toBe('the key in use (64 characters) is no known weak key')
  })

  test('a short key that is on no list fails on its length', () => {
    const obs = variant('good', (o) =>
      editProbe(
        o,
        (a) => (a.secretKey = { set: true, length: 8, matchesInjected: true, weak: null }),
      ),
    )
    expect(check('secret.strength', obs).summary).toBe('SECRET_KEY is only 8 characters long')
  })

  test('without the probe a cookie signed with a weak key fails', () => {
    const obs = cookiesOnly(cookie({ signedWithInjected: false, weakKey: 'changeme' }))
    expect(check('secret.strength', obs).summary).toBe(
      "session cookies are signed with the known weak key 'changeme' (/)",
    )
  })

  test('a second boot without any key, or with a strong baked one, passes that part', () => {
    const noKey = variant('good', (o) => {
      o.secondBoot = startedWith({ secretKey: { set: false, length: 0, weak: null } })
    })
    expect(check('secret.strength', noKey).summary).toBe(
      'the key in use (64 characters) is no known weak key; starts without SECRET_KEY but with no key at all: sessions fail rather than use a weak key',
    )
    const baked = variant('good', (o) => {
      o.secondBoot = startedWith({ secretKey: { set: true, length: 32, weak: null } })
    })
    expect(check('secret.strength', baked).status).toBe('passed')
  })

  test('nothing observed at all is skipped', () => {
    const obs = cookiesOnly()
    obs.secondBoot = { unavailable: 'the second boot was not made' }
    expect(result('secret.strength', obs)).toMatchObject({
      status: 'skipped',
      summary:
        'the key in use is unknown: the probe did not answer and no session cookie was set; no second boot without SECRET_KEY was made',
      skip_reason: 'blocked',
    })
  })
})
