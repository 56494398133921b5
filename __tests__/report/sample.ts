/** A report as a run against a misconfigured app would produce, with hostile app-controlled text. */
import { CATALOG } from '../../src/checks/catalog'
import type { CheckResult } from '../../src/checks/lib/types'
import { buildReport, type Report } from '../../src/report/report'

export const HOSTILE = {
  img: '<img src=x onerror=alert(1)>',
  mention: '@org/team',
  link: '[x](javascript:alert(1))',
  image: '![i](http://x/y.png)',
}

const overrides: Record<string, Partial<CheckResult>> = {
  'tls.hsts': {
    status: 'failed',
    summary: `/login has no Strict-Transport-Security header ${HOSTILE.img}`,
    evidence: ['GET https://example.com/login -> 200', 'no Strict-Transport-Security header'],
    fix: 'add `add_header Strict-Transport-Security "max-age=31536000" always;` in that location',
    location: { file: 'deploy/nginx.conf', line: 12 },
  },
  'image.non-root': {
    status: 'failed',
    summary: `server runs as uid 0, ping ${HOSTILE.mention}`,
    evidence: ['Config.User is empty', `log: ${HOSTILE.link} ${HOSTILE.image}`],
    fix: 'add `USER app` after installing dependencies',
    location: { file: 'Dockerfile', line: 9 },
  },
  'health.no-session': {
    status: 'failed',
    summary: '/healthz sets a session cookie',
    evidence: ['Set-Cookie: session=abc; HttpOnly'],
    fix: 'do not touch the session in the health view',
  },
  // As introspect: false and skip-checks make them (__tests__/data/reports/no-introspect.json).
  'proxy.client-ip': { status: 'skipped', summary: 'introspect is off', skip_reason: 'requested' },
  'proxy.rate-limit': {
    status: 'skipped',
    summary: 'skipped by skip-checks',
    skip_reason: 'requested',
  },
}

/** How many of the sample's checks pass: all but its 3 failures and 2 skips. */
export const SAMPLE_PASSED = CATALOG.length - 5

/** Every catalog check, passed unless overridden. */
export function sampleResults(extra: Record<string, Partial<CheckResult>> = {}): CheckResult[] {
  return CATALOG.map((c) => ({
    id: c.id,
    title: c.title,
    severity: c.severity,
    status: 'passed' as const,
    summary: 'ok',
    evidence: [],
    ...overrides[c.id],
    ...extra[c.id],
  }))
}

export function sampleReport(extra: Record<string, Partial<CheckResult>> = {}): Report {
  return buildReport({
    results: sampleResults(extra),
    failOn: 'error',
    target: { name: 'web', image: 'flask-deploy-check:abc123', context: '.', file: 'Dockerfile' },
    timings: { build: 12_345, boot: 4_100, checks: 8_000, total: 25_200 },
  })
}
