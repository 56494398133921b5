/** Words for an app that exited mid-run, shared by the runtime's block reasons and routes.answer. */
import type { AppExitFacts } from './types'

/** One clause: `the app exited with code 9 during the run (its last answer: GET /die on the app port)`. */
export function appExitReason(exit: AppExitFacts): string {
  const oom = exit.oomKilled ? ', killed by its memory limit' : ''
  return `the app exited with code ${exit.exitCode} during the run (its last answer: ${exit.after}${oom})`
}
