/**
 * What the post step needs from the main step, through the runner's state file. Only the run id
 * is stored: the post step finds everything else by the run label. Never tokens or env values.
 */
import * as core from '@actions/core'

enum Key {
  IsPost = 'isPost',
  RunId = 'runId',
  KeepImage = 'keepImage',
}

/** True when this process is the post step (main saved the flag). */
export function isPost(): boolean {
  return core.getState(Key.IsPost) === 'true'
}

/** Marks that the post step must run; called first thing in main. */
export function markMainStarted(): void {
  core.saveState(Key.IsPost, 'true')
}

export function saveRunId(runId: string): void {
  core.saveState(Key.RunId, runId)
}

export function savedRunId(): string {
  return core.getState(Key.RunId)
}

/** keep-image: the post step leaves the run's image alone. */
export function saveKeepImage(keep: boolean): void {
  if (keep) core.saveState(Key.KeepImage, 'true')
}

export function savedKeepImage(): boolean {
  return core.getState(Key.KeepImage) === 'true'
}
