/** headers.referrer-policy: HTML responses carry a Referrer-Policy that keeps full URLs same-origin. */
import { judgeHeader } from '../lib/headers'
import type { Check } from '../lib/types'

const SAFE = ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin']

export const headersReferrerPolicy: Check = {
  id: 'headers.referrer-policy',
  title: 'Referrer-Policy that does not leak URLs',
  severity: 'notice',
  needs: ['proxy', 'http'],
  passesWhen:
    'HTML responses carry a Referrer-Policy that does not leak full URLs cross-origin (`no-referrer`, `same-origin`, `strict-origin`, `strict-origin-when-cross-origin`)',
  run: (obs) =>
    judgeHeader(obs, {
      name: 'Referrer-Policy',
      kinds: ['html'],
      directive: 'Referrer-Policy "strict-origin-when-cross-origin" always',
      // Browsers use the last policy they understand of a comma-separated list.
      problem: (values) => {
        if (values.length === 0) return 'missing'
        const last = values
          .flatMap((v) => v.split(','))
          .map((s) => s.trim().toLowerCase())
          .pop()
        return last !== undefined && SAFE.includes(last)
          ? undefined
          : `"${last}" leaks full URLs cross-origin`
      },
      appFix: 'send Referrer-Policy: strict-origin-when-cross-origin',
    }),
}
