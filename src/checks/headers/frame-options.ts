/** headers.frame-options: HTML responses refuse framing (X-Frame-Options or CSP frame-ancestors). */
import { headerValues } from '../lib/http'
import { judgeHeader } from '../lib/headers'
import type { Check } from '../lib/types'

/** A CSP frame-ancestors directive (any value but `*` restricts framing). */
export function frameAncestors(csp: readonly string[]): string | undefined {
  for (const policy of csp) {
    const d = policy
      .split(';')
      .map((s) => s.trim())
      .find((s) => /^frame-ancestors(\s|$)/i.test(s))
    if (d !== undefined) return d
  }
  return undefined
}

export const headersFrameOptions: Check = {
  id: 'headers.frame-options',
  title: 'Framing refused (X-Frame-Options or frame-ancestors)',
  severity: 'warning',
  needs: ['proxy', 'http'],
  passesWhen:
    'HTML responses carry `X-Frame-Options: DENY` or `SAMEORIGIN`, or a CSP `frame-ancestors`',
  run: (obs) =>
    judgeHeader(obs, {
      name: 'X-Frame-Options',
      kinds: ['html'],
      directive: 'X-Frame-Options "DENY" always',
      problem: (values, x) => {
        const ancestors = frameAncestors(headerValues(x.response, 'content-security-policy'))
        if (ancestors !== undefined && !/\s\*(\s|$)/.test(` ${ancestors} `)) return undefined
        if (values.length === 0) return 'missing'
        return values.every((v) => /^\s*(deny|sameorigin)\s*$/i.test(v))
          ? undefined
          : 'is neither DENY nor SAMEORIGIN'
      },
      appFix: 'send X-Frame-Options: DENY (or SAMEORIGIN), or a CSP with frame-ancestors',
    }),
}
