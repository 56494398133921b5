import { pythonBytesLiteral, sessionCookiesFrom } from '../../src/facts/session-cookies'
import { parseSetCookie } from '../../src/facts/set-cookie'
import type { HttpExchange } from '../../src/facts/types'
import recorded from '../data/cookies.json'

/** Set-Cookie headers written by real Flask 2.2 (see __tests__/data/make_cookies.py). */
const setCookie = (name: string): string => {
  const c = recorded.cookies.find((x) => x.name === name)
  if (!c) throw new Error(`no recorded cookie ${name}`)
  return c.setCookie
}

function exchange(
  path: string,
  setCookies: string[],
  via: HttpExchange['via'] = 'proxy',
): HttpExchange {
  return {
    via,
    purpose: 'route',
    request: { method: 'GET', path, headers: {} },
    response: {
      status: 200,
      headers: setCookies.length > 0 ? { 'set-cookie': setCookies } : {},
      body: '',
      bodyTruncated: false,
      ms: 1,
    },
  }
}

test('a cookie signed with the injected key', () => {
  const facts = sessionCookiesFrom([exchange('/', [setCookie('compressed')])], {
    cookieName: 'session',
    injectedKey: 's3cr3t-production-key-0123456789abcdef',
  })
  expect(facts).toEqual([
    { via: 'proxy', path: '/', name: 'session', signedWithInjected: true, weakKey: null },
  ])
})

test('weak keys are found in the word list, str and bytes; the injected key does not match', () => {
  const facts = sessionCookiesFrom(
    [
      exchange('/', [setCookie('small')]),
      exchange('/cart', [setCookie('compressed-weak-key')], 'app'),
      exchange('/docs/', [setCookie('bytes-key-flask-docs')]),
    ],
    { cookieName: 'session', injectedKey: 'injected-0123456789' },
  )
  expect(facts.map((f) => [f.via, f.path, f.signedWithInjected, f.weakKey])).toEqual([
    ['proxy', '/', false, 'dev'],
    ['app', '/cart', false, 'changeme'],
    ['proxy', '/docs/', false, `b'_5#y2L"F4Q8z\\n\\xec]/'`],
  ])
})

test('without an injected key signedWithInjected is null', () => {
  const [fact] = sessionCookiesFrom([exchange('/', [setCookie('random-hex-key')])], {
    cookieName: 'session',
  })
  expect(fact).toMatchObject({ signedWithInjected: null, weakKey: null })
})

test('other cookies, deletions and responses without cookies are ignored; repeats deduplicated', () => {
  const value = setCookie('small')
  const facts = sessionCookiesFrom(
    [
      exchange('/', [value, 'csrftoken=abc; Path=/']),
      exchange('/', [value]),
      exchange('/logout', ['session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/']),
      exchange('/healthz', []),
      {
        via: 'proxy',
        purpose: 'route',
        request: { method: 'GET', path: '/x', headers: {} },
        error: 'ECONNRESET',
      },
    ],
    { cookieName: 'session' },
  )
  expect(facts).toEqual([
    { via: 'proxy', path: '/', name: 'session', signedWithInjected: null, weakKey: 'dev' },
  ])
})

test('SESSION_COOKIE_NAME is honoured', () => {
  const renamed = setCookie('small').replace(/^session=/, 'myapp_session=')
  expect(sessionCookiesFrom([exchange('/', [renamed])], { cookieName: 'session' })).toEqual([])
  expect(
    sessionCookiesFrom([exchange('/', [renamed])], { cookieName: 'myapp_session' })[0],
  ).toMatchObject({ name: 'myapp_session', weakKey: 'dev' })
})

test('Set-Cookie parsing and the bytes repr', () => {
  expect(parseSetCookie('a=b=c; Path=/')).toMatchObject({ name: 'a', value: 'b=c' })
  // A header without `name=` names no session cookie, whatever its text.
  expect(sessionCookiesFrom([exchange('/', ['novalue'])], { cookieName: 'novalue' })).toEqual([])
  expect(pythonBytesLiteral(Uint8Array.from([0x27, 0x00, 0x5c, 0x41]))).toBe(`b"'\\x00\\\\A"`)
  expect(pythonBytesLiteral(Uint8Array.from([0x27, 0x22]))).toBe(`b'\\'"'`)
})
