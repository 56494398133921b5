/**
 * Observing the running stack, once the app answers: processes, the app port, the probe, the
 * TLS proxy in front (its requests and the probe through it), the logs, the boot without
 * SECRET_KEY (in parallel) and the graceful stop. Every failure becomes a fact or an
 * `unavailable` reason; collect.ts removes the containers afterwards.
 */
import { randomBytes } from 'node:crypto'
import { STOP_GRACE_S } from '../docker/stack'
import type { Logger } from '../log'
import type { Options } from '../options'
import { appProbe } from '../probe/app-probe'
import type { PreparedProbe } from '../probe/introspect'
import { proxyExchanges } from '../probe/proxy-requests'
import { tlsHandshakes } from '../probe/tls'
import type { DockerRuntime } from './docker-runtime'
import { appExit, blockAfterExit, NEEDS_RUNNING_APP } from './app-exit'
import { observeForwardedSpoof } from './forwarded-spoof'
import { ask, askThroughProxy } from './probe-questions'
import { appExchanges } from './running'
import type { AppInstance, Runtime } from './runtime'
import { secondBoot } from './second-boot'
import { FORGED_CLIENT } from '../facts/forged'
import { sessionCookiesFrom } from '../facts/session-cookies'
import type { ForwardedSpoofFacts, HttpExchange, Observations, ProbeAnswer } from '../facts/types'

const LOG_FLUSH_MS = 300

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export interface LiveContext {
  runId: string
  /** The runtime the app runs in; the proxy joins its network. */
  runtime: Runtime
  instance: AppInstance
  hostPort: number
  /** The app's env without the probe's variables (SECRET_KEY included when given or injected). */
  appEnv: [string, string][]
  /** The key the app should use: the one injected, or the one the user gave through `env`. */
  envKey?: string
  probe?: PreparedProbe
  /** What the app port speaks ('uwsgi' for a uWSGI `socket`). */
  protocol?: 'http' | 'uwsgi'
  tempDir: string
  log: Logger
  signal?: AbortSignal
}

async function askApp(c: LiveContext, probe: PreparedProbe): Promise<ProbeAnswer | undefined> {
  const http = appProbe(c.protocol, { via: 'app', host: '127.0.0.1', port: c.hostPort })
  try {
    const ex = http.exchange({ purpose: 'probe', path: probe.path, signal: c.signal })
    return await ask(ex, 'app', {}, probe, c.envKey)
  } finally {
    await http.close()
  }
}

/**
 * The routes `routes: auto` requests: the probe's list of the app's GET rules, recorded with how
 * they were found in run.autoRoutes (and run.routes); `/` when the probe did not answer.
 */
function autoRoutes(obs: Observations, answer: ProbeAnswer | undefined, opts: Options): string[] {
  const found = answer?.autoRoutes
  if (found === undefined || found.found.length === 0) {
    obs.run.autoRoutes = {
      unavailable: !opts.introspect
        ? 'introspect is off: the probe lists the routes'
        : answer === undefined
          ? 'the introspection probe did not answer on the app port'
          : 'the app has no GET rule without required arguments',
    }
    return opts.routes
  }
  obs.run.autoRoutes = found
  obs.run.routes = found.found.map((r) => r.path)
  return obs.run.routes
}

/** The app's exit when it died mid-run (container runs only: host mode has no container state). */
function exitOf(c: LiveContext, http: readonly HttpExchange[]): ReturnType<typeof appExit> {
  const docker = (c.runtime as Partial<DockerRuntime>).docker
  return docker ? appExit(docker, c.instance.name, http) : Promise.resolve(undefined)
}

/** Fills processes, http, probe, proxy, sessionCookies, logs, shutdown and secondBoot. */
export async function observeLive(obs: Observations, opts: Options, c: LiveContext): Promise<void> {
  const { run } = obs
  // The boot without SECRET_KEY runs beside the main checks: it only needs the image.
  const second: Promise<Observations['secondBoot']> = secondBoot(c.runtime, {
    port: run.port,
    env: [...c.appEnv.filter(([k]) => k !== 'SECRET_KEY'), ...(c.probe?.env ?? [])],
    mounts: c.probe?.mounts ?? [],
    timeoutMs: opts.bootTimeoutS * 1000,
    protocol: c.protocol,
    routes: opts.routes,
    healthPath: opts.healthPath,
    probe: c.probe ? { token: c.probe.token, path: c.probe.path } : undefined,
    log: c.log,
    signal: c.signal,
  }).catch((err: Error): { unavailable: string } => ({
    unavailable: `the boot without SECRET_KEY could not run: ${err.message}`,
  }))

  obs.processes = await c.runtime.processes(c.instance)
  // routes: auto needs the probe's list of rules before any route is requested.
  const early = opts.routesAuto && c.probe ? await askApp(c, c.probe) : undefined
  const routes = opts.routesAuto ? autoRoutes(obs, early, opts) : opts.routes
  const appHttp = await appExchanges({
    hostPort: c.hostPort,
    healthPath: opts.healthPath,
    routes,
    protocol: c.protocol,
    signal: c.signal,
  })
  const answers: ProbeAnswer[] = []
  const appAnswer = early ?? (c.probe ? await askApp(c, c.probe) : undefined)
  if (appAnswer) answers.push(appAnswer)
  const diedEarly = await exitOf(c, appHttp)
  if (diedEarly) {
    blockAfterExit(obs, diedEarly, [...NEEDS_RUNNING_APP, 'sessionCookies'])
    obs.http = appHttp
    obs.logs = await c.runtime.logs(c.instance)
    obs.secondBoot = await second
    return
  }

  const staged = await c.log.stage('Stand up the TLS proxy', () =>
    c.runtime.standUpProxy(opts, {
      runId: c.runId,
      instance: c.instance,
      appPort: run.port,
      staticFolderHint: appAnswer?.staticFolder ?? undefined,
      staticUrlPathHint: appAnswer?.staticUrlPath ?? undefined,
      // Its own token, not the probe's: it names pages and a canary that evidence may quote.
      token: randomBytes(16).toString('hex'),
      log: c.log,
      tempDir: c.tempDir,
    }),
  )
  obs.proxyConfig = staged.proxyConfig
  obs.proxy = staged.proxy
  let proxyHttp: HttpExchange[] = []
  let spoof: ForwardedSpoofFacts | undefined
  if (staged.runtime) {
    proxyHttp = await proxyExchanges(staged.runtime, {
      routes,
      healthPath: opts.healthPath,
      trailingSlashPaths: appAnswer?.trailingSlashRules,
      signal: c.signal,
    })
    if (c.probe) {
      const forgeries: Record<string, string>[] = [{}, { 'x-forwarded-for': FORGED_CLIENT }]
      const opts = { envKey: c.envKey, signal: c.signal }
      answers.push(...(await askThroughProxy(staged.runtime, c.probe, forgeries, opts)))
    }
    spoof = await observeForwardedSpoof({
      rt: staged.runtime,
      routes,
      trailingSlashRules: appAnswer?.trailingSlashRules,
      probe: c.probe,
      envKey: c.envKey,
      signal: c.signal,
    })
  }
  obs.forwardedSpoof =
    spoof ??
    ('unavailable' in staged.proxy ? staged.proxy : { unavailable: 'the proxy did not answer' })
  const behindBalancer = !('unavailable' in staged.proxy) && (staged.proxy.hops ?? 1) > 1
  obs.tls = behindBalancer
    ? {
        unavailable:
          'TLS ends at the load balancer in front of nginx (tls-termination: upstream): the repository configures no TLS',
        skip: 'not-applicable',
      }
    : staged.runtime
      ? await tlsHandshakes(
          { port: staged.runtime.httpsPort, servername: staged.runtime.serverName },
          c.signal,
        )
      : 'unavailable' in staged.proxy
        ? staged.proxy
        : { unavailable: 'the proxy did not answer' }
  // Probe exchanges stay out of obs.http: their bodies carry the key digest.
  obs.http = [...appHttp, ...proxyHttp]
  obs.probe = !opts.introspect
    ? { unavailable: 'introspect is off', skip: 'requested' as const }
    : answers.length > 0
      ? { answers }
      : {
          unavailable:
            'the introspection probe did not answer (python -I/-E, a cleared environment, or no Flask app)',
        }
  obs.sessionCookies = sessionCookiesFrom(obs.http, {
    cookieName: appAnswer?.sessionCookie.name ?? 'session',
    injectedKey: c.envKey,
  })

  const diedLate = await exitOf(c, obs.http)
  if (diedLate) blockAfterExit(obs, diedLate, ['proxy', 'forwardedSpoof', 'shutdown'])
  // Servers write their access log after the response: give the last line time to land.
  await sleep(LOG_FLUSH_MS)
  obs.logs = await c.runtime.logs(c.instance)
  c.signal?.throwIfAborted()
  if (diedLate) {
    obs.secondBoot = await second
    return
  }
  c.log.info(`Stopping ${c.instance.name} (SIGTERM, SIGKILL after ${STOP_GRACE_S} s)`)
  obs.shutdown = await c.runtime.stop(c.instance)
  obs.secondBoot = await second
}
