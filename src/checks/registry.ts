/** Which check ids have an implementation: each family module exports a map id -> function. */
import type { Observations } from '../observe/types'
import type { CheckOutcome } from './types'

export type CheckImpl = (obs: Observations) => CheckOutcome

export const implementations: Record<string, CheckImpl> = {}
