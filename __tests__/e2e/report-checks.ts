/**
 * Reading a run's report and the assertions every defect case makes on it, shared by the
 * issue-2 (action.e2e) and proxy (proxy.e2e) suites.
 */
import type { CheckResult } from '../../src/checks/lib/types'
import { CATALOG_SEVERITY, IMPLEMENTED, type DefectCase, type ImplementedId } from './cases'
import { labelledObjects, type ActionResult, type LabelledObject } from './run-action'

export function reportOf(run: ActionResult): NonNullable<ActionResult['report']> {
  if (run.report === undefined) {
    throw new Error(
      `the run wrote no report (exit ${run.exitCode}, outputs ${JSON.stringify(run.outputs)})\n` +
        `--- stdout (end)\n${run.stdout.split('\n').slice(-40).join('\n')}\n--- stderr (end)\n${run.stderr.slice(-3000)}`,
    )
  }
  return run.report
}

export function check(run: ActionResult, id: string): CheckResult {
  const found = reportOf(run).checks.filter((c) => c.id === id)
  if (found.length !== 1) throw new Error(`${id} appears ${found.length} times in the report`)
  return found[0]
}

export const statuses = (run: ActionResult, ids: readonly string[]): Record<string, string> =>
  Object.fromEntries(ids.map((id) => [id, check(run, id).status]))

/** All a person reads about one check: summary, evidence, fix. */
export const textOf = (c: CheckResult): string => [c.summary, ...c.evidence, c.fix ?? ''].join('\n')

/** What a run leaves on the engine, found by its run id (saved in GITHUB_STATE). */
export function leftovers(run: ActionResult): LabelledObject[] {
  const runId = run.state.runId
  if (!runId) throw new Error('the main step saved no runId in GITHUB_STATE')
  return labelledObjects(runId)
}

/** Each check the case expects to fail failed, with its severity, evidence a person can act on and a fix. */
export function expectFailedWithFix(
  run: ActionResult,
  c: DefectCase,
  failing: ImplementedId[],
): void {
  for (const id of failing) {
    const r = check(run, id)
    expect({ id, status: r.status, severity: r.severity }).toEqual({
      id,
      status: 'failed',
      severity: c.severity?.[id] ?? CATALOG_SEVERITY[id],
    })
    expect(r.summary.trim()).not.toBe('')
    expect(r.evidence.filter((e) => e.trim() !== '').length).toBeGreaterThan(0)
    expect((r.fix ?? '').trim()).not.toBe('')
    for (const pattern of c.evidence?.[id] ?? []) expect(textOf(r)).toMatch(pattern)
  }
}

/** Every implemented check has the outcome the case expects; the rest are as for the good fixture. */
export function expectOnlyItsChecksChanged(
  run: ActionResult,
  good: ActionResult,
  c: DefectCase,
): void {
  const actual: Record<string, string> = {}
  const expected: Record<string, string> = {}
  for (const id of IMPLEMENTED) {
    const how = c.expect[id] ?? 'same'
    const mine = check(run, id).status
    const goods = check(good, id).status
    actual[id] = mine
    if (how === 'fail') expected[id] = 'failed'
    else if (how === 'skip') expected[id] = 'skipped'
    else if (how === 'same') expected[id] = goods
    else expected[id] = mine === 'skipped' || mine === goods ? mine : `${goods} or skipped`
  }
  expect(actual).toEqual(expected)
}
