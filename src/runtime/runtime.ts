/**
 * How the app runs, behind one interface: one Runtime per kind (docker now; compose and host
 * later). collect.ts and live.ts sequence the run through it and never ask which kind it is;
 * what a kind observes comes back as the same facts (processes, logs, shutdown).
 */
import type { ParsedImage } from '../facts/parse'
import type {
  BootFacts,
  BuildFacts,
  ImageFacts,
  LogFacts,
  Part,
  ProcessFacts,
  ShutdownFacts,
} from '../facts/types'
import type { ProxyOptions, ProxyStage, ProxyStageInput } from './proxy/kind'

/** What the proxy stage needs from the run; the runtime adds where the app is (network, container). */
export type RuntimeProxyInput = Omit<ProxyStageInput, 'network' | 'appContainer'> & {
  instance: AppInstance
}

/** What the runtime will run, known before anything starts. */
export interface Prepared {
  build: BuildFacts
  image: Part<ImageFacts>
  /** The image's config as parsed (env, argv) when it could be read. */
  parsed?: ParsedImage
}

/** One instance of the app to start. */
export interface AppStart {
  /** 'app' for the instance the checks look at; 'nosecret' for the boot without SECRET_KEY. */
  role: 'app' | 'nosecret'
  /** The app's port inside its sandbox. */
  port: number
  env: [string, string][]
  /** Read-only mounts (host directory -> path in the app's sandbox): the probe. */
  mounts: { source: string; target: string }[]
  /** Gives this instance the name the proxy's upstreams use; for one instance only. */
  proxyTarget: boolean
  healthPath: string
  timeoutMs: number
  /** What the app port speaks, when known ('uwsgi' for a uWSGI `socket`). */
  protocol?: 'http' | 'uwsgi'
  signal?: AbortSignal
}

/** A started instance: how to reach it from the runner. */
export interface AppInstance {
  /** Names the instance in logs and to the engine ('fdc-<run>-app'). */
  name: string
  /** Loopback port on the runner that reaches the app port; absent when it never got one. */
  hostPort?: number
  /** Set when the runtime could not even start it. */
  startError?: { exitCode: number; message: string[] }
}

export interface Runtime {
  readonly kind: 'docker' | 'compose' | 'host'
  /** Builds or resolves what will run, and reads its configuration. */
  prepare(): Promise<Prepared>
  /** Creates what instances share (the run's network). Call once, after a good prepare. */
  open(): Promise<void>
  /** Starts one instance and waits until it answers HTTP, exits, or the timeout passes. */
  start(spec: AppStart): Promise<{ instance: AppInstance; boot: BootFacts }>
  /** The instance's process table once it has settled (workers forked). */
  processes(instance: AppInstance): Promise<Part<ProcessFacts[]>>
  /**
   * Whether logs() still gives the whole output after stop() (a stopped container's log does;
   * host mode finds log files through the running processes, so it reads them before).
   */
  readonly logsAfterStop: boolean
  /** Its output so far, by stream, capped. */
  logs(instance: AppInstance): Promise<Part<LogFacts>>
  /** Stops it as production does (SIGTERM, then SIGKILL after the grace). */
  stop(instance: AppInstance): Promise<ShutdownFacts>
  /** Removes one instance at once (the boot without SECRET_KEY). */
  remove(instance: AppInstance): Promise<void>
  /** Stands the run's proxy up in front of the instance; failures become `unavailable` facts. */
  standUpProxy(opts: ProxyOptions, input: RuntimeProxyInput): Promise<ProxyStage>
  /** Removes everything the run created; safe to call twice, also after a failure. */
  cleanup(): Promise<void>
}
