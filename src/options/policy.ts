/** The policy file (`policy-file`, or the default at the workspace root) and its `inputs:`. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { PolicyError, readPolicy, type Policy } from '../policy/load'
import policySchema from '../policy/schema.json'
import type { InputName, RawInputs } from './types'
import { UsageError, existing } from './values'

/** The policy file looked for at the workspace root when `policy-file` is empty. */
export const DEFAULT_POLICY_FILE = '.flask-deploy-check.yml'

/**
 * Inputs the policy's `inputs:` may set (src/policy/schema.json). A runner passes every
 * action.yml default as if the workflow had set it, so these have none there: the built-in
 * defaults are applied here, after the workflow's value and then the policy's.
 */
export const POLICY_INPUTS = Object.keys(policySchema.properties.inputs.properties) as InputName[]

/** The policy file, when `policy-file` names one or the default exists; bad ones throw UsageError. */
export function policyOf(raw: RawInputs, workspace: string): Policy | undefined {
  const given = (raw['policy-file'] ?? '').trim()
  const abs = path.resolve(workspace, given || DEFAULT_POLICY_FILE)
  if (!given && !fs.existsSync(abs)) return undefined
  if (given) existing('policy-file', given, workspace, 'file')
  const rel = path.relative(workspace, abs)
  try {
    return readPolicy(abs, rel.startsWith('..') ? abs : rel)
  } catch (err) {
    if (err instanceof PolicyError) throw new UsageError(err.message)
    throw err
  }
}

/** The workflow's inputs over the policy's: an empty input takes the policy's value. */
export function withPolicyInputs(raw: RawInputs, policy: Policy | undefined): RawInputs {
  const merged: RawInputs = { ...raw }
  for (const [name, value] of Object.entries(policy?.inputs ?? {})) {
    const k = name as InputName
    if ((merged[k] ?? '').trim() === '') merged[k] = value
  }
  return merged
}
