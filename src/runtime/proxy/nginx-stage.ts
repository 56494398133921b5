/**
 * Standing nginx up in front of the running app as in a Docker deployment: its own container on
 * the run's network, upstreams pointed at the app's alias, a throw-away certificate, the app's
 * static files, `nginx -T` for validity and the effective config, then the proxy published on
 * loopback. App and config problems become facts or `{unavailable}` with a reason.
 */
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import type { Docker } from '../../docker/docker'
import type { RunResult } from '../../exec'
import { containerAddress, networkGateway } from '../../docker/stack'
import type { ProxyFacts } from '../../facts/types'
import type { ProxyRuntime } from '../../probe/proxy-requests'
import { CERTBOT_INCLUDES } from '../../proxy/certbot'
import type { FoundConfig } from '../../proxy/discover'
import type { ProxyPlan, StaticTarget } from '../../proxy/plan'
import { withStandIns } from '../../proxy/standins'
import { APP_HOST } from '../app-host'
import { configNotes, initialFacts, readTest, rejectedStage } from './config-facts'
import type { ProxyOptions, ProxySource, ProxyStage, ProxyStageInput } from './kind'
import { prepareMounts, staticSample } from './mounts'
import { startChain } from './balancer'
import { ensureImage, startProxy, testConfig, testInProxy } from './nginx-container'
import { fillStatics } from './statics'

const START_TIMEOUT_MS = 10_000

export async function standUpNginx(
  docker: Docker,
  opts: ProxyOptions,
  input: ProxyStageInput,
  source: ProxySource,
  plan: ProxyPlan,
): Promise<ProxyStage> {
  const { log } = input
  // The reference config is ours: findings and notes never name it as the user's file.
  const found: FoundConfig | undefined =
    source.source === 'reference'
      ? undefined
      : {
          ...source,
          source: source.source,
          includes: source.includes ?? { files: [], standIns: [], undefinedVars: [], notes: [] },
          others: source.others ?? [],
        }
  if (found?.unusable) return unusable(found, plan, opts, input)
  const missing = await ensureImage(docker, opts.proxyImage, log)
  if (missing)
    return { proxyConfig: { unavailable: missing }, proxy: { unavailable: missing }, timings: {} }

  const fallbackName = opts.serverName ?? input.serverNameHint ?? 'example.com'
  const serverName = opts.serverName ?? plan.serverName ?? fallbackName
  const display = found ? found.path : 'the reference config'
  const notes = configNotes(found, plan, input.appPort)
  const dir = path.join(input.tempDir, `proxy-${input.runId}`)
  await fs.rm(dir, { recursive: true, force: true })
  const prepared = await prepareMounts(docker, plan, {
    dir,
    serverName,
    token: input.token,
    appContainer: input.appContainer,
    staticFolderHint: input.staticFolderHint,
    context: opts.context,
    // certbot's own include and DH parameters come with the TLS the action adds as it does.
    standIns: withStandIns(
      found?.includes.standIns ?? [],
      plan.tlsAdded.length ? CERTBOT_INCLUDES : [],
    ),
  })
  notes.push(...prepared.notes)
  const toRepo = (file: string): string =>
    found && file === plan.target
      ? found.path
      : (plan.included.find((f) => f.target === file)?.path ?? file)
  const facts = initialFacts(found, plan, serverName, prepared.statics, notes)

  const hosts = await serviceHostEntries(docker, plan.serviceHosts, input, notes)
  const spec = {
    hosts,
    runId: input.runId,
    image: opts.proxyImage,
    network: input.network,
    mounts: prepared.mounts,
  }
  const ports =
    plan.parseError || plan.sslPort === undefined
      ? undefined
      : [plan.sslPort, ...(plan.plainPort !== undefined ? [plan.plainPort] : [])]
  // The proxy starts at once and `nginx -T` runs inside it (a container start saved); when it
  // does not come up, a throw-away `nginx -T` gives nginx's verdict on the config.
  const common = { serverName, timeoutMs: START_TIMEOUT_MS, mapFile: toRepo }
  const starting = ports ? startProxy(docker, { ...spec, ...common, ports }) : undefined
  const inProxy = async (): Promise<RunResult | undefined> => {
    const up = starting ? await starting : undefined
    if (!up?.ok) return undefined
    const t = await testInProxy(docker, up.name)
    return t.exitCode === 0 ? t : undefined
  }
  const tested = (await inProxy()) ?? (await testConfig(docker, spec))
  const timings: ProxyStage['timings'] = { testMs: tested.ms }
  const rejected = readTest(facts, tested, toRepo)
  if (rejected) {
    await starting
    log.info(`nginx rejected ${display}: ${rejected}`)
    return rejectedStage(facts, rejected, timings)
  }
  log.info(`nginx accepted ${display} (nginx -T: ${tested.ms} ms)`)
  const upstream = opts.tlsTermination === 'upstream'
  if (plan.parseError || (plan.sslPort === undefined && !(upstream && plan.plainPort))) {
    const reason = plan.parseError
      ? `the config could not be read: ${plan.parseError}`
      : upstream
        ? `no server in ${display} listens for plain HTTP: there is nothing for the load balancer to forward to`
        : `no server in ${display} listens with ssl: there is no TLS proxy to check`
    return { proxyConfig: facts, proxy: { unavailable: reason }, timings }
  }
  const gateway = await networkGateway(docker, input.network)
  if (!gateway) log.warning(`could not read the gateway of network ${input.network}`)
  let container: string
  let proxy: ProxyFacts
  if (!starting) {
    const chain = await startChain(docker, {
      ...spec,
      ...common,
      plainPort: plan.plainPort as number,
      dir,
    })
    if (!chain.ok) return { proxyConfig: facts, proxy: { unavailable: chain.reason }, timings }
    timings.startMs = chain.chain.ms
    log.info(
      `nginx ${chain.chain.nginx} answers behind a TLS load balancer after ${chain.chain.ms} ms`,
    )
    container = chain.chain.nginx
    facts.tls = 'upstream'
    proxy = { httpsPort: chain.chain.httpsPort, clientAddress: gateway ?? '', hops: 2 }
  } else {
    const sslPort = plan.sslPort as number
    const started = await starting
    if (!started.ok) return { proxyConfig: facts, proxy: { unavailable: started.reason }, timings }
    timings.startMs = started.ms
    log.info(`Proxy ${started.name} answers TLS for ${serverName} after ${started.ms} ms`)
    container = started.name
    proxy = { httpsPort: started.hostPorts.get(sslPort) as number, clientAddress: gateway ?? '' }
    const httpPort =
      plan.plainPort !== undefined ? started.hostPorts.get(plan.plainPort) : undefined
    if (httpPort !== undefined) proxy.httpPort = httpPort
  }
  const { httpsPort, httpPort } = proxy
  const runtime: ProxyRuntime = {
    container,
    httpsPort,
    ...(httpPort !== undefined ? { httpPort } : {}),
    serverName,
    token: input.token,
    staticSample: staticSample(prepared.statics) ?? (await appStaticSample(docker, input, opts)),
    traversalPaths: prepared.traversalPaths,
    canaryText: prepared.canaryText,
    rateLimited: plan.rateLimited,
    ...(plan.rateBurst !== undefined ? { rateBurst: plan.rateBurst } : {}),
    retryAfterMs: plan.retryAfterMs,
  }
  return { proxyConfig: facts, proxy, runtime, timings }
}

/**
 * The repository has an nginx config the action cannot use: the report says why (as
 * proxy.config-valid's failure) instead of standing the reference proxy in for it.
 */
function unusable(
  found: FoundConfig,
  plan: ProxyPlan,
  opts: ProxyOptions,
  input: ProxyStageInput,
): ProxyStage {
  const reason = found.unusable as string
  const notes = [
    `nginx config: ${found.note}.`,
    `Not used: ${reason}. The reference proxy does not stand in for a repository's own config.`,
    ...found.others.map((o) => `Also found: ${o}.`),
  ]
  const facts = initialFacts(
    found,
    plan,
    opts.serverName ?? input.serverNameHint ?? 'example.com',
    [],
    notes,
  )
  facts.test = { ok: false, message: reason, file: found.path }
  return {
    proxyConfig: facts,
    proxy: {
      unavailable: `the nginx config could not be used: ${reason}`,
      blockedBy: 'proxy.config-valid',
    },
    timings: {},
  }
}

/**
 * /etc/hosts entries for upstream names such as a compose service (`proxy_pass http://web:8000`):
 * in the deployment they name the app container, so here they do too, without editing the text.
 */
export async function serviceHostEntries(
  docker: Docker,
  names: string[],
  input: ProxyStageInput,
  notes: string[],
): Promise<[string, string][]> {
  const wanted = names.filter((n) => n !== APP_HOST)
  if (!wanted.length) return []
  const ip = await containerAddress(docker, input.appContainer, input.network)
  if (!ip) return []
  notes.push(`Upstream host(s) ${wanted.join(', ')} resolve to the app container (${ip}).`)
  return wanted.map((n) => [n, ip])
}

/**
 * A real static file's URL when no nginx location serves /static/: requesting it through the
 * proxy then shows the app answering it (static.served-by-proxy), instead of asking nothing.
 */
export async function appStaticSample(
  docker: Docker,
  input: ProxyStageInput,
  opts: Pick<ProxyOptions, 'context'>,
): Promise<string | undefined> {
  const urlPath = (input.staticUrlPathHint || '/static').replace(/\/+$/, '')
  // dir '' is never copied whole: the probe's folder, then the build context, fill it.
  const target: StaticTarget = {
    location: `${urlPath}/`,
    line: 0,
    kind: 'alias',
    value: '',
    dir: '',
  }
  const filled = await fillStatics(docker, [target], {
    appContainer: input.appContainer,
    staticFolderHint: input.staticFolderHint,
    context: opts.context,
    tempDir: path.join(input.tempDir, `app-static-${input.runId}`),
  })
  return staticSample(filled)
}
