/** Which check ids have an implementation: each family module exports a map id -> function. */
import type { Observations } from '../facts/types'
import type { CheckOutcome } from './lib/types'
import { appChecks } from './app'
import { buildChecks } from './build'
import { imageChecks } from './image'
import { lifecycleChecks } from './lifecycle'
import { proxyChecks } from './proxy'
import { secretChecks } from './secrets'
import { serverChecks } from './server'
import { tlsChecks } from './tls'

/** A check: a pure judgement of the observations. */
export type CheckImpl = (obs: Observations) => CheckOutcome

/** Every implemented check by id; ids missing here are reported as 'not implemented yet'. */
export const implementations: Record<string, CheckImpl> = {
  ...buildChecks,
  ...imageChecks,
  ...serverChecks,
  ...appChecks,
  ...lifecycleChecks,
  ...proxyChecks,
  ...tlsChecks,
  ...secretChecks,
}
