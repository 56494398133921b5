/**
 * Observing the running stack, once the app answers: processes, the app port, the probe, the
 * TLS proxy in front (its requests and the probe through it), the logs and the graceful stop; the
 * boot without SECRET_KEY (started by collect.ts beside the main boot) is told the routes and
 * awaited. Every failure becomes a fact or an `unavailable` reason; collect.ts removes the
 * containers afterwards.
 */
import { randomBytes } from 'node:crypto'
import type { Docker } from '../docker/docker'
import { STOP_GRACE_S } from '../docker/stack'
import type { Logger } from '../log'
import type { Options } from '../options'
import { appProbe } from '../probe/app-probe'
import type { PreparedProbe } from '../probe/introspect'
import { proxyExchanges, proxyParallelism, type ProxyRuntime } from '../probe/proxy-requests'
import { tlsHandshakes } from '../probe/tls'
import { appExit, blockAfterExit, NEEDS_RUNNING_APP } from './app-exit'
import type { DockerRuntime } from './docker-runtime'
import { observeForwardedSpoof } from './forwarded-spoof'
import { ask, askThroughProxy } from './probe-questions'
import { appExchanges, requestParallelism } from './running'
import type { AppInstance, Runtime } from './runtime'
import type { SecondBootBeside } from './second-boot-beside'
import type { Step } from './timing'
import { FORGED_CLIENT } from '../facts/forged'
import { sessionCookiesFrom } from '../facts/session-cookies'
import type {
  ForwardedSpoofFacts,
  HttpExchange,
  Observations,
  ProbeAnswer,
  TlsFacts,
} from '../facts/types'

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
  /** The boot without SECRET_KEY, started beside the main boot; it is told the routes here. */
  second: SecondBootBeside
  /** The run's timing log. */
  step: Step
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

/** The runtime's engine when the run is in containers (host mode has none). */
function dockerOf(c: LiveContext): Docker | undefined {
  return (c.runtime as Partial<DockerRuntime>).docker
}

/** The app's exit when it died mid-run (container runs only: host mode has no container state). */
function exitOf(c: LiveContext, http: readonly HttpExchange[]): ReturnType<typeof appExit> {
  const docker = dockerOf(c)
  return docker ? appExit(docker, c.instance.name, http) : Promise.resolve(undefined)
}

/**
 * Fills processes, http, probe, proxy, sessionCookies, logs, shutdown and secondBoot. From the
 * app's first answer two strands run beside the boot without SECRET_KEY: the process table then
 * the app-port requests, and the proxy stand-up (it needs only the probe's static-folder hints,
 * asked first). The proxy's requests follow, then the graceful stop and the logs.
 */
export async function observeLive(obs: Observations, opts: Options, c: LiveContext): Promise<void> {
  const { run } = obs
  const { step } = c
  // routes: auto needs the probe's list of rules before any route is requested.
  const early =
    opts.routesAuto && c.probe ? await step('probe for routes', askApp(c, c.probe)) : undefined
  const routes = opts.routesAuto ? autoRoutes(obs, early, opts) : opts.routes
  c.second.routes(routes)
  const second = c.second.result
  // The process table settles before the app-port requests, as a fresh deployment's would.
  const appSide = step('processes', c.runtime.processes(c.instance)).then(async (processes) => {
    obs.processes = processes
    const parallel = requestParallelism(processes)
    const http = await step(
      'app-port requests',
      appExchanges({
        hostPort: c.hostPort,
        healthPath: opts.healthPath,
        routes,
        protocol: c.protocol,
        parallel,
        signal: c.signal,
      }),
    )
    return { http, parallel }
  })
  // Awaited below; until then a failure (an abort) must not count as unhandled.
  appSide.catch(() => undefined)
  const answers: ProbeAnswer[] = []
  const appAnswer =
    early ?? (c.probe ? await step('probe on the app port', askApp(c, c.probe)) : undefined)
  if (appAnswer) answers.push(appAnswer)

  const staged = await step(
    'proxy stand-up',
    c.log.stage('Stand up the TLS proxy', () =>
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
    ),
  )
  obs.proxyConfig = staged.proxyConfig
  obs.proxy = staged.proxy
  const { http: appHttp, parallel } = await appSide
  const diedEarly = await exitOf(c, appHttp)
  if (diedEarly) {
    blockAfterExit(obs, diedEarly, [...NEEDS_RUNNING_APP, 'sessionCookies'])
    obs.http = appHttp
    obs.logs = await c.runtime.logs(c.instance)
    obs.secondBoot = await second
    return
  }
  const rt = staged.runtime
  const noProxy =
    'unavailable' in staged.proxy ? staged.proxy : { unavailable: 'the proxy did not answer' }
  // TLS ends at the balancer stand-in (tls-termination: upstream): nothing of the repo's to judge.
  const behindBalancer = !('unavailable' in staged.proxy) && (staged.proxy.hops ?? 1) > 1
  const [proxyHttp, proxyAnswers, spoof, tlsFacts] = rt
    ? await step(
        'proxy requests',
        throughProxy(rt, opts, c, { appAnswer, parallel, routes, handshakes: !behindBalancer }),
      )
    : [[], [], undefined, undefined]
  answers.push(...proxyAnswers)
  obs.forwardedSpoof = spoof ?? noProxy
  obs.tls = behindBalancer
    ? {
        unavailable:
          'TLS ends at the load balancer in front of nginx (tls-termination: upstream): the repository configures no TLS',
        skip: 'not-applicable',
      }
    : (tlsFacts ?? noProxy)
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
  // Nothing asks the proxy anything any more: its container goes while the app stops.
  const docker = dockerOf(c)
  const proxyGone = rt && docker ? step('proxy removal', docker.rm([rt.container])) : undefined
  // The log is read once the server has written its last lines: after the stop (which flushes
  // the access log and adds the shutdown's own lines), else after a moment for the last request.
  const readLogs = async (): Promise<void> => {
    obs.logs = await step('logs', c.runtime.logs(c.instance))
  }
  if (diedLate || !c.runtime.logsAfterStop) {
    await sleep(LOG_FLUSH_MS)
    await readLogs()
  }
  c.signal?.throwIfAborted()
  if (!diedLate) {
    c.log.info(`Stopping ${c.instance.name} (SIGTERM, SIGKILL after ${STOP_GRACE_S} s)`)
    obs.shutdown = await step('graceful stop', c.runtime.stop(c.instance))
    if (c.runtime.logsAfterStop) await readLogs()
  }
  await proxyGone
  obs.secondBoot = await second
}

/**
 * Through the running proxy: its black-box requests, the probe with and without a forged
 * X-Forwarded-For and the forwarded-header forgeries, each batch `parallel` at a time (one when a
 * limit_req burst is small) so the app never has more in flight; the TLS handshakes meanwhile
 * (nginx answers those itself).
 */
async function throughProxy(
  rt: ProxyRuntime,
  opts: Options,
  c: LiveContext,
  o: { appAnswer?: ProbeAnswer; parallel: number; routes: string[]; handshakes: boolean },
): Promise<[HttpExchange[], ProbeAnswer[], ForwardedSpoofFacts, TlsFacts | undefined]> {
  const { routes } = o
  // Every request below, generously: a limit_req burst below it means one at a time.
  const planned = 2 * routes.length + 40
  const parallel = proxyParallelism(rt, o.parallel, planned)
  const requests = async (): Promise<[HttpExchange[], ProbeAnswer[], ForwardedSpoofFacts]> => {
    const http = await proxyExchanges(rt, {
      routes,
      healthPath: opts.healthPath,
      trailingSlashPaths: o.appAnswer?.trailingSlashRules,
      parallel,
      signal: c.signal,
    })
    const forgeries: Record<string, string>[] = [{}, { 'x-forwarded-for': FORGED_CLIENT }]
    const q = { envKey: c.envKey, parallel, signal: c.signal }
    const answers = c.probe ? await askThroughProxy(rt, c.probe, forgeries, q) : []
    const spoof = await observeForwardedSpoof({
      rt,
      routes,
      trailingSlashRules: o.appAnswer?.trailingSlashRules,
      probe: c.probe,
      ...q,
    })
    return [http, answers, spoof]
  }
  const tlsTarget = { port: rt.httpsPort, servername: rt.serverName }
  const [[http, answers, spoof], tlsFacts] = await Promise.all([
    requests(),
    o.handshakes ? tlsHandshakes(tlsTarget, c.signal, 4) : undefined,
  ])
  return [http, answers, spoof, tlsFacts]
}
