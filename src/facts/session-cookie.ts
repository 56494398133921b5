/**
 * Verifying Flask session cookies without Python. Flask signs them with itsdangerous'
 * URLSafeTimedSerializer: salt 'cookie-session', key derivation 'hmac', digest SHA-1, and a
 * TimestampSigner, giving `[.]payload.timestamp.signature` in unpadded base64url, where a leading
 * '.' marks a zlib-compressed payload (flask/sessions.py, itsdangerous/signer.py).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

/** A Flask SECRET_KEY: a str (signed as its UTF-8 bytes) or raw bytes. */
export type SecretKey = string | Uint8Array

/** The pieces of a session cookie value; nothing here is verified. */
export interface SessionCookieParts {
  /** True when the payload is zlib-compressed (the value starts with '.'). */
  compressed: boolean
  /** base64url payload without the leading '.'. */
  payload: string
  /** When the cookie was signed, in seconds since the Unix epoch. */
  timestamp: number
  /** base64url HMAC-SHA1 over `signedPart`. */
  signature: string
  /** Everything the signature covers: `[.]payload.timestamp`. */
  signedPart: string
}

const SALT = 'cookie-session'
const B64URL = /^[A-Za-z0-9_-]+$/

/**
 * Splits a session cookie value into its parts; undefined when it does not have the
 * `[.]payload.timestamp.signature` shape. Surrounding double quotes are ignored.
 */
export function parseSessionCookie(value: string): SessionCookieParts | undefined {
  const v = value.trim().replace(/^"(.*)"$/, '$1')
  const compressed = v.startsWith('.')
  const parts = (compressed ? v.slice(1) : v).split('.')
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) return undefined
  const [payload, ts, signature] = parts
  // itsdangerous encodes the timestamp as a big-endian integer with leading zero bytes removed.
  const timestamp = [...Buffer.from(ts, 'base64url')].reduce((n, b) => n * 256 + b, 0)
  const signedPart = v.slice(0, v.length - signature.length - 1)
  return { compressed, payload, timestamp, signature, signedPart }
}

/** itsdangerous' 'hmac' key derivation: HMAC(secret_key, salt), done once per key. */
function deriveKey(key: SecretKey): Buffer {
  return createHmac('sha1', key).update(SALT).digest()
}

function signatureMatches(parts: SessionCookieParts, derived: Buffer, expected: Buffer): boolean {
  const actual = createHmac('sha1', derived).update(parts.signedPart).digest()
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

/** True when `value` is a Flask session cookie signed with `key`. */
export function verifySessionCookie(value: string, key: SecretKey): boolean {
  return findSigningKey(value, [key]) !== undefined
}

/**
 * Returns the first candidate key that signed the session cookie `value`, or undefined (also
 * for a value that is not a session cookie). Costs two HMACs per candidate, so a word list of
 * thousands of keys is checked in milliseconds.
 */
export function findSigningKey<K extends SecretKey>(
  value: string,
  candidates: Iterable<K>,
): K | undefined {
  const parts = parseSessionCookie(value)
  if (!parts) return undefined
  const expected = Buffer.from(parts.signature, 'base64url')
  for (const key of candidates) {
    if (signatureMatches(parts, deriveKey(key), expected)) return key
  }
  return undefined
}
