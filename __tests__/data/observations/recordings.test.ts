/**
 * The recorded counterpart of the e2e suites: the catalog, run over each fixture's recorded
 * Observations, must give the outcomes __tests__/e2e/cases.ts expects of a live run of that
 * fixture. When it does not, either the checks changed what they decide on these facts or the
 * recording is stale (re-record with record.sh).
 */
import { readdirSync, statSync } from 'node:fs'
import * as path from 'node:path'
import { runCatalog } from '../../../src/checks/catalog'
import type { CheckResult } from '../../../src/checks/lib/types'
import {
  ALL_CASES,
  CATALOG_SEVERITY,
  HOST_CASES,
  HOST_GOOD,
  IMPLEMENTED,
  type DefectCase,
} from '../../e2e/cases'
import { recorded, recordingPath } from './load'

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures')
const GOOD: DefectCase = { fixture: 'good', defect: 'none', expect: {}, changedFiles: [], exitCode: 0 }
const CASES = [GOOD, ...ALL_CASES]

const byId = (results: CheckResult[]): Map<string, CheckResult> =>
  new Map(results.map((r) => [r.id, r]))

/** What cases.ts allows for each implemented check (the good fixture passes every one). */
function expected(c: DefectCase, actual: Map<string, CheckResult>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const id of IMPLEMENTED) {
    const how = c.expect[id] ?? 'same'
    const mine = actual.get(id)?.status
    if (how === 'fail') out[id] = 'failed'
    else if (how === 'skip') out[id] = 'skipped'
    else if (how === 'same') out[id] = 'passed'
    else out[id] = mine === 'skipped' || mine === 'passed' ? mine : 'passed or skipped'
  }
  return out
}

test('every fixture directory has a case and a recording', () => {
  // Compose projects run only end to end (__tests__/e2e/compose.e2e.test.ts).
  const host = [HOST_GOOD, ...HOST_CASES.map((c) => c.fixture)]
  const dirs = readdirSync(FIXTURES).filter(
    (d) =>
      statSync(path.join(FIXTURES, d)).isDirectory() && !d.startsWith('compose-') && !host.includes(d),
  )
  expect(CASES.map((c) => c.fixture).sort()).toEqual(dirs.sort())
  const unreadable = dirs.filter((d) => {
    try {
      recorded(d)
      return false
    } catch {
      return true
    }
  })
  expect(unreadable.map(recordingPath)).toEqual([])
})

describe.each(CASES.map((c) => [c.fixture, c] as const))('the recording of %s', (_, c) => {
  let results: Map<string, CheckResult>
  beforeAll(() => {
    results = byId(runCatalog(recorded(c.fixture)))
  })

  test('gets the outcome cases.ts expects of every check', () => {
    const actual = Object.fromEntries(IMPLEMENTED.map((id) => [id, results.get(id)?.status]))
    expect(actual).toEqual(expected(c, results))
  })

  const skipping = IMPLEMENTED.filter((id) => c.expect[id] === 'skip')
  if (c.skipReason !== undefined && skipping.length > 0)
    test('says why it skipped what it skipped', () => {
      const summaries = skipping.map((id) => ({ id, summary: results.get(id)?.summary }))
      expect(summaries).toEqual(
        skipping.map((id) => ({ id, summary: expect.stringMatching(c.skipReason as RegExp) })),
      )
    })

  const failing = IMPLEMENTED.filter((id) => c.expect[id] === 'fail')
  if (failing.length === 0) return
  test('fails its checks at their severity, with the evidence a person needs', () => {
    for (const id of failing) {
      const r = results.get(id)
      const text = [r?.summary, ...(r?.evidence ?? []), r?.fix ?? ''].join('\n')
      expect({ id, severity: r?.severity }).toEqual({
        id,
        severity: c.severity?.[id] ?? CATALOG_SEVERITY[id],
      })
      for (const pattern of c.evidence?.[id] ?? []) expect({ id, text }).toEqual({ id, text: expect.stringMatching(pattern) })
    }
  })
})
