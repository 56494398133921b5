/**
 * headers.csp: HTML responses carry a Content-Security-Policy whose script-src (else default-src)
 * allows no inline or eval'd script and no scheme-wide source.
 */
import { judgeHeader } from '../lib/headers'
import type { Check } from '../lib/types'

const WEAK = ["'unsafe-inline'", "'unsafe-eval'", 'https:', 'http:', '*', 'data:']

/** The sources of a directive of one policy, or undefined when the policy lacks it. */
function sources(policy: string, name: string): string[] | undefined {
  const d = policy
    .split(';')
    .map((s) => s.trim().split(/\s+/))
    .find((words) => words[0]?.toLowerCase() === name)
  return d?.slice(1).map((s) => s.toLowerCase())
}

/** What lets script in, for one policy: the weak sources of script-src (else default-src). */
export function scriptProblem(policy: string): string | undefined {
  const name = sources(policy, 'script-src') ? 'script-src' : 'default-src'
  const list = sources(policy, name)
  if (list === undefined) return 'has neither script-src nor default-src'
  // A nonce or hash makes browsers ignore 'unsafe-inline' (CSP level 2).
  const hashed = list.some((s) => /^'(nonce|sha256|sha384|sha512)-/.test(s))
  const weak = list.filter((s) => WEAK.includes(s) && !(hashed && s === "'unsafe-inline'"))
  return weak.length ? `allows ${weak.join(' ')} in ${name}` : undefined
}

export const headersCsp: Check = {
  id: 'headers.csp',
  title: 'Content-Security-Policy without unsafe script sources',
  severity: 'notice',
  needs: ['proxy', 'http'],
  passesWhen:
    "HTML responses carry a Content-Security-Policy whose script-src (or default-src) has no `'unsafe-inline'` / `'unsafe-eval'` and no scheme-wide source (`https:`, `*`)",
  run: (obs) =>
    judgeHeader(obs, {
      name: 'Content-Security-Policy',
      kinds: ['html'],
      directive: `Content-Security-Policy "default-src 'self'; frame-ancestors 'none'" always`,
      // Several policies all apply: one strict policy is enough to block inline script.
      problem: (values) => {
        if (values.length === 0) return 'missing'
        const problems = values.map(scriptProblem)
        return problems.some((p) => p === undefined) ? undefined : problems[0]
      },
      appFix:
        "drop 'unsafe-inline' / 'unsafe-eval' and scheme-wide sources from script-src: move inline script to files, or use nonces (Flask-Talisman content_security_policy_nonce_in)",
    }),
}
