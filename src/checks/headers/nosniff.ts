/** headers.nosniff: HTML and static responses carry X-Content-Type-Options: nosniff. */
import { judgeHeader } from '../lib/headers'
import type { Check } from '../lib/types'

export const headersNosniff: Check = {
  id: 'headers.nosniff',
  title: 'X-Content-Type-Options: nosniff',
  severity: 'warning',
  needs: ['proxy', 'http'],
  passesWhen: 'HTML and static responses through the proxy carry `X-Content-Type-Options: nosniff`',
  run: (obs) =>
    judgeHeader(obs, {
      name: 'X-Content-Type-Options',
      kinds: ['html', 'static'],
      directive: 'X-Content-Type-Options "nosniff" always',
      problem: (values) =>
        values.length === 0
          ? 'missing'
          : values.every((v) => v.trim().toLowerCase() === 'nosniff')
            ? undefined
            : 'is not "nosniff"',
      appFix: 'send X-Content-Type-Options: nosniff (the only valid value)',
    }),
}
