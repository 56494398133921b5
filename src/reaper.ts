/**
 * The CLI's post step. A CLI killed by SIGKILL (an OOM killer, a CI timeout, `kill -9`) runs no
 * finally block; a detached watcher started with each run notices its parent is gone and removes
 * what the run left, by label and temp prefix, as the action's post step does. It is the same
 * bundle run again with a hidden first argument, so nothing is written twice.
 */
import { spawn } from 'node:child_process'
import { removeRun } from './docker/stack'
import { removeRunTemp } from './runtime/temp'

export const REAP_FLAG = '--fdc-reap-run'
const POLL_MS = 250

export interface Reaper {
  /** The run ended by itself (its own cleanup ran): the watcher goes away without acting. */
  stop(): void
}

/** Starts the watcher of this process for run `runId`; keepImage leaves the run's image. */
export function startReaper(runId: string, keepImage: boolean): Reaper {
  const script = process.argv[1]
  if (!script) return { stop: () => undefined }
  const child = spawn(
    process.execPath,
    [script, REAP_FLAG, String(process.pid), runId, keepImage ? 'keep-image' : 'remove-image'],
    // Its own process group: the Ctrl-C that stops the CLI must not stop its watcher.
    { detached: true, stdio: 'ignore' },
  )
  child.on('error', () => undefined)
  child.unref()
  return { stop: () => child.kill('SIGTERM') }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** The watcher's body: waits for `pid` to die, then removes the run's leftovers; never throws. */
export async function reap(args: string[]): Promise<void> {
  const [pid, runId, image] = args
  process.on('SIGTERM', () => process.exit(0))
  while (alive(Number(pid))) await new Promise((r) => setTimeout(r, POLL_MS))
  try {
    removeRunTemp(runId)
    await removeRun(runId, undefined, { images: image !== 'keep-image' })
  } catch {
    // Nobody is left to tell: the labels still let `docker ... --filter label=` find them.
  }
}
