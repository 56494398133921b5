/**
 * An app that dies mid-run (killed, crashed on a request, over its memory limit): noticed
 * between the stages of the live observation, after which every part still to observe is
 * blocked with that cause instead of being filled with refusals that look like findings.
 */
import type { Docker } from '../docker/docker'
import { appExitReason } from '../facts/app-exit'
import { parseContainerState } from '../facts/parse'
import type { AppExitFacts, HttpExchange, Observations, Unavailable } from '../facts/types'

/** The app's exit, when its container is no longer running; undefined while it runs. */
export async function appExit(
  docker: Docker,
  container: string,
  lastRequests: readonly HttpExchange[],
): Promise<AppExitFacts | undefined> {
  const res = await docker.inspect(container)
  if (res.exitCode !== 0) return undefined
  const state = parseContainerState(res.stdout)
  if (state.running) return undefined
  // The last request it answered is the likeliest cause; those after it found no server.
  const last = lastRequests.filter((x) => x.response !== undefined).pop()
  const after = last
    ? `${last.request.method} ${last.request.path} ${last.via === 'proxy' ? 'through the proxy' : 'on the app port'}`
    : 'its first checks'
  return { exitCode: state.exitCode, after, ...(state.oomKilled ? { oomKilled: true } : {}) }
}

/** The parts a dead app leaves unobserved, each blocked by routes.answer (which fails on it). */
export const NEEDS_RUNNING_APP = [
  'proxyConfig',
  'proxy',
  'probe',
  'forwardedSpoof',
  'tls',
  'shutdown',
] as const satisfies readonly (keyof Observations)[]

/** Records the exit and blocks every part in `parts` that is still to be observed. */
export function blockAfterExit(
  obs: Observations,
  exit: AppExitFacts,
  parts: readonly (keyof Omit<Observations, 'run' | 'dockerfile' | 'build' | 'image'>)[],
): void {
  obs.run.appExited = exit
  const blocked: Unavailable = { unavailable: appExitReason(exit), blockedBy: 'routes.answer' }
  for (const part of parts) obs[part] = blocked
}
