/**
 * The facts that used to live in two to four places each: loopback tests, Set-Cookie parsing,
 * shell words and WSGI server names. Every user imports these, so their edges are tested here.
 */
import { isLoopback, isUnspecified } from '../../src/facts/loopback'
import { cookieShape, parseSetCookie } from '../../src/facts/set-cookie'
import { argWords, plainWords, splitWords } from '../../src/facts/shell-words'
import { SERVER_NAMES, serverOfProgram, serverOfSoftware } from '../../src/facts/wsgi'

test.each([
  ['127.0.0.1', true],
  ['127.1.2.3', true],
  ['::ffff:127.0.0.1', true],
  ['::1', true],
  ['[::1]', true],
  ['LocalHost', true],
  ['0.0.0.0', false],
  ['172.17.0.2', false],
  ['128.0.0.1', false],
  ['localhost.example.com', false],
])('isLoopback(%j) is %s', (host, expected) => {
  expect(isLoopback(host)).toBe(expected)
})

test('the unspecified addresses are told apart from loopback', () => {
  expect(['0.0.0.0', '::', '[::]'].map(isUnspecified)).toEqual([true, true, true])
  expect(isUnspecified('127.0.0.1')).toBe(false)
})

test('a Set-Cookie header gives name, value and lower-cased attributes; evidence hides the value', () => {
  const header = 'session=eyJ4IjoxfQ.Zx.sig; Secure; HttpOnly; SameSite=Lax; Path=/'
  const c = parseSetCookie(header)
  expect(c.name).toBe('session')
  expect(c.value).toBe('eyJ4IjoxfQ.Zx.sig')
  expect([...c.attributes]).toEqual([
    ['secure', ''],
    ['httponly', ''],
    ['samesite', 'Lax'],
    ['path', '/'],
  ])
  expect(cookieShape(header)).toBe('session=…; Secure; HttpOnly; SameSite=Lax; Path=/')
  expect(parseSetCookie('novalue')).toMatchObject({ name: 'novalue', value: '' })
})

test('shell words: quotes and backslashes as /bin/sh reads them', () => {
  expect(splitWords(`gunicorn -b "0.0.0.0:\${PORT}" 'app:create_app()' a\\ b`)).toEqual([
    'gunicorn',
    '-b',
    '0.0.0.0:${PORT}',
    'app:create_app()',
    'a b',
  ])
  expect(splitWords('cd /app && gunicorn app:app')).toEqual([
    'cd',
    '/app',
    '&&',
    'gunicorn',
    'app:app',
  ])
  expect(plainWords(`gunicorn -b "0.0.0.0:80" 'app:create_app()'`)).toEqual([
    'gunicorn',
    '-b',
    '0.0.0.0:80',
    'app:create_app()',
  ])
  for (const shell of [
    'cd /app && gunicorn app:app',
    'gunicorn -b :$PORT app:app',
    'gunicorn "a',
    '',
  ])
    expect(plainWords(shell)).toBeUndefined()
  expect(argWords('  /usr/bin/python3  /usr/bin/gunicorn -w 2 ')).toEqual([
    '/usr/bin/python3',
    '/usr/bin/gunicorn',
    '-w',
    '2',
  ])
})

test('servers by program and by the software they announce', () => {
  expect(serverOfProgram('/usr/local/bin/gunicorn', [])).toBe('gunicorn')
  expect(serverOfProgram('waitress-serve', [])).toBe('waitress')
  expect(serverOfProgram('uwsgi', [])).toBe('uwsgi')
  expect(serverOfProgram('flask', ['--app', 'x', 'run'])).toBe('werkzeug')
  expect(serverOfProgram('flask', ['routes'])).toBeUndefined()
  expect(serverOfSoftware('Werkzeug/3.0.1 Python/3.12.3')).toBe('werkzeug')
  expect(serverOfSoftware('gunicorn')).toBe('gunicorn')
  expect(serverOfSoftware('waitress')).toBe('waitress')
  expect(serverOfSoftware('nginx/1.25')).toBeUndefined()
  expect(SERVER_NAMES.uwsgi).toBe('uWSGI')
})
