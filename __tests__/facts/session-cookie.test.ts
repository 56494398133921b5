import { inflateSync } from 'node:zlib'
import {
  findSigningKey,
  parseSessionCookie,
  verifySessionCookie,
} from '../../src/facts/session-cookie'
import { WEAK_SECRET_KEY_BYTES, WEAK_SECRET_KEYS } from '../../src/facts/weak-keys'
import recorded from '../data/cookies.json'

/** Cookies set by real Flask 2.2 (see __tests__/data/make_cookies.py). */
interface Recorded {
  name: string
  key?: string
  keyHex?: string
  compressed: boolean
  value: string
  setCookie: string
  payload: string
}
const cookies: Recorded[] = recorded.cookies
const keyOf = (c: Recorded): string | Uint8Array =>
  c.key ?? Uint8Array.from(Buffer.from(c.keyHex ?? '', 'hex'))
const byName = (name: string): Recorded => {
  const c = cookies.find((x) => x.name === name)
  if (!c) throw new Error(`no recorded cookie ${name}`)
  return c
}

/** Replaces one character of the base64url part `index` (0 payload, 1 time, 2 signature). */
function tamper(value: string, index: number): string {
  const lead = value.startsWith('.') ? '.' : ''
  const parts = value.slice(lead.length).split('.')
  const p = parts[index]
  parts[index] = (p[0] === 'A' ? 'B' : 'A') + p.slice(1)
  return lead + parts.join('.')
}

test('the recordings cover plain, compressed, str, non-ASCII and bytes keys', () => {
  expect(recorded.versions.flask).toBe('2.2.2')
  expect(cookies.filter((c) => c.compressed).length).toBeGreaterThanOrEqual(2)
  expect(cookies.filter((c) => !c.compressed).length).toBeGreaterThanOrEqual(2)
  expect(cookies.some((c) => c.keyHex)).toBe(true)
})

test.each(cookies.map((c) => [c.name, c] as const))('%s verifies with its key', (_name, c) => {
  expect(verifySessionCookie(c.value, keyOf(c))).toBe(true)
})

test.each(cookies.map((c) => [c.name, c] as const))(
  '%s is rejected with a wrong key',
  (_name, c) => {
    expect(verifySessionCookie(c.value, 'not-the-key')).toBe(false)
    const k = keyOf(c)
    if (typeof k === 'string') {
      expect(
        verifySessionCookie(c.value, k.toUpperCase() === k ? k.toLowerCase() : k.toUpperCase()),
      ).toBe(false)
      expect(verifySessionCookie(c.value, `${k} `)).toBe(false)
    }
  },
)

test.each(cookies.map((c) => [c.name, c] as const))('%s is rejected when tampered', (_name, c) => {
  const key = keyOf(c)
  expect(verifySessionCookie(tamper(c.value, 0), key)).toBe(false)
  expect(verifySessionCookie(tamper(c.value, 1), key)).toBe(false)
  expect(verifySessionCookie(tamper(c.value, 2), key)).toBe(false)
  // Adding or removing the compression mark changes what was signed.
  const flipped = c.compressed ? c.value.slice(1) : `.${c.value}`
  expect(verifySessionCookie(flipped, key)).toBe(false)
})

test('parts: compression flag, timestamp, and a payload that decodes to what Flask serialized', () => {
  for (const c of cookies) {
    const parts = parseSessionCookie(c.value)
    expect(parts?.compressed).toBe(c.compressed)
    expect(c.setCookie.startsWith(`session=${c.value};`)).toBe(true)
    const raw = Buffer.from(parts?.payload ?? '', 'base64url')
    expect((c.compressed ? inflateSync(raw) : raw).toString('utf8')).toBe(c.payload)
    // Signed within the last few years (the recording machine's clock), as whole seconds.
    expect(parts?.timestamp).toBeGreaterThan(1_600_000_000)
    expect(Number.isInteger(parts?.timestamp)).toBe(true)
  }
})

test('values that are not session cookies are rejected, not thrown on', () => {
  for (const v of ['', 'abc', 'a.b', 'a.b.c.d', '..', 'a.b.c=', '.a.b', 'eyJhIjoxfQ.awW5sQ.!!!']) {
    expect(parseSessionCookie(v)).toBeUndefined()
    expect(verifySessionCookie(v, 'dev')).toBe(false)
  }
})

test('a double-quoted cookie value is accepted', () => {
  const c = byName('small')
  expect(verifySessionCookie(`"${c.value}"`, 'dev')).toBe(true)
})

test('findSigningKey finds weak keys in the word list, and nothing for strong ones', () => {
  expect(findSigningKey(byName('small').value, WEAK_SECRET_KEYS)).toBe('dev')
  expect(findSigningKey(byName('tutorial-key').value, WEAK_SECRET_KEYS)).toBe(
    'you-will-never-guess',
  )
  expect(findSigningKey(byName('compressed-weak-key').value, WEAK_SECRET_KEYS)).toBe('changeme')
  expect(findSigningKey(byName('tagged-types').value, WEAK_SECRET_KEYS)).toBe('super secret key')
  expect(findSigningKey(byName('bytes-key-flask-docs').value, WEAK_SECRET_KEY_BYTES)).toBe(
    WEAK_SECRET_KEY_BYTES[0],
  )
  expect(findSigningKey(byName('compressed').value, WEAK_SECRET_KEYS)).toBeUndefined()
  expect(findSigningKey(byName('random-hex-key').value, WEAK_SECRET_KEYS)).toBeUndefined()
})

test('findSigningKey takes any iterable and stops at the first match', () => {
  const c = byName('unicode-key')
  let tried = 0
  function* keys(): Generator<string> {
    for (const k of ['a', 'b', 'clé-secrète-ü', 'never-reached']) {
      tried++
      yield k
    }
  }
  expect(findSigningKey(c.value, keys())).toBe('clé-secrète-ü')
  expect(tried).toBe(3)
})

test('the whole word list is tried quickly', () => {
  const started = Date.now()
  for (let i = 0; i < 10; i++) findSigningKey(byName('compressed').value, WEAK_SECRET_KEYS)
  expect(Date.now() - started).toBeLessThan(2000)
})
