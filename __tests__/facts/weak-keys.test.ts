import {
  MIN_SECRET_KEY_LENGTH,
  WEAK_SECRET_KEYS,
  isWeakKey,
  weakKeyReason,
} from '../../src/facts/weak-keys'

test('the list holds the keys the tutorials and docs use, in their usual spellings', () => {
  const must = [
    'dev',
    'secret',
    'changeme',
    'change-me',
    'your-secret-key',
    'super-secret-key',
    'secret-key',
    'mysecretkey',
    'development',
    'default',
    'flask',
    'password',
    '123456',
    'you-will-never-guess',
    'hard to guess string',
    'super secret key',
    'not-so-secret',
    'my_secret_key',
    'SECRET_KEY',
    'secretkey',
    'keyboard cat',
    'abc123',
    'SuperSecretKey',
    'superSecretKey',
    'Secret Key',
    '5791628bb0b13ce0c676dfde280ba245',
    'CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET',
    'secret!',
  ]
  expect(must.filter((k) => !WEAK_SECRET_KEYS.includes(k))).toEqual([])
})

test('entries are unique, non-empty and free of surrounding whitespace', () => {
  expect(new Set(WEAK_SECRET_KEYS).size).toBe(WEAK_SECRET_KEYS.length)
  expect(WEAK_SECRET_KEYS.filter((k) => k === '' || k.trim() !== k)).toEqual([])
  expect(WEAK_SECRET_KEYS.length).toBeGreaterThan(300)
  expect(Object.isFrozen(WEAK_SECRET_KEYS)).toBe(true)
})

test.each([
  ['dev', 'a well-known default or example key'],
  ['Super.Secret-KEY', 'a well-known default or example key'],
  ['you_will_never_guess', 'a well-known default or example key'],
  [
    '192b9bdd22ab9ed4d12e236c78afcb9a393ec15f71bbf5dc987d54727823bcbf',
    'a well-known default or example key',
  ],
  ['k3Y-9x!q', 'shorter than 16 characters (8)'],
  ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'a single repeated character'],
])('weakKeyReason(%j)', (key, reason) => {
  expect(weakKeyReason(key)).toBe(reason)
  expect(isWeakKey(key)).toBe(true)
})

test('a random key of sufficient length is not weak', () => {
  expect(MIN_SECRET_KEY_LENGTH).toBe(16)
  expect(isWeakKey('c1b2f3e4d5a697887766554433221100')).toBe(false)
  expect(weakKeyReason('Qm9vdHN0cmFwLXJhbmRvbS1rZXk')).toBeUndefined()
  // Length counts characters, not UTF-16 units or bytes.
  expect(weakKeyReason('ü'.repeat(15) + 'x')).toBeUndefined()
})
