import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import type { CheckResult, Severity } from '../../src/checks/lib/types'
import type { FailOn } from '../../src/options'
import { countsText, formatMs } from '../../src/report/format'
import { blockingFailures, buildReport, verdictOf, writeReport } from '../../src/report/report'
import pkg from '../../package.json'
import { recordedReport, rejudged, withoutSkipReasons } from './recorded'
import { SAMPLE_PASSED, sampleReport } from './sample'

function failed(severity: Severity): CheckResult {
  return { id: `x.${severity}`, title: 't', status: 'failed', severity, summary: 's', evidence: [] }
}
const passed: CheckResult = {
  id: 'x.ok',
  title: 't',
  status: 'passed',
  severity: 'error',
  summary: 's',
  evidence: [],
}

test.each<[Severity | null, FailOn, 'pass' | 'fail']>([
  ['error', 'error', 'fail'],
  ['error', 'warning', 'fail'],
  ['error', 'never', 'pass'],
  ['warning', 'error', 'pass'],
  ['warning', 'warning', 'fail'],
  ['warning', 'never', 'pass'],
  ['notice', 'error', 'pass'],
  ['notice', 'warning', 'pass'],
  [null, 'warning', 'pass'],
])('a failed %s under fail-on %s gives %s', (severity, failOn, verdict) => {
  const results = severity ? [passed, failed(severity)] : [passed]
  expect(verdictOf(results, failOn)).toBe(verdict)
})

function skipped(severity: Severity, reason?: CheckResult['skip_reason']): CheckResult {
  const r: CheckResult = {
    ...failed(severity),
    status: 'skipped',
    summary: 'the probe did not answer',
  }
  if (reason) r.skip_reason = reason
  return r
}

test.each<[Severity, CheckResult['skip_reason'], FailOn, 'pass' | 'fail']>([
  ['error', 'blocked', 'error', 'fail'],
  ['error', 'blocked', 'warning', 'fail'],
  ['error', 'blocked', 'never', 'pass'],
  ['warning', 'blocked', 'warning', 'pass'],
  ['notice', 'blocked', 'warning', 'pass'],
  ['error', 'requested', 'warning', 'pass'],
  ['error', 'not-applicable', 'warning', 'pass'],
  // A report from before skip_reason: its skips never failed the verdict, and still do not.
  ['error', undefined, 'warning', 'pass'],
])('a skipped %s check (%s) under fail-on %s gives %s', (severity, reason, failOn, verdict) => {
  expect(verdictOf([passed, skipped(severity, reason)], failOn)).toBe(verdict)
})

describe('a boot failure (crash-on-boot, recorded)', () => {
  const blockedErrors = [
    'server.production-wsgi',
    'health.endpoint',
    'proxy.https-urls',
    'proxy.forwarded-headers',
    'proxy.config-valid',
    'tls.hsts',
    'cookies.secure',
    'config.debug-off',
    'secret.from-env',
    'secret.strength',
    'static.alias-traversal',
  ]

  test('fails under error and warning, passes only under never', () => {
    expect(rejudged('crash-on-boot', 'error').verdict).toBe('fail')
    expect(rejudged('crash-on-boot', 'warning').verdict).toBe('fail')
    expect(rejudged('crash-on-boot', 'never').verdict).toBe('pass')
  })

  test('fails on its blocked error checks alone, even were boot.ready only a warning', () => {
    const report = rejudged('crash-on-boot', 'error', { 'boot.ready': { severity: 'warning' } })
    expect(report.verdict).toBe('fail')
    expect(blockingFailures(report, 'error').map((c) => c.id)).toEqual(blockedErrors)
  })

  test('blockingFailures names the failure and the 11 blocked error checks, in catalog order', () => {
    const report = rejudged('crash-on-boot', 'error')
    expect(blockingFailures(report, 'error').map((c) => c.id)).toEqual([
      'boot.ready',
      ...blockedErrors,
    ])
    expect(blockingFailures(report, 'never')).toEqual([])
  })

  test('the same results without skip_reason (an older report) fail on boot.ready only', () => {
    const old = withoutSkipReasons(recordedReport('crash-on-boot'))
    expect(blockingFailures(old, 'warning').map((c) => c.id)).toEqual(['boot.ready'])
    expect(verdictOf(old.checks, 'never')).toBe('pass')
  })
})

test('the report has exactly the schema-1 fields, counts and tool version from package.json', () => {
  const report = sampleReport()
  expect(Object.keys(report)).toEqual([
    'schema',
    'tool',
    'target',
    'verdict',
    'counts',
    'checks',
    'timings_ms',
  ])
  expect(report.schema).toBe(1)
  expect(report.tool).toEqual({ name: 'flask-deploy-check', version: pkg.version })
  expect(report.target).toEqual({
    name: 'web',
    image: 'flask-deploy-check:abc123',
    context: '.',
    file: 'Dockerfile',
  })
  expect(report.verdict).toBe('fail')
  expect(report.counts).toEqual({ passed: SAMPLE_PASSED, failed: 3, skipped: 2 })
  expect(report.timings_ms).toEqual({ build: 12345, boot: 4100, checks: 8000, total: 25200 })
})

test('timings become whole non-negative milliseconds', () => {
  const r = buildReport({
    results: [],
    failOn: 'error',
    target: { name: '', image: 'i', context: '.', file: 'Dockerfile' },
    timings: { build: 1.6, boot: -3, checks: Number.NaN, total: 10 },
  })
  expect(r.timings_ms).toEqual({ build: 2, boot: 0, checks: 0, total: 10 })
  expect(r.verdict).toBe('pass')
})

test('blockingFailures lists only the failures that fail the step', () => {
  const report = sampleReport()
  expect(blockingFailures(report, 'error').map((c) => c.id)).toEqual(['tls.hsts'])
  expect(blockingFailures(report, 'warning').map((c) => c.id)).toEqual([
    'image.non-root',
    'tls.hsts',
  ])
  expect(blockingFailures(report, 'never')).toEqual([])
})

test('writeReport creates the directories and writes pretty JSON ending in a newline', async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'fdc-report-')), 'a', 'b', 'report.json')
  const report = sampleReport()
  await writeReport(report, file)
  const text = readFileSync(file, 'utf8')
  expect(text.endsWith('}\n')).toBe(true)
  expect(text).toContain('\n  "schema": 1,\n')
  expect(JSON.parse(text)).toEqual(report)
})

test('counts name the checks that could not be checked apart from the other skips', () => {
  expect(countsText(recordedReport('crash-on-boot').checks)).toBe(
    '1 failed (1 error), 21 could not be checked, 5 passed, 0 skipped',
  )
  expect(countsText(recordedReport('no-introspect').checks)).toBe('0 failed, 25 passed, 2 skipped')
  // An older report's skips are plain skips.
  expect(countsText(withoutSkipReasons(recordedReport('crash-on-boot')).checks)).toBe(
    '1 failed (1 error), 5 passed, 21 skipped',
  )
})

test('counts and durations read as a person would say them', () => {
  expect(countsText(sampleReport().checks)).toBe(
    `3 failed (1 error, 1 warning, 1 notice), ${SAMPLE_PASSED} passed, 2 skipped`,
  )
  expect(countsText([passed])).toBe('0 failed, 1 passed, 0 skipped')
  expect(countsText([failed('error'), failed('error')])).toBe(
    '2 failed (2 errors), 0 passed, 0 skipped',
  )
  expect([formatMs(850), formatMs(12_345), formatMs(125_000)]).toEqual([
    '850 ms',
    '12.3 s',
    '2 min 5 s',
  ])
})
