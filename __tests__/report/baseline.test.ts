/** The baseline comparison on recorded reports, and a baseline read leniently. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { compareBaseline } from '../../src/report/baseline'
import { readBaseline } from '../../src/report/read'
import { buildReport, type Report } from '../../src/report/report'
import { recordedReport, type RecordedReport } from './recorded'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-baseline-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
const fileOf = (name: string, value: unknown): string => {
  const f = path.join(dir, `${name}.json`)
  fs.writeFileSync(f, typeof value === 'string' ? value : JSON.stringify(value))
  return f
}

async function compared(
  now: RecordedReport,
  baseline: unknown,
  failOnNewOnly = false,
): Promise<Report> {
  const current = recordedReport(now)
  const read = await readBaseline(fileOf('base', baseline), 'base.json')
  const { checks, summary } = compareBaseline(current.checks, read, {
    file: 'base.json',
    failOnNewOnly,
  })
  return buildReport({
    ...current,
    results: checks,
    failOn: 'error',
    baseline: summary,
    timings: current.timings_ms,
  })
}

test('a broken nginx config against a passing base: the failure and the newly blocked error checks are new', async () => {
  const r = await compared('invalid-nginx', recordedReport('no-introspect'), true)
  expect(r.baseline).toMatchObject({
    new_failures: [
      'proxy.https-urls',
      'proxy.forwarded-headers',
      'proxy.config-valid',
      'tls.hsts',
      'cookies.secure',
      'static.alias-traversal',
    ],
    fixed: [],
    still_failing: [],
    notes: [],
  })
  expect(r.verdict).toBe('fail')
})

test('the fix against the broken base: fixed, and nothing new', async () => {
  const r = await compared('no-introspect', recordedReport('invalid-nginx'), true)
  expect(r.baseline?.new_failures).toEqual([])
  expect(r.baseline?.fixed).toEqual([
    'proxy.https-urls',
    'proxy.forwarded-headers',
    'proxy.config-valid',
    'tls.hsts',
    'cookies.secure',
    'static.alias-traversal',
  ])
  expect(r.baseline?.notes).toEqual([])
  expect(r.verdict).toBe('pass')
})

test('the same failure in both: still failing, which fail-on-new-only lets through', async () => {
  const strict = await compared('invalid-nginx', recordedReport('invalid-nginx'))
  const newOnly = await compared('invalid-nginx', recordedReport('invalid-nginx'), true)
  expect(newOnly.baseline?.still_failing).toContain('proxy.config-valid')
  expect(newOnly.checks.find((c) => c.id === 'proxy.config-valid')?.baseline).toBe('still failing')
  expect([strict.verdict, newOnly.verdict]).toEqual(['fail', 'pass'])
})

test('a baseline from another version with other ids is compared where it can be, and says the rest', async () => {
  const old = recordedReport('invalid-nginx')
  old.tool.version = '0.0.9'
  old.checks = [
    ...old.checks.filter((c) => c.id !== 'proxy.forwarded-spoof'),
    { ...old.checks[0], id: 'legacy.removed' },
    { id: 42 } as never,
  ]
  const r = await compared('invalid-nginx', old, true)
  expect(r.baseline?.notes).toEqual([
    'baseline checks[27] is not a check result: left out',
    'baseline written by version 0.0.9, this is 0.1.0: compared by check id',
    'not in the baseline (not compared): proxy.forwarded-spoof',
    'in the baseline only (not compared): legacy.removed',
  ])
  expect(r.checks.find((c) => c.id === 'proxy.forwarded-spoof')?.baseline).toBeUndefined()
  expect(r.baseline?.still_failing).toContain('proxy.config-valid')
})

test('an unreadable baseline compares nothing, says so, and every failure counts as new', async () => {
  const r = await compared('invalid-nginx', '{ not json', true)
  expect(r.baseline?.notes).toEqual([
    expect.stringMatching(/^baseline base\.json could not be read \(.+\): nothing compared$/),
  ])
  expect(r.verdict).toBe('fail')
  const missing = await readBaseline(path.join(dir, 'none.json'), 'none.json')
  expect(missing.notes).toEqual([
    'baseline none.json could not be read (not found): nothing compared',
  ])
})
