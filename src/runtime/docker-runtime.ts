/**
 * The docker Runtime: the image built from the Dockerfile (or the `image` given), instances as
 * labelled containers on the run's own network, published on loopback, limited.
 */
import type { Docker } from '../docker/docker'
import {
  createRunNetwork,
  removeApp,
  removeRun,
  startApp,
  stopApp,
  type AppHandle,
} from '../docker/stack'
import type { BootFacts, LogFacts, Part, ProcessFacts, ShutdownFacts } from '../facts/types'
import type { Logger } from '../log'
import type { Options } from '../options'
import { APP_HOST } from './app-host'
import { buildImage, inspectImage } from './image'
import { waitReady } from './readiness'
import { containerLogs, settledProcesses } from './running'
import type { ProxyOptions, ProxyStage } from './proxy/kind'
import { standUpProxy } from './proxy/stage'
import type { AppInstance, AppStart, Prepared, Runtime, RuntimeProxyInput } from './runtime'

/** What a kind adds to where an instance runs (compose: the service's names, its secrets). */
export interface Placement {
  /** More DNS names for the proxy's target on the network, beside APP_HOST. */
  aliases: string[]
  mounts: { source: string; target: string }[]
  /** Replaces the image's ENTRYPOINT (its first word; the rest leads the command). */
  entrypoint?: string
}

export class DockerRuntime implements Runtime {
  readonly kind: Runtime['kind'] = 'docker'
  readonly logsAfterStop = true
  private imageRef = ''
  protected networkName?: string
  private readonly handles = new Map<AppInstance, AppHandle>()

  constructor(
    readonly docker: Docker,
    protected readonly opts: Options,
    protected readonly runId: string,
    protected readonly log: Logger,
  ) {}

  /** The run's network: the proxy joins it to reach the app as APP_HOST. */
  get network(): string {
    if (this.networkName === undefined) throw new Error('the run network is not open')
    return this.networkName
  }

  async prepare(): Promise<Prepared> {
    const build = await buildImage(this.docker, this.opts, this.runId, this.log)
    this.imageRef = build.imageRef
    if (!build.ok)
      return { build, image: { unavailable: 'the image did not build', blockedBy: 'build.image' } }
    const inspected = await inspectImage(this.docker, build.imageRef)
    return 'facts' in inspected
      ? { build, image: inspected.facts, parsed: inspected }
      : { build, image: inspected }
  }

  async open(): Promise<void> {
    this.networkName = await createRunNetwork(this.docker, this.runId)
  }

  /** The docker kind adds nothing. */
  protected placement(): Placement {
    return { aliases: [], mounts: [] }
  }

  async start(spec: AppStart): Promise<{ instance: AppInstance; boot: BootFacts }> {
    const placed = this.placement()
    const handle = await startApp(this.docker, {
      runId: this.runId,
      image: this.imageRef,
      port: spec.port,
      env: spec.env,
      command: this.opts.command,
      entrypoint: placed.entrypoint,
      network: this.networkName,
      alias: spec.proxyTarget ? APP_HOST : undefined,
      moreAliases: placed.aliases,
      mounts: [...spec.mounts, ...placed.mounts],
      role: spec.role,
    })
    const instance: AppInstance = { name: handle.name }
    if (handle.hostPort !== undefined) instance.hostPort = handle.hostPort
    if (handle.startError) instance.startError = handle.startError
    this.handles.set(instance, handle)
    const boot = await waitReady(this.docker, handle, {
      appPort: spec.port,
      healthPath: spec.healthPath,
      timeoutMs: spec.timeoutMs,
      ...(spec.protocol ? { protocol: spec.protocol } : {}),
      log: this.log,
      signal: spec.signal,
    })
    return { instance, boot }
  }

  processes(instance: AppInstance): Promise<Part<ProcessFacts[]>> {
    return settledProcesses(this.docker, instance.name)
  }

  logs(instance: AppInstance): Promise<Part<LogFacts>> {
    return containerLogs(this.docker, instance.name)
  }

  stop(instance: AppInstance): Promise<ShutdownFacts> {
    return stopApp(this.docker, this.handle(instance))
  }

  remove(instance: AppInstance): Promise<void> {
    return removeApp(this.docker, this.handle(instance))
  }

  standUpProxy(opts: ProxyOptions, input: RuntimeProxyInput): Promise<ProxyStage> {
    const { instance, ...rest } = input
    return standUpProxy(this.docker, opts, {
      ...rest,
      network: this.network,
      appContainer: instance.name,
    })
  }

  async cleanup(): Promise<void> {
    await removeRun(this.runId, this.docker, { images: !this.opts.keepImage })
  }

  private handle(instance: AppInstance): AppHandle {
    const handle = this.handles.get(instance)
    if (handle === undefined) throw new Error(`${instance.name} was not started by this runtime`)
    return handle
  }
}
