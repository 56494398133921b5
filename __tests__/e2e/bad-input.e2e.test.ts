/**
 * Issue 11, point 3: every input's bad value (the table of options.test.ts, in input-table.ts)
 * reaches the bundled action (node dist/index.js with INPUT_* variables, as a runner passes
 * them) and stops it before anything starts: one error line naming the input, the value and
 * what is accepted; no container, network or volume created; no report, no outputs.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { inputRows, makeInputWorkspace, type Row } from '../input-table'
import { createdBetween } from './engine-objects'
import { runAction } from './run-action'

const ws = makeInputWorkspace()
afterAll(() => fs.rmSync(ws, { recursive: true, force: true }))
const at = (rel: string): string => path.join(ws, rel)

type BadRow = Row & { bad: { raw: Record<string, string>; message: string } }
const bad = inputRows(at).filter((r): r is BadRow => 'message' in r.bad)

test('the table has a bad value for most inputs', () => {
  expect(bad.length).toBeGreaterThan(20)
})

describe.each(bad.map((r) => [r.input, r] as const))('a bad %s', (_, row) => {
  it('stops the bundled action before anything starts, in one line', async () => {
    const from = Date.now()
    const run = await runAction({
      label: `bad-input ${row.input}`,
      inputs: row.bad.raw,
      env: { GITHUB_WORKSPACE: ws },
      timeoutMs: 60_000,
    })
    const errors = run.annotations.filter((a) => a.level === 'error').map((a) => a.message)
    expect({
      exitCode: run.exitCode,
      errors,
      created: createdBetween(from, Date.now()),
      report: run.report,
      outputs: run.outputs,
      runId: run.state.runId,
    }).toEqual({
      exitCode: 1,
      errors: [row.bad.message],
      created: [],
      report: undefined,
      outputs: {},
      runId: undefined,
    })
  }, 90_000)
})
