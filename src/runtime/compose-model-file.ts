/**
 * The model Compose starts the dependencies from: the interpolated one, every service, network
 * and volume labelled with the run (so leftovers are found by label, as for the docker kind),
 * and no `ports:` on the dependencies (a runner's host ports are not ours to take, and two runs
 * would collide on them).
 */
import { LABEL, RUN_LABEL } from '../docker/docker'
import type { ComposeModel } from '../facts/compose'
import type { ComposePlan } from './compose-plan'

export function labelledModel(plan: ComposePlan, runId: string): ComposeModel {
  const model = structuredClone(plan.model)
  const labels = { [LABEL]: '1', [RUN_LABEL]: runId }
  for (const [name, svc] of Object.entries(model.services)) {
    svc.labels = { ...svc.labels, ...labels }
    if (plan.dependencies.includes(name)) delete svc.ports
  }
  for (const group of [model.networks, model.volumes]) {
    for (const def of Object.values(group ?? {})) {
      if (!def.external) def.labels = { ...def.labels, ...labels }
    }
  }
  return model
}
