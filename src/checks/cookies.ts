/**
 * cookies.secure: every cookie set over HTTPS carries Secure; the session cookie also HttpOnly
 * and SameSite=Lax or Strict. Cookie values never reach the evidence.
 */
import { cookieShape, parseSetCookie, type SetCookie } from '../facts/set-cookie'
import type { HttpExchange, Observations, ProbeAnswer } from '../facts/types'
import { headerValues, httpsExchanges, nginxError, requestLine } from './lib/http'
import { probeAnswers } from './lib/probe'
import { clip, plural } from './lib/text'
import type { Check, CheckOutcome } from './lib/types'

interface Seen {
  x: HttpExchange
  header: string
  cookie: SetCookie
  missing: string[]
}

function sessionName(obs: Observations): string {
  return probeAnswers(obs)[0]?.sessionCookie.name ?? 'session'
}

/** What a cookie lacks: Secure always; for the session cookie also HttpOnly and SameSite. */
function lacks(cookie: SetCookie, session: boolean): string[] {
  const out: string[] = []
  if (!cookie.attributes.has('secure')) out.push('Secure')
  if (!session) return out
  if (!cookie.attributes.has('httponly')) out.push('HttpOnly')
  const sameSite = (cookie.attributes.get('samesite') ?? '').toLowerCase()
  if (sameSite !== 'lax' && sameSite !== 'strict') {
    out.push(
      sameSite
        ? `SameSite=Lax (it has SameSite=${cookie.attributes.get('samesite')})`
        : 'SameSite=Lax',
    )
  }
  return out
}

function settingsLine(a: ProbeAnswer): string {
  const c = a.sessionCookie
  return `the app's settings: SESSION_COOKIE_SECURE=${c.secure ? 'True' : 'False'}, SESSION_COOKIE_HTTPONLY=${c.httponly ? 'True' : 'False'}, SESSION_COOKIE_SAMESITE=${c.samesite === null ? 'None' : `'${c.samesite}'`}`
}

/** Session cookie settings that fall short: the attribute and the setting that adds it. */
function settingsGaps(a: ProbeAnswer): { attribute: string; setting: string }[] {
  const c = a.sessionCookie
  const sameSite = (c.samesite ?? '').toLowerCase()
  return [
    ...(c.secure ? [] : [{ attribute: 'Secure', setting: 'SESSION_COOKIE_SECURE=True' }]),
    ...(c.httponly ? [] : [{ attribute: 'HttpOnly', setting: 'SESSION_COOKIE_HTTPONLY=True' }]),
    ...(sameSite === 'lax' || sameSite === 'strict'
      ? []
      : [{ attribute: 'SameSite', setting: "SESSION_COOKIE_SAMESITE='Lax'" }]),
  ]
}

const SESSION_FIX =
  "app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE='Lax')"

/** cookies.secure. */
function judge(obs: Observations): CheckOutcome {
  const session = sessionName(obs)
  // nginx's own gateway errors never came from the app: they show nothing of its cookies.
  const responses = httpsExchanges(obs).filter((x) => !nginxError(x))
  const seen: Seen[] = responses.flatMap((x) =>
    headerValues(x.response, 'set-cookie').map((header) => {
      const cookie = parseSetCookie(header)
      return { x, header, cookie, missing: lacks(cookie, cookie.name === session) }
    }),
  )
  const answer = probeAnswers(obs)[0]
  const settings = answer ? [settingsLine(answer)] : []
  const bad = seen.filter((s) => s.missing.length > 0)
  const line = (s: Seen): string =>
    clip(`${requestLine(s.x)}: Set-Cookie: ${cookieShape(s.header)}`, 200)
  if (bad.length > 0) {
    const first = bad[0]
    const sessionBad = bad.some((s) => s.cookie.name === session)
    const others = bad.filter((s) => s.cookie.name !== session)
    const fixes = [
      ...(sessionBad ? [SESSION_FIX] : []),
      ...(others.length
        ? [
            `set_cookie(..., secure=True) for ${[...new Set(others.map((s) => s.cookie.name))].join(', ')}`,
          ]
        : []),
    ]
    return {
      status: 'failed',
      summary: `the ${first.cookie.name === session ? 'session ' : ''}cookie ${first.cookie.name} is set over HTTPS without ${first.missing.join(', ')}`,
      evidence: [
        ...bad.slice(0, 6).map((s) => `${line(s)} (lacks ${s.missing.join(', ')})`),
        ...settings,
      ],
      fix: fixes.join('; '),
    }
  }
  const gaps = answer ? settingsGaps(answer) : []
  if (seen.length === 0 && gaps.length > 0) {
    return {
      status: 'failed',
      severity: 'warning',
      summary: `no response set a cookie, but the session cookie would go out without ${gaps.map((g) => g.attribute).join(', ')}`,
      evidence: [`no Set-Cookie in ${plural(responses.length, 'HTTPS response')}`, ...settings],
      fix: `app.config.update(${gaps.map((g) => g.setting).join(', ')})`,
    }
  }
  if (seen.length === 0) {
    return {
      status: 'passed',
      summary: `no cookie was set in ${plural(responses.length, 'HTTPS response')}`,
      evidence: settings,
    }
  }
  const names = [...new Set(seen.map((s) => s.cookie.name))]
  return {
    status: 'passed',
    summary: `every cookie set over HTTPS is Secure (${names.join(', ')}); the session cookie also HttpOnly and SameSite`,
    evidence: [...new Set(seen.map(line))].slice(0, 4).concat(settings),
  }
}

export const cookiesSecure: Check = {
  id: 'cookies.secure',
  title: 'Cookies are Secure (session also HttpOnly, SameSite)',
  severity: 'error',
  needs: ['proxy', 'http'],
  needsProxiedApp: true,
  passesWhen: 'every cookie over HTTPS is Secure; the session cookie also HttpOnly and SameSite',
  run: judge,
}
