/** What host mode observes differently from a docker run before anything starts. */
import type { BuildFacts, Observations, Unavailable } from '../facts/types'
import { bootBlocked } from './boot-blocked'

const NOT_APPLICABLE: Unavailable = {
  unavailable: 'host mode: the app runs from its systemd unit, there is no Dockerfile',
  skip: 'not-applicable',
}

/** Parts that do not exist in host mode (image.* and build.* are not applicable). */
export const NOT_IN_HOST_MODE: Partial<Observations> = { dockerfile: NOT_APPLICABLE }

/** The venv or pip failed (or the unit has no ExecStart=): boot.ready fails with that cause. */
export function hostBootFailure(build: BuildFacts): Partial<Observations> {
  const unavailable: Unavailable = {
    unavailable: `the app could not be started: ${build.error ?? 'the virtualenv could not be made'}`,
    blockedBy: 'boot.ready',
  }
  return {
    boot: {
      ready: false,
      ms: build.durationMs,
      exited: { exitCode: 1, afterMs: build.durationMs },
      logTail: [...(build.error ? [build.error] : []), ...build.logTail],
    },
    ...bootBlocked(unavailable),
    logs: unavailable,
  }
}
