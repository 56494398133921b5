/**
 * The proxy stage: the first proxy kind that claims the run (kinds.ts) stands up in front of the
 * running app. A bug or an engine failure here costs the run its proxy checks, not the others.
 */
import type { Docker } from '../../docker/docker'
import type { ProxyOptions, ProxyStage, ProxyStageInput } from './kind'
import { selectProxy } from './kinds'

export type { ProxyStage, ProxyStageInput } from './kind'

/** Stands the run's proxy up in front of the app; failures become `unavailable` facts. */
export async function standUpProxy(
  docker: Docker,
  opts: ProxyOptions,
  input: ProxyStageInput,
): Promise<ProxyStage> {
  try {
    const { kind, found } = selectProxy(opts, input)
    return await kind.standUp(docker, opts, input, found, kind.plan(found, input, opts))
  } catch (err) {
    const reason = `the proxy stage failed: ${(err as Error).message}`
    input.log.warning(reason)
    return { proxyConfig: { unavailable: reason }, proxy: { unavailable: reason }, timings: {} }
  }
}
