/**
 * The boot without SECRET_KEY, started beside the main boot: it needs only the image, and the
 * app's exit without a key (Gunicorn's takes about a second) then costs the run nothing. The
 * routes it requests are known only once the main app answers (`routes: auto` asks its probe),
 * so they are handed over later; a main boot that fails cancels it.
 */
import type { Logger } from '../log'
import type { Observations } from '../facts/types'
import type { Runtime } from './runtime'
import { secondBoot, type SecondBootOptions } from './second-boot'
import type { Step } from './timing'

export interface SecondBootBeside {
  /** Its facts, or why it could not run; never rejects. */
  readonly result: Promise<Observations['secondBoot']>
  /** The routes to request once it answers (the main run's, auto or given). */
  routes(routes: string[]): void
  /** Stops waiting for it (the main boot failed) and lets its container go. */
  cancel(): Promise<void>
}

export function startSecondBoot(
  runtime: Runtime,
  o: Omit<SecondBootOptions, 'routes' | 'signal' | 'log'> & { log: Logger; signal?: AbortSignal },
  step: Step,
): SecondBootBeside {
  let give: (routes: string[]) => void = () => undefined
  const routes = new Promise<string[]>((resolve) => (give = resolve))
  const cancelled = new AbortController()
  const signal = o.signal ? AbortSignal.any([o.signal, cancelled.signal]) : cancelled.signal
  const result = step('second boot', secondBoot(runtime, { ...o, routes, signal })).catch(
    (err: Error): { unavailable: string } => ({
      unavailable: `the boot without SECRET_KEY could not run: ${err.message}`,
    }),
  )
  return {
    result,
    routes: give,
    cancel: async () => {
      cancelled.abort()
      give([])
      await result
    },
  }
}
