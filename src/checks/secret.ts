/**
 * Checks on the app's SECRET_KEY: secret.from-env, secret.strength. They read comparisons the
 * runtime made (the probe's digests, session cookie signatures); no key value is ever observed,
 * except entries of the public word list of weak keys, which may be named.
 */
import type { Observations, SessionCookieFacts } from '../facts/types'
import { present } from './lib/parts'
import { probeAnswers, probeSkip } from './lib/probe'
import { clip, firstError, lastLines, plural } from './lib/text'
import type { Check, CheckOutcome } from './lib/types'

const FROM_ENV = "app.config['SECRET_KEY'] = os.environ['SECRET_KEY']"

function cookieLine(c: SessionCookieFacts, against: string): string {
  const verdict = c.signedWithInjected ? 'verifies' : 'does not verify'
  const weak = c.weakKey !== null ? `; it verifies with the known weak key '${c.weakKey}'` : ''
  return clip(
    `session cookie ${c.name} from ${c.path} (${c.via}) ${verdict} against ${against}${weak}`,
  )
}

/**
 * Not applicable when the app signs nothing: the probe found app.secret_key unset in every
 * answer and no response carried a session cookie. Flask's session interface and the
 * itsdangerous-based extensions refuse to sign without a key, so nothing the app sends can
 * depend on one; an app that does read SECRET_KEY from its environment is judged as usual.
 */
function signsNothing(obs: Observations): CheckOutcome | undefined {
  const answers = probeAnswers(obs)
  const cookies = present(obs.sessionCookies)
  if (answers.length === 0 || cookies === undefined || cookies.length > 0) return undefined
  if (answers.some((a) => a.secretKey.set)) return undefined
  return {
    status: 'skipped',
    summary:
      'the app signs nothing: its SECRET_KEY is unset (the probe) and no response set a session cookie',
    evidence: [`${plural(answers.length, 'probe answer')}: app.secret_key is unset`],
    skipReason: 'not-applicable',
  }
}

/** secret.from-env: the app signs with the SECRET_KEY from its environment. */
function judgeFromEnv(obs: Observations): CheckOutcome {
  const unused = signsNothing(obs)
  if (unused) return unused
  const userKey = !obs.run.secretInjected
  if (userKey && !obs.run.envNames.includes('SECRET_KEY')) {
    return {
      status: 'skipped',
      summary: 'no SECRET_KEY was injected or given in `env` to compare with',
    }
  }
  const against = userKey ? 'the SECRET_KEY given in `env`' : 'the SECRET_KEY the action injected'
  const answers = probeAnswers(obs)
  const key = (answers.find((a) => a.secretKey.matchesInjected !== null) ?? answers[0])?.secretKey
  const cookies = (present(obs.sessionCookies) ?? []).filter((c) => c.signedWithInjected !== null)
  const evidence = [
    ...(userKey
      ? ['SECRET_KEY came from the `env` input: the comparison is against your value']
      : []),
    ...(key
      ? [
          `the probe: SECRET_KEY ${key.set ? `set (${plural(key.length, 'character')})` : 'not set'}${key.matchesInjected === null ? '' : key.matchesInjected ? `, equal to ${against}` : `, different from ${against}`} (digests compared)`,
        ]
      : []),
    ...cookies.slice(0, 3).map((c) => cookieLine(c, against)),
  ]
  const byCookies = cookies.length ? cookies.every((c) => c.signedWithInjected) : null
  const verdict = key?.matchesInjected ?? byCookies
  const fix = `read the key from the environment: ${FROM_ENV} (no hard-coded key, no fallback)`
  if (key !== undefined && !key.set) {
    return {
      status: 'failed',
      summary: 'the app has no SECRET_KEY, though SECRET_KEY is in its environment',
      evidence,
      fix,
    }
  }
  if (verdict === null) {
    const skipReason = probeSkip(obs)
    return {
      status: 'skipped',
      summary:
        'no session cookie was set and the probe did not compare keys: nothing shows which key the app uses',
      evidence,
      ...(skipReason ? { skipReason } : {}),
    }
  }
  if (!verdict) {
    return {
      status: 'failed',
      summary: 'the app uses a key of its own, not the SECRET_KEY from the environment',
      evidence,
      fix,
    }
  }
  const how =
    key?.matchesInjected === true
      ? 'the probe compared digests'
      : `${plural(cookies.length, 'session cookie')} verified (itsdangerous, HMAC-SHA1, salt cookie-session)`
  return { status: 'passed', summary: `the app signs with ${against} (${how})`, evidence }
}

interface Part {
  /** undefined: this part could not be decided. */
  ok?: boolean
  line: string
  /** Supporting lines after the part's own line. */
  more?: string[]
  fix?: string
}

const NEW_KEY =
  "generate a key (python -c 'import secrets; print(secrets.token_hex(32))'), pass it as SECRET_KEY in the environment, and remove any key written in the code"

/** The key the app runs with. */
function inUse(obs: Observations): Part {
  const key = probeAnswers(obs)[0]?.secretKey
  const cookies = present(obs.sessionCookies) ?? []
  const weakCookie = cookies.find((c) => c.weakKey !== null)
  if (key?.set && key.weak !== null) {
    return { ok: false, line: `SECRET_KEY is the known weak key '${key.weak}'`, fix: NEW_KEY }
  }
  if (key?.set && key.length < 16) {
    return {
      ok: false,
      line: `SECRET_KEY is only ${plural(key.length, 'character')} long`,
      fix: NEW_KEY,
    }
  }
  if (weakCookie) {
    return {
      ok: false,
      line: `session cookies are signed with the known weak key '${weakCookie.weakKey}' (${weakCookie.path})`,
      fix: NEW_KEY,
    }
  }
  if (key?.set) {
    return {
      ok: true,
      line: `the key in use (${plural(key.length, 'character')}) is no known weak key`,
    }
  }
  if (cookies.length) {
    return { ok: true, line: `${plural(cookies.length, 'session cookie')} match no known weak key` }
  }
  return {
    line: 'the key in use is unknown: the probe did not answer and no session cookie was set',
  }
}

/** What the app does when SECRET_KEY is unset (the second boot). */
function withoutKey(obs: Observations): Part {
  const sb = present(obs.secondBoot)
  const fallbackFix = `drop the fallback: ${FROM_ENV} (failing at start without it is right)`
  if (sb === undefined) return { line: 'no second boot without SECRET_KEY was made' }
  if (!sb.ready) {
    const cause = firstError(sb.logTail) ?? lastLines(sb.logTail, 1)[0]
    const how = sb.exited ? ` (exit ${sb.exited.exitCode})` : ''
    return {
      ok: true,
      line: `refuses to start without SECRET_KEY${how}`,
      more: cause ? [`second boot: ${clip(cause, 160)}`] : [],
    }
  }
  const weak = sb.secretKey?.weak ?? sb.sessionCookies.find((c) => c.weakKey !== null)?.weakKey
  if (weak) {
    return {
      ok: false,
      line: `falls back to a weak key when SECRET_KEY is unset ('${weak}')`,
      fix: fallbackFix,
    }
  }
  const key = sb.secretKey
  if (key?.set && key.length < 16) {
    return {
      ok: false,
      line: `falls back to a ${plural(key.length, 'character')} key when SECRET_KEY is unset`,
      fix: fallbackFix,
    }
  }
  if (key?.set === false) {
    return {
      ok: true,
      line: 'starts without SECRET_KEY but with no key at all: sessions fail rather than use a weak key',
    }
  }
  if (key?.set || sb.sessionCookies.length) {
    return { ok: true, line: 'starts without SECRET_KEY, with a key that is no known weak key' }
  }
  return {
    line: 'started without SECRET_KEY; neither the probe nor a session cookie showed its key',
  }
}

/** secret.strength: the key is not weak, and there is no weak fallback when SECRET_KEY is unset. */
function judgeStrength(obs: Observations): CheckOutcome {
  const unused = signsNothing(obs)
  if (unused) return unused
  const parts = [inUse(obs), withoutKey(obs)]
  const failed = parts.filter((p) => p.ok === false)
  const evidence = parts.flatMap((p) => [p.line, ...(p.more ?? [])])
  if (failed.length > 0) {
    return {
      status: 'failed',
      summary: clip(failed.map((p) => p.line).join('; '), 240),
      evidence,
      fix: failed.map((p) => p.fix).join('; '),
    }
  }
  if (parts.every((p) => p.ok === undefined)) {
    // Undecided with a second boot made: only the probe, turned off, could have shown the keys.
    const skipReason = present(obs.secondBoot) ? probeSkip(obs) : undefined
    return {
      status: 'skipped',
      summary: parts.map((p) => p.line).join('; '),
      ...(skipReason ? { skipReason } : {}),
    }
  }
  return {
    status: 'passed',
    summary: clip(
      parts
        .filter((p) => p.ok)
        .map((p) => p.line)
        .join('; '),
      240,
    ),
    evidence,
  }
}

export const secretFromEnv: Check = {
  id: 'secret.from-env',
  title: 'SECRET_KEY comes from the environment',
  severity: 'error',
  needs: ['http'],
  passesWhen:
    "session cookies verify against the SECRET_KEY in the app's environment, or the probe finds the app's key equal to it (digests compared, never values); not applicable when the app signs nothing (the probe finds no key set and no response set a session cookie)",
  run: judgeFromEnv,
}

export const secretStrength: Check = {
  id: 'secret.strength',
  title: 'SECRET_KEY is not weak and has no weak fallback',
  severity: 'error',
  needs: ['http'],
  passesWhen: 'SECRET_KEY is not a known weak key, and there is no weak fallback',
  run: judgeStrength,
}
