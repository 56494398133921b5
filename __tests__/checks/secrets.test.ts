import type {
  Observations,
  ProbeAnswer,
  SecondBootFacts,
  SessionCookieFacts,
} from '../../src/facts/types'
import { check, part, recorded, result, withPart, withProbe } from './observations'

const good = recorded('good')
const weakSecret = recorded('weak-secret')
const devFallback = recorded('dev-fallback')

/** The good recording's session cookie through the proxy, changed by `over`. */
const cookie = (over: Partial<SessionCookieFacts> = {}): SessionCookieFacts => {
  const viaProxy = part(good, 'sessionCookies').find((c) => c.via === 'proxy')
  if (viaProxy === undefined) throw new Error('the good recording has no cookie via the proxy')
  return { ...viaProxy, ...over }
}

/** A recording without the probe. */
const noProbe = (obs: Observations): Observations =>
  withPart(obs, 'probe', { unavailable: 'introspect is false' })

/** The good recording without the probe, with these session cookies. */
const cookiesOnly = (...cookies: SessionCookieFacts[]): Observations =>
  withPart(noProbe(good), 'sessionCookies', cookies)

/**
 * The dev-fallback recording's second boot (it started: the app has a fallback key), changed by
 * `change`; it sets no cookie unless `change` says so.
 */
const startedWith = (change: Partial<SecondBootFacts>): SecondBootFacts => ({
  ...part(devFallback, 'secondBoot'),
  sessionCookies: [],
  ...change,
})

/** The good recording with the probe finding this key. */
const withKey = (secretKey: ProbeAnswer['secretKey']): Observations =>
  withProbe(good, () => ({ secretKey }))

describe('secret.from-env', () => {
  test('the probe finding the injected key passes', () => {
    const r = check('secret.from-env', good)
    expect(r).toMatchObject({
      status: 'passed',
      summary: 'the app signs with the SECRET_KEY the action injected (the probe compared digests)',
    })
    expect(r.evidence).toEqual([
      'the probe: SECRET_KEY set (64 characters), equal to the SECRET_KEY the action injected (digests compared)',
      'session cookie session from / (app) verifies against the SECRET_KEY the action injected',
      'session cookie session from /?__debugger__=yes&cmd=resource&f=debugger.js (app) verifies against the SECRET_KEY the action injected',
      'session cookie session from / (proxy) verifies against the SECRET_KEY the action injected',
    ])
  })

  test('a key of its own fails (the weak-secret fixture)', () => {
    const r = check('secret.from-env', weakSecret)
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'the app uses a key of its own, not the SECRET_KEY from the environment',
      fix: "read the key from the environment: app.config['SECRET_KEY'] = os.environ['SECRET_KEY'] (no hard-coded key, no fallback)",
    })
    expect(r.evidence).toEqual([
      'the probe: SECRET_KEY set (3 characters), different from the SECRET_KEY the action injected (digests compared)',
      "session cookie session from / (app) does not verify against the SECRET_KEY the action injected; it verifies with the known weak key 'dev'",
      "session cookie session from /?__debugger__=yes&cmd=resource&f=debugger.js (app) does not verify against the SECRET_KEY the action injected; it verifies with the known weak key 'dev'",
      "session cookie session from / (proxy) does not verify against the SECRET_KEY the action injected; it verifies with the known weak key 'dev'",
    ])
  })

  test('without the probe, session cookie signatures decide', () => {
    expect(check('secret.from-env', noProbe(good))).toMatchObject({
      status: 'passed',
      summary:
        'the app signs with the SECRET_KEY the action injected (3 session cookies verified (itsdangerous, HMAC-SHA1, salt cookie-session))',
    })
    // One of them signed otherwise (no recording mixes keys).
    expect(
      check(
        'secret.from-env',
        cookiesOnly(cookie(), cookie({ via: 'app', signedWithInjected: false })),
      ).status,
    ).toBe('failed')
  })

  test('a SECRET_KEY given in env is what the app is compared with, and the evidence says so', () => {
    // The good recording as if the key had come through `env` (the recordings give no --env).
    const obs = withPart(good, 'run', {
      ...good.run,
      secretInjected: false,
      envNames: ['SECRET_KEY', 'DATABASE_URL'],
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
    const obs = withKey({ set: false, length: 0, matchesInjected: false, weak: null })
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
    const off = withPart(cookiesOnly(), 'probe', {
      unavailable: 'introspect is off',
      skip: 'requested',
    })
    expect(result('secret.from-env', off)).toMatchObject({
      status: 'skipped',
      skip_reason: 'requested',
    })
  })
})

describe('secret.strength', () => {
  test('a strong key and a refusal to start without SECRET_KEY pass', () => {
    const r = check('secret.strength', good)
    expect(r).toMatchObject({
      status: 'passed',
      // Gunicorn 20.1 exits 3 (worker failed to boot) or 1 (the same HaltServer raised while it
      // handles the second worker's exit): a race between its two workers.
      summary: expect.stringMatching(
        /^the key in use \(64 characters\) is no known weak key; refuses to start without SECRET_KEY \(exit [13]\)$/,
      ),
    })
    expect(r.evidence).toContain('second boot: RuntimeError: SECRET_KEY is not set')
  })

  test("a hard-coded 'dev' fails on both parts and names the word-list entry", () => {
    const r = check('secret.strength', weakSecret)
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
    const r = check('secret.strength', devFallback)
    expect(r).toMatchObject({
      status: 'failed',
      summary: "falls back to a weak key when SECRET_KEY is unset ('dev')",
    })
    expect(r.evidence?.[0]).toBe('the key in use (64 characters) is no known weak key')
  })

  test('a short key that is on no list fails on its length', () => {
    const obs = withKey({ set: true, length: 8, matchesInjected: true, weak: null })
    expect(check('secret.strength', obs).summary).toBe('SECRET_KEY is only 8 characters long')
  })

  test('without the probe a cookie signed with a weak key fails', () => {
    const obs = cookiesOnly(cookie({ signedWithInjected: false, weakKey: 'changeme' }))
    expect(check('secret.strength', obs).summary).toBe(
      "session cookies are signed with the known weak key 'changeme' (/)",
    )
  })

  test('a second boot without any key, or with a strong baked one, passes that part', () => {
    const noKey = withPart(
      good,
      'secondBoot',
      startedWith({ secretKey: { set: false, length: 0, weak: null } }),
    )
    expect(check('secret.strength', noKey).summary).toBe(
      'the key in use (64 characters) is no known weak key; starts without SECRET_KEY but with no key at all: sessions fail rather than use a weak key',
    )
    const baked = withPart(
      good,
      'secondBoot',
      startedWith({ secretKey: { set: true, length: 32, weak: null } }),
    )
    expect(check('secret.strength', baked).status).toBe('passed')
  })

  test('nothing observed at all is skipped', () => {
    const obs = withPart(cookiesOnly(), 'secondBoot', {
      unavailable: 'the second boot was not made',
    })
    expect(result('secret.strength', obs)).toMatchObject({
      status: 'skipped',
      summary:
        'the key in use is unknown: the probe did not answer and no session cookie was set; no second boot without SECRET_KEY was made',
      skip_reason: 'blocked',
    })
  })
})
