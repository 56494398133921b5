import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import type { CheckResult, Severity } from '../../src/checks/lib/types'
import type { FailOn } from '../../src/options'
import { countsText, formatMs } from '../../src/report/format'
import { blockingFailures, buildReport, verdictOf, writeReport } from '../../src/report/report'
import pkg from '../../package.json'
import { sampleReport } from './sample'

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

test('a skipped or passed error check never fails the verdict', () => {
  expect(verdictOf([{ ...passed, status: 'skipped' }, passed], 'warning')).toBe('pass')
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
  expect(report.counts).toEqual({ passed: 30, failed: 3, skipped: 2 })
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

test('counts and durations read as a person would say them', () => {
  expect(countsText(sampleReport().checks)).toBe(
    '3 failed (1 error, 1 warning, 1 notice), 30 passed, 2 skipped',
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
