/**
 * Whether a Docker engine answers, asked once before anything is built: without one every later
 * step would fail in its own words, and the app would be blamed for the runner's fault.
 */
import { errorLine } from '../facts/cli-error'
import type { Docker } from './docker'

/** The runner, not the app: no engine, a broken CLI. One line; the CLI exits 3, the action too. */
export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EnvironmentError'
  }
}

/** Throws EnvironmentError when `docker version` cannot reach the engine. */
export async function requireEngine(docker: Docker): Promise<void> {
  const res = await docker.serverVersion()
  if (res.exitCode === 0 && res.stdout.trim() !== '') return
  const why = errorLine(res.stderr) || `docker version exited with ${res.exitCode}`
  const host = process.env.DOCKER_HOST ? ` at ${process.env.DOCKER_HOST}` : ''
  throw new EnvironmentError(`no reachable Docker engine${host}: ${why}`)
}
