import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { readReport } from '../../src/report/read'
import type { Report } from '../../src/report/report'
import { recordedReport, withoutSkipReasons } from './recorded'

const dir = mkdtempSync(path.join(tmpdir(), 'fdc-read-'))
function file(report: unknown): string {
  const f = path.join(dir, `${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(f, JSON.stringify(report))
  return f
}

test('a schema-1 report with skip_reason and blocked_by is read as written', async () => {
  const report = recordedReport('crash-on-boot')
  const read = await readReport(file(report))
  expect(read).toEqual(report)
  expect(read.schema).toBe(1)
  expect(read.checks.find((c) => c.id === 'tls.hsts')).toMatchObject({
    status: 'skipped',
    skip_reason: 'blocked',
    blocked_by: 'boot.ready',
  })
})

test('a report from before skip_reason is read unchanged, verdict and all', async () => {
  const old = withoutSkipReasons(recordedReport('crash-on-boot'))
  const read = await readReport(file(old))
  expect(read).toEqual(old)
  expect(read.checks.some((c) => 'skip_reason' in c)).toBe(false)
})

test.each<[string, Record<string, unknown>, string]>([
  ['an unknown skip_reason', { skip_reason: 'maybe' }, 'checks[6].skip_reason is "maybe"'],
  ['a blocked_by that is no id', { blocked_by: 7 }, 'checks[6].blocked_by is not a check id'],
])('%s is refused with the index of the check', async (_what, change, message) => {
  const report: Report = recordedReport('crash-on-boot')
  Object.assign(report.checks[6], change)
  await expect(readReport(file(report))).rejects.toThrow(message)
})
