/** The action's inputs: every core.getInput call lives here. */
import * as core from '@actions/core'
import { INPUT_NAMES, parseOptions, type Options, type RawInputs } from './options'

/** Reads and validates the action inputs; masks every `env` value and the token. */
export function readInputs(): Options {
  const raw: RawInputs = {}
  for (const name of INPUT_NAMES) raw[name] = core.getInput(name)
  const options = parseOptions(raw, {
    workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
    runnerTemp: process.env.RUNNER_TEMP,
  })
  for (const [, value] of options.env) if (value.length > 0) core.setSecret(value)
  if (options.githubToken) core.setSecret(options.githubToken)
  return options
}
