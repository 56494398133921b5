/**
 * The observation plan, in a fixed order: build (or resolve `image`) -> image inspect and
 * history -> boot -> processes -> HTTP on the app port -> logs -> shutdown -> removal. Each
 * step that cannot run records why instead of throwing; only infrastructure errors throw,
 * and every container of the run is removed in all cases.
 */
import * as fs from 'node:fs'
import { Docker } from '../docker/docker'
import { appEnv } from '../docker/stack'
import type { Logger } from '../log'
import type { Options } from '../options'
import { ComposeRuntime, type StartedDependency } from './compose-runtime'
import type { ComposePlan } from './compose-plan'
import { DockerRuntime } from './docker-runtime'
import { HostRuntime } from './host-runtime'
import { bootBlocked } from './boot-blocked'
import { hostBootFailure, NOT_IN_HOST_MODE } from './host-collect'
import { NO_UNIT } from '../facts/systemd-types'
import { loopbackOnly } from '../facts/parse'
import { prepareProbe } from '../probe/introspect'
import { throwAwayKey } from '../proxy/certs'
import { pythonPath, runFacts } from './run-facts'
import { observeLive } from './live'
import { startSecondBoot, type SecondBootBeside } from './second-boot-beside'
import { stepTimer } from './timing'
import { makeRunTemp } from './temp'
import type { BootFacts, DockerfileFacts, Observations, Part, Unavailable } from '../facts/types'

const NOT_BUILT: Unavailable = { unavailable: 'the image did not build', blockedBy: 'build.image' }

export interface CollectContext {
  /** Names and labels everything this run creates. */
  runId: string
  /** The parsed Dockerfile (observe/dockerfile.ts), passed through. */
  dockerfile: Part<DockerfileFacts>
  /** Aborts between steps (and the readiness wait); cleanup still runs. */
  signal?: AbortSignal
  /** A compose project (compose-plan.ts): the app runs as its service, after its dependencies. */
  compose?: ComposePlan
}

export interface CollectResult {
  observations: Observations
  /** build: the build; boot: docker run to first HTTP response; observe: everything else. */
  timings: { build: number; boot: number; observe: number }
  /** The image that was checked. */
  image: string
  /** runtime compose: the dependencies started, in order. */
  dependencies?: StartedDependency[]
}

/** Builds, boots and observes the app, and always removes what it started. */
export async function collect(
  opts: Options,
  log: Logger,
  ctx: CollectContext,
): Promise<CollectResult> {
  const started = Date.now()
  // Its generation takes the thread pool a moment: done while the image builds.
  throwAwayKey().catch(() => undefined)
  const docker = new Docker(log)
  const runtime =
    opts.runtime === 'host'
      ? new HostRuntime(opts, ctx.runId, log)
      : ctx.compose
        ? new ComposeRuntime(docker, opts, ctx.runId, log, ctx.compose)
        : new DockerRuntime(docker, opts, ctx.runId, log)
  // A plain run's network needs nothing from the image: it is created while the image builds.
  // (Compose dependencies start after it, so their output does not land in the build's.)
  const opening = (runtime.kind === 'docker' ? runtime.open() : Promise.resolve()).then(
    () => undefined,
    (err: Error) => err,
  )
  try {
    return await observeRun(opts, log, ctx, runtime, opening, started)
  } finally {
    await opening
    await runtime.cleanup().catch((err: Error) => log.warning(`cleanup failed: ${err.message}`))
  }
}

async function observeRun(
  opts: Options,
  log: Logger,
  ctx: CollectContext,
  runtime: DockerRuntime | HostRuntime,
  opening: Promise<Error | undefined>,
  started: number,
): Promise<CollectResult> {
  const { build, image, parsed } = await log.stage('Build image', () => runtime.prepare())
  ctx.signal?.throwIfAborted()

  const { env, secretKey } = appEnv(opts.env, log)
  const run = runFacts(opts, parsed, secretKey !== undefined)
  const obs: Observations = {
    run,
    dockerfile: ctx.dockerfile,
    build,
    image,
    boot: NOT_BUILT,
    processes: NOT_BUILT,
    http: NOT_BUILT,
    logs: NOT_BUILT,
    shutdown: NOT_BUILT,
    proxyConfig: NOT_BUILT,
    proxy: NOT_BUILT,
    probe: NOT_BUILT,
    sessionCookies: NOT_BUILT,
    secondBoot: NOT_BUILT,
    forwardedSpoof: NOT_BUILT,
    tls: NOT_BUILT,
    unit: runtime instanceof HostRuntime ? runtime.unit : NO_UNIT,
  }
  if (runtime.kind === 'host') Object.assign(obs, NOT_IN_HOST_MODE)
  const result = (bootMs: number): CollectResult => ({
    observations: obs,
    timings: {
      build: build.durationMs,
      boot: bootMs,
      observe: Math.max(0, Date.now() - started - build.durationMs - bootMs),
    },
    image: build.imageRef,
    ...(runtime instanceof ComposeRuntime ? { dependencies: runtime.started } : {}),
  })
  if (!build.ok) {
    // In host mode nothing is built: a venv or pip failure means the app cannot boot.
    if (runtime.kind === 'host') Object.assign(obs, hostBootFailure(build))
    return result(0)
  }

  const openFailed = await opening
  if (openFailed) throw openFailed
  const tempDir = makeRunTemp(ctx.runId)
  let second: SecondBootBeside | undefined
  try {
    if (runtime.kind !== 'docker') await runtime.open()
    const probe = opts.introspect
      ? prepareProbe({ tempDir, imagePythonPath: pythonPath(opts, parsed) })
      : undefined
    // The token makes the probe's path unguessable: it must never reach a report.
    if (probe) log.secret(probe.token)
    const step = stepTimer(log)
    const beside = startSecondBoot(
      runtime,
      {
        port: run.port,
        env: [...env.filter(([k]) => k !== 'SECRET_KEY'), ...(probe?.env ?? [])],
        mounts: probe?.mounts ?? [],
        timeoutMs: opts.bootTimeoutS * 1000,
        protocol: run.appProtocol,
        healthPath: opts.healthPath,
        probe: probe ? { token: probe.token, path: probe.path } : undefined,
        parallel: 2,
        log,
        signal: ctx.signal,
      },
      step,
    )
    second = beside
    const { instance, boot } = await log.stage('Boot container', async () => {
      log.info(
        `Starting the app; waiting for HTTP on port ${run.port} (${run.portSource}), up to ${opts.bootTimeoutS} s`,
      )
      const started = await runtime.start({
        role: 'app',
        port: run.port,
        env: [...env, ...(probe?.env ?? [])],
        mounts: probe?.mounts ?? [],
        proxyTarget: true,
        healthPath: opts.healthPath,
        timeoutMs: opts.bootTimeoutS * 1000,
        protocol: run.appProtocol,
        signal: ctx.signal,
      })
      const b = started.boot
      log.info(
        b.ready
          ? `${started.instance.name} ready after ${b.ms} ms (HTTP ${b.firstStatus})`
          : `Not ready: ${notReadyReason(b, run.port)}`,
      )
      return started
    })
    obs.boot = boot
    if (boot.protocol === 'uwsgi') run.appProtocol = 'uwsgi'
    if (!boot.ready || instance.hostPort === undefined) {
      const unavailable: Unavailable = {
        unavailable: `container did not become ready: ${notReadyReason(boot, run.port)}`,
        blockedBy: 'boot.ready',
      }
      Object.assign(obs, bootBlocked(unavailable))
      obs.logs = instance.startError ? unavailable : await runtime.logs(instance)
      return result(boot.ms)
    }
    const hostPort = instance.hostPort
    const envKey = secretKey ?? opts.env.find(([k]) => k === 'SECRET_KEY')?.[1]
    await log.stage('Check running app', () =>
      observeLive(obs, opts, {
        runId: ctx.runId,
        runtime,
        instance,
        hostPort,
        appEnv: env,
        envKey,
        probe,
        protocol: run.appProtocol,
        tempDir,
        log,
        signal: ctx.signal,
        second: beside,
        step,
      }),
    )
    return result(boot.ms)
  } finally {
    // Settled before cleanup lists the run's containers, so none is created after it.
    await second?.cancel()
    fs.rmSync(tempDir, { recursive: true, force: true })
  }
}

/** One short clause saying why the app never answered. */
export function notReadyReason(boot: BootFacts, port: number): string {
  if (boot.dependency)
    return `compose service ${boot.dependency.service} did not become ready: ${boot.dependency.error}`
  if (boot.exited)
    return `the container exited with code ${boot.exited.exitCode} after ${(boot.exited.afterMs / 1000).toFixed(1)} s`
  const listening = boot.listening ?? []
  if (loopbackOnly(listening, port)) {
    const addresses = listening.filter((l) => l.port === port).map((l) => l.address)
    return `the server listens only on ${addresses.join(', ')} port ${port} inside the container`
  }
  return `no HTTP answer on port ${port} within ${(boot.ms / 1000).toFixed(0)} s`
}
