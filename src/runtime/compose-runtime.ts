/**
 * The compose Runtime: the app service's image built like any app's, its depends_on services
 * started by Compose itself (`up --wait`, healthchecks and conditions honoured) under the run's
 * project name, then the app run as the docker kind runs it, on the project's network with its
 * service name, compose environment and secrets. A dependency that never gets ready becomes a
 * failed boot with its log tail. `down -v --remove-orphans` removes the project in all cases.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Compose } from '../docker/compose'
import type { Docker } from '../docker/docker'
import type { BootFacts } from '../facts/types'
import type { Logger } from '../log'
import type { Options } from '../options'
import { labelledModel } from './compose-model-file'
import type { ComposePlan } from './compose-plan'
import { DockerRuntime, type Placement } from './docker-runtime'
import type { AppInstance, AppStart } from './runtime'
import { errorLine } from '../facts/cli-error'

const DEPENDENCY_LOG_LINES = 40

/** One dependency as it was started, for the report. */
export interface StartedDependency {
  service: string
  /** Milliseconds from `up` to ready (running, healthy or completed, as depends_on asks). */
  ms: number
  ok: boolean
}

export class ComposeRuntime extends DockerRuntime {
  override readonly kind = 'compose' as const
  readonly started: StartedDependency[] = []
  private readonly compose: Compose
  private modelFile?: string
  private failed?: { service: string; error: string; logTail: string[]; ms: number }

  constructor(
    docker: Docker,
    opts: Options,
    runId: string,
    log: Logger,
    readonly plan: ComposePlan,
  ) {
    super(docker, opts, runId, log)
    this.compose = new Compose(log)
  }

  /** Starts the dependencies, one at a time in order, each with the boot timeout. */
  override async open(): Promise<void> {
    if (this.plan.dependencies.length === 0) return super.open()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `fdc-${this.runId}-compose-`))
    this.modelFile = path.join(dir, 'compose.json')
    const model = labelledModel(this.plan, this.runId)
    fs.writeFileSync(this.modelFile, JSON.stringify(model, null, 2), { mode: 0o600 })
    const waitS = this.opts.bootTimeoutS
    for (const service of this.plan.dependencies) {
      this.log.info(`Starting compose service ${service} (up --wait, up to ${waitS} s)`)
      const res = await this.compose.up(this.modelFile, this.plan.project, [service], waitS)
      this.started.push({ service, ms: res.ms, ok: res.exitCode === 0 })
      if (res.exitCode === 0) continue
      const error = errorLine(res.stderr) || `docker compose up exited ${res.exitCode}`
      const logs = await this.compose.logs(
        this.modelFile,
        this.plan.project,
        service,
        DEPENDENCY_LOG_LINES,
      )
      const logTail = logs.stdout.split('\n').filter((l) => l.trim() !== '')
      this.failed = { service, error, logTail, ms: res.ms }
      this.log.warning(`compose service ${service} did not become ready: ${error}`)
      break
    }
    this.networkName = this.plan.network
  }

  protected override placement(): Placement {
    const entry = this.plan.entrypoint
    return {
      aliases: this.plan.aliases,
      mounts: this.plan.secretMounts,
      ...(entry ? { entrypoint: entry[0] } : {}),
    }
  }

  override async start(spec: AppStart): Promise<{ instance: AppInstance; boot: BootFacts }> {
    const f = this.failed
    if (!f) return super.start(spec)
    // The app is not started at all: it would only wait for (or crash without) its dependency.
    const instance: AppInstance = {
      name: `${this.plan.project}-${f.service}`,
      startError: { exitCode: 1, message: [f.error] },
    }
    const boot: BootFacts = {
      ready: false,
      ms: f.ms,
      logTail: f.logTail,
      dependency: { service: f.service, error: f.error },
    }
    return { instance, boot }
  }

  /**
   * The run's containers first (the app is on the project's network, which compose could not
   * remove under it), then the project with its volumes.
   */
  override async cleanup(): Promise<void> {
    await super.cleanup()
    const res = await this.compose.down(this.plan.project, this.modelFile)
    if (this.modelFile) fs.rmSync(path.dirname(this.modelFile), { recursive: true, force: true })
    if (res.exitCode !== 0) throw new Error(`docker compose down failed: ${errorLine(res.stderr)}`)
  }
}
