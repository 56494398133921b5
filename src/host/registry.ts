/**
 * The process groups a run started, in a file under the temp directory, so the post step can
 * end them after a cancelled or crashed main step (the docker runtime uses its label instead).
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

function file(runId: string): string {
  const base = process.env.RUNNER_TEMP || os.tmpdir()
  return path.join(base, 'flask-deploy-check', `host-${runId.replace(/[^A-Za-z0-9]/g, '')}.pgids`)
}

function read(runId: string): number[] {
  try {
    return fs
      .readFileSync(file(runId), 'utf8')
      .split('\n')
      .filter((l) => /^\d+$/.test(l))
      .map(Number)
  } catch {
    return []
  }
}

function write(runId: string, pgids: number[]): void {
  const f = file(runId)
  if (pgids.length === 0) {
    fs.rmSync(f, { force: true })
    return
  }
  fs.mkdirSync(path.dirname(f), { recursive: true })
  fs.writeFileSync(f, `${pgids.join('\n')}\n`)
}

export function remember(runId: string, pgid: number): void {
  write(runId, [...new Set([...read(runId), pgid])])
}

export function forget(runId: string, pgid: number): void {
  write(
    runId,
    read(runId).filter((p) => p !== pgid),
  )
}

/** SIGKILLs every process group the run recorded and still running; returns how many. */
export function killRecorded(runId: string): number {
  let killed = 0
  for (const pgid of read(runId)) {
    try {
      process.kill(-pgid, 'SIGKILL')
      killed++
    } catch {
      // already gone
    }
  }
  write(runId, [])
  return killed
}
