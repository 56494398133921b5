/** Exceptions on recorded results: a level, `off`, and expiry against a `now` passed in. */
import { applyPolicy } from '../../src/policy/apply'
import { parsePolicy } from '../../src/policy/load'
import { verdictOf, type ReportCheck } from '../../src/report/report'
import { recordedReport } from '../report/recorded'

const results = recordedReport('invalid-nginx').checks
const policy = (until: string): ReturnType<typeof parsePolicy> =>
  parsePolicy(
    `checks:\n  proxy.config-valid: {level: warning, reason: "fixed in #12", until: ${until}}\n` +
      '  image.non-root: {level: "off", reason: base image fixed upstream}\n',
    '.flask-deploy-check.yml',
  )
const byId = (rs: ReportCheck[], id: string): ReportCheck | undefined => rs.find((r) => r.id === id)

test('before and on its until day an exception holds; the day after it lapses', () => {
  for (const [now, expired] of [
    ['2026-06-30T23:59:59Z', false],
    ['2026-06-30T00:00:00Z', false],
    ['2026-07-01T00:00:00Z', true],
  ] as const) {
    const r = byId(applyPolicy(results, policy('2026-06-30'), new Date(now)), 'proxy.config-valid')
    expect({ now, severity: r?.severity, exception: r?.policy?.exception }).toEqual({
      now,
      severity: expired ? 'error' : 'warning',
      exception: {
        level: 'warning',
        reason: 'fixed in #12',
        until: '2026-06-30',
        expired,
        original_severity: 'error',
      },
    })
  }
})

test('off skips the check on request, with the reason as its summary', () => {
  const r = byId(
    applyPolicy(results, policy('2099-01-01'), new Date('2026-12-01')),
    'image.non-root',
  )
  expect(r).toMatchObject({
    status: 'skipped',
    skip_reason: 'requested',
    summary: 'off by policy (.flask-deploy-check.yml): base image fixed upstream',
    evidence: [],
  })
})

test('an excused failure no longer fails the verdict; its blocked error checks still do', () => {
  const now = new Date('2026-12-01T12:00:00Z')
  const applied = applyPolicy(results, policy('2099-01-01'), now)
  const onlyFailure = applied.filter((r) => r.id === 'proxy.config-valid')
  expect(verdictOf(onlyFailure, 'error')).toBe('pass')
  expect(verdictOf(applied, 'error')).toBe('fail')
  expect(
    verdictOf(
      applyPolicy(results, policy('2020-01-01'), now).filter((r) => r.id === 'proxy.config-valid'),
      'error',
    ),
  ).toBe('fail')
})

test('without a policy the results are unchanged', () => {
  expect(applyPolicy(results, undefined, new Date())).toEqual(results)
})
