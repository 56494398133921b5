/**
 * The timing log: when each step of a run started (from the timer's creation) and how long it
 * took, at debug level (`--verbose`, or a runner's step debug), to see where a run's time goes.
 */
import type { Logger } from '../log'

export type Step = <T>(name: string, work: Promise<T>) => Promise<T>

export function stepTimer(log: Logger): Step {
  const origin = Date.now()
  return (name, work) => {
    const started = Date.now()
    return work.finally(() =>
      log.debug(`timing: ${name} at +${started - origin} ms took ${Date.now() - started} ms`),
    )
  }
}
