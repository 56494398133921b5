/**
 * The Compose v2 CLI (`docker compose`), one method per verb, raw output and exit codes. The
 * project name is the run's (`fdc-<runId>`), so `down` finds everything the run started from
 * the project label alone, without the compose file (the post step has nothing else).
 */
import { run, type RunResult } from '../exec'
import type { Logger } from '../log'
import { errorLine } from '../facts/cli-error'

const QUICK_MS = 60_000
/** Teardown waits this long for a dependency's SIGTERM before compose kills it. */
const DOWN_GRACE_S = 5

/** The compose project of a run: unique per run, so two runs never share a network or volume. */
export function projectName(runId: string): string {
  return `fdc-${runId}`
}

export class Compose {
  constructor(
    private readonly log?: Logger,
    private readonly bin = 'docker',
  ) {}

  private exec(args: string[], timeoutMs = QUICK_MS): Promise<RunResult> {
    return run(this.bin, ['compose', ...args], { timeoutMs, log: this.log })
  }

  /** `docker compose -p P -f F... config --format json`: the model, interpolated from our env. */
  config(files: string[], project: string): Promise<RunResult> {
    return this.exec([
      '-p',
      project,
      ...files.flatMap((f) => ['-f', f]),
      'config',
      '--format',
      'json',
    ])
  }

  /**
   * `up -d --wait` of some services (and their own dependencies): returns when each is running,
   * healthy or completed as its depends_on condition asks, or fails naming the one that is not.
   */
  up(file: string, project: string, services: string[], waitS: number): Promise<RunResult> {
    const args = ['-p', project, '-f', file, 'up', '-d', '--wait', '--wait-timeout', String(waitS)]
    return this.exec([...args, '--no-recreate', ...services], (waitS + 600) * 1000)
  }

  /** `logs --no-color --timestamps --tail N SERVICE`. */
  logs(file: string, project: string, service: string, tail: number): Promise<RunResult> {
    const args = ['-p', project, '-f', file, 'logs', '--no-color', '--timestamps']
    return this.exec([...args, '--tail', String(tail), service])
  }

  /** `ps -a --format json`: the project's containers with their state. */
  ps(file: string, project: string): Promise<RunResult> {
    return this.exec(['-p', project, '-f', file, 'ps', '-a', '--format', 'json'])
  }

  /**
   * `down -v --remove-orphans --rmi local`: containers, networks, volumes and the images compose
   * built for the project. Without a file it works from the project's labels alone.
   */
  down(project: string, file?: string): Promise<RunResult> {
    const files = file ? ['-f', file] : []
    const args = ['-p', project, ...files, 'down', '-v', '--remove-orphans', '--rmi', 'local']
    return this.exec([...args, '--timeout', String(DOWN_GRACE_S)], 120_000)
  }
}

/**
 * Removes whatever is left of the run's compose project (the post step, after removeRun took
 * the labelled containers and networks): its volumes above all. True when compose ran; false
 * when the docker CLI has no compose plugin (then the run cannot have made a project).
 */
export async function removeComposeProject(
  runId: string,
  compose = new Compose(),
): Promise<boolean> {
  const res = await compose.down(projectName(runId))
  if (res.exitCode === 0) return true
  if (/is not a docker command|unknown (shorthand )?(flag|command)/i.test(res.stderr)) return false
  throw new Error(`docker compose down failed: ${errorLine(res.stderr)}`)
}
