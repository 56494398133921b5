/** Reading optional observation parts. Pure; imports types only. */
import type { Observations, Part } from '../../facts/types'
import type { CheckOutcome, Location } from './types'

/** The part itself, or undefined when it was not observed. */
export function present<T extends object>(part: Part<T>): T | undefined {
  return 'unavailable' in part ? undefined : (part as T)
}

/** A location in the Dockerfile, when the run used one. */
export function dockerfileAt(obs: Observations, line?: number): Location | undefined {
  const file = obs.run.dockerfilePath
  if (file === undefined) return undefined
  return line === undefined ? { file } : { file, line }
}

/** In host mode nothing is built: build.* is not applicable (check-catalog.md, host mode). */
export function notBuiltInHostMode(obs: Observations): CheckOutcome | undefined {
  if (obs.run.runtime !== 'host') return undefined
  return {
    status: 'skipped',
    summary: 'host mode: the app runs from its systemd unit, no image is built',
    skipReason: 'not-applicable',
  }
}
