/**
 * Known weak Flask SECRET_KEY values, for two uses: trying each against a session cookie's
 * signature (secret.strength, black-box), and judging a key whose value is known.
 */
import { WEAK_KEY_BYTES, WEAK_KEY_PHRASES, WEAK_KEY_VERBATIM } from './weak-secret-keys'

const SEPARATORS = [' ', '-', '_', '']

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}

/** 'secret key' -> secret-key, SECRET_KEY, Secret key, Secret-Key, SecretKey, secretKey, ... */
function variants(phrase: string): string[] {
  const words = phrase.split(' ')
  const out: string[] = []
  for (const sep of SEPARATORS) {
    const lower = words.join(sep)
    out.push(lower, lower.toUpperCase(), capitalize(lower), words.map(capitalize).join(sep))
  }
  out.push(words[0] + words.slice(1).map(capitalize).join(''))
  return out
}

/**
 * Every candidate key, exact strings first: the verbatim list, then the phrases with their case
 * and separator variants, without duplicates. Signature checks try each of them as written.
 */
export const WEAK_SECRET_KEYS: readonly string[] = Object.freeze([
  ...new Set([...WEAK_KEY_VERBATIM, ...WEAK_KEY_PHRASES.flatMap(variants)]),
])

/** Known keys that are raw bytes (not valid UTF-8), for signature checks that accept bytes. */
export const WEAK_SECRET_KEY_BYTES: readonly Uint8Array[] = WEAK_KEY_BYTES

/** Ignores case and the separators people vary (space, '-', '_', '.'). */
function normalize(key: string): string {
  return key.toLowerCase().replace(/[\s_.-]+/g, '')
}

const NORMALIZED = new Set(WEAK_SECRET_KEYS.map(normalize))

/** Shorter keys are guessable or hint at a hand-typed word; 16 = `secrets.token_hex(8)`. */
export const MIN_SECRET_KEY_LENGTH = 16

/**
 * Why a known key value is weak, or undefined when it is not: it is a listed key (ignoring case
 * and separators), shorter than MIN_SECRET_KEY_LENGTH characters, or one repeated character.
 */
export function weakKeyReason(key: string): string | undefined {
  const chars = [...key]
  if (NORMALIZED.has(normalize(key))) return 'a well-known default or example key'
  if (chars.length < MIN_SECRET_KEY_LENGTH) {
    return `shorter than ${MIN_SECRET_KEY_LENGTH} characters (${chars.length})`
  }
  if (new Set(chars).size === 1) return 'a single repeated character'
  return undefined
}

/** True when `weakKeyReason` finds a reason. */
export function isWeakKey(key: string): boolean {
  return weakKeyReason(key) !== undefined
}
