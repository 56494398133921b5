/**
 * The run's temporary files: every directory a run makes is `$TMPDIR/fdc-<runId>-*`, so the post
 * step of a cancelled or killed run can find and remove them with nothing but the run id.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

/** A new private directory of the run (mkdtemp under the run's prefix). */
export function makeRunTemp(runId: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `fdc-${runId}-`))
}

/** Removes every temporary directory and file of the run; returns how many it removed. */
export function removeRunTemp(runId: string, dir = os.tmpdir()): number {
  const prefix = `fdc-${runId}-`
  let removed = 0
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue
    fs.rmSync(path.join(dir, name), { recursive: true, force: true })
    removed++
  }
  return removed
}
