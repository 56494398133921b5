/**
 * Flask session cookies in recorded responses, checked against the keys the run knows: the
 * SECRET_KEY it injected (secret.from-env) and the word list of weak keys (secret.strength).
 * Only the outcome is kept, never the cookie value.
 */
import { findSigningKey, verifySessionCookie } from './session-cookie'
import { parseSetCookie } from './set-cookie'
import type { HttpExchange, SessionCookieFacts } from './types'
import { WEAK_SECRET_KEY_BYTES, WEAK_SECRET_KEYS } from './weak-keys'

export interface SessionCookieOptions {
  /** SESSION_COOKIE_NAME: the probe's sessionCookie.name, else Flask's default 'session'. */
  cookieName: string
  /** The SECRET_KEY the action injected; absent when it injected none. */
  injectedKey?: string
}

/** Python's repr of a bytes key, so a weak bytes key is named as the code that sets it writes it. */
export function pythonBytesLiteral(bytes: Uint8Array): string {
  // Like bytes.__repr__: double quotes only when the value holds ' and no ".
  const quote = bytes.includes(39) && !bytes.includes(34) ? '"' : "'"
  const named: Record<number, string> = { 9: '\\t', 10: '\\n', 13: '\\r', 92: '\\\\' }
  let out = ''
  for (const b of bytes) {
    const c = String.fromCharCode(b)
    if (named[b]) out += named[b]
    else if (c === quote) out += `\\${c}`
    else if (b >= 0x20 && b < 0x7f) out += c
    else out += `\\x${b.toString(16).padStart(2, '0')}`
  }
  return `b${quote}${out}${quote}`
}

/** The weak key a value is signed with, by value: the same cookie often comes back many times. */
const weakKeyByValue = new Map<string, string | null>()

function weakKeyOf(value: string): string | null {
  let weak = weakKeyByValue.get(value)
  if (weak === undefined) {
    const found =
      findSigningKey(value, WEAK_SECRET_KEYS) ?? findSigningKey(value, WEAK_SECRET_KEY_BYTES)
    weak =
      found === undefined ? null : typeof found === 'string' ? found : pythonBytesLiteral(found)
    // Bounded: the cache only saves time within a run.
    if (weakKeyByValue.size > 1000) weakKeyByValue.clear()
    weakKeyByValue.set(value, weak)
  }
  return weak
}

/**
 * Every Set-Cookie named `cookieName` with a non-empty value (a deletion carries none), one
 * fact per distinct (via, request path, outcome), in the order the responses came.
 */
export function sessionCookiesFrom(
  exchanges: HttpExchange[],
  o: SessionCookieOptions,
): SessionCookieFacts[] {
  const out: SessionCookieFacts[] = []
  const seen = new Set<string>()
  for (const ex of exchanges) {
    for (const header of ex.response?.headers['set-cookie'] ?? []) {
      const cookie = parseSetCookie(header)
      if (cookie.name !== o.cookieName || cookie.value.replace(/"/g, '') === '') continue
      const fact: SessionCookieFacts = {
        via: ex.via,
        path: ex.request.path,
        name: cookie.name,
        signedWithInjected:
          o.injectedKey === undefined ? null : verifySessionCookie(cookie.value, o.injectedKey),
        weakKey: weakKeyOf(cookie.value),
      }
      const id = JSON.stringify(fact)
      if (seen.has(id)) continue
      seen.add(id)
      out.push(fact)
    }
  }
  return out
}
