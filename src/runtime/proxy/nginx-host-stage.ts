/**
 * Host mode's proxy: the repository's nginx config (or the reference one) run by the runner's
 * own nginx in front of the app's child process, as on the server the unit is written for.
 * The same plan, certificate, stand-ins, static files and `nginx -T` facts as the docker stage;
 * upstreams point at 127.0.0.1 and the app's port, listens at loopback ports the run chose.
 * Another proxy kind (Caddy) joins HOST_PROXIES with its own host stand-up.
 */
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import type { Docker } from '../../docker/docker'
import type { ProxyFacts } from '../../facts/types'
import type { HostChild } from '../../host/child'
import { namespaceScript, nginxBinary, startHostNginx, testHostNginx } from '../../host/nginx'
import { freePort } from '../../host/ports'
import type { ProxyRuntime } from '../../probe/proxy-requests'
import type { FoundConfig } from '../../proxy/discover'
import { listenPorts, moveListens } from '../../proxy/listen'
import { planProxy, SITE_TARGET, type ProxyPlan } from '../../proxy/plan'
import { referenceConfig } from '../../proxy/reference'
import { configNotes, initialFacts, readTest, rejectedStage } from './config-facts'
import type { ProxyOptions, ProxySource, ProxyStage, ProxyStageInput } from './kind'
import { NGINX } from './kinds'
import { prepareMounts, staticSample } from './mounts'
import { handshake } from './port-ready'

const START_TIMEOUT_MS = 10_000
const LOOPBACK = '127.0.0.1'

export type HostProxyInput = Omit<ProxyStageInput, 'network' | 'appContainer'> & {
  /** The loopback port the app's child process listens on. */
  appHostPort: number
}

/** A standing host proxy, and its process for the runtime to end. */
export type HostProxyStage = ProxyStage & { process?: HostChild }

/**
 * Static files come from the checkout, not a container: the one Docker call fillStatics makes
 * (`docker cp CONTAINER:SRC DEST`) is answered by copying SRC on the host.
 */
const LOCAL_FILES = {
  cp: async (_container: string, src: string, dest: string) => {
    const from = src.replace(/\/\.$/, '')
    try {
      await fs.cp(from, dest, { recursive: true, dereference: true })
      return { exitCode: 0, stdout: '', stderr: '', ms: 0, timedOut: false, truncated: false }
    } catch (err) {
      const stderr = (err as Error).message
      return { exitCode: 1, stdout: '', stderr, ms: 0, timedOut: false, truncated: false }
    }
  },
} as unknown as Docker

function source(opts: ProxyOptions, input: HostProxyInput): ProxySource {
  const found = NGINX.find(opts, { ...input, network: '', appContainer: '' })
  if (found) return found
  const name = opts.serverName ?? input.serverNameHint ?? 'example.com'
  return {
    source: 'reference',
    file: '',
    path: 'the reference config',
    text: referenceConfig(name, LOOPBACK, input.appHostPort),
    note: 'the reference config',
  }
}

/** The plan with upstreams at the app's loopback port and listens at the run's ports. */
async function hostPlan(
  found: ProxySource,
  opts: ProxyOptions,
  input: HostProxyInput,
): Promise<{ plan: ProxyPlan; ports: Map<number, number> }> {
  const plan =
    found.source === 'reference'
      ? planProxy(found.text, LOOPBACK, SITE_TARGET)
      : planProxy(found.text, LOOPBACK, found.path, {
          addTls: opts.tlsTermination !== 'upstream',
          included: (found.includes?.files ?? []).map(({ path, target, text }) => ({
            path,
            target,
            text,
          })),
        })
  const ports = new Map<number, number>()
  if (plan.parseError) return { plan, ports }
  const files = [{ path: found.path, text: plan.text }, ...plan.included]
  for (const f of files) for (const p of listenPorts(f.text, f.path)) ports.set(p, 0)
  for (const p of ports.keys()) ports.set(p, await freePort())
  // The unit's port may have been taken: the app then listens on another loopback port.
  const appPort = (t: string): string =>
    input.appPort === input.appHostPort
      ? t
      : t.split(`${LOOPBACK}:${input.appPort}`).join(`${LOOPBACK}:${input.appHostPort}`)
  plan.text = appPort(moveListens(plan.text, ports, found.path).text)
  plan.included = plan.included.map((f) => ({
    ...f,
    text: appPort(moveListens(f.text, ports, f.path).text),
  }))
  return { plan, ports }
}

/** Stands nginx up on the host in front of the app; failures become facts or `unavailable`. */
export async function standUpHostNginx(
  opts: ProxyOptions,
  input: HostProxyInput,
): Promise<HostProxyStage> {
  const { log } = input
  const nginx = nginxBinary()
  if (!nginx) {
    const reason = 'host mode needs nginx on the runner (apt-get install nginx): none is installed'
    return { proxyConfig: { unavailable: reason }, proxy: { unavailable: reason }, timings: {} }
  }
  if (process.getuid?.() !== 0) {
    const reason =
      "host mode's nginx runs in a private mount namespace, which needs root: run the job as root (a container job, a self-hosted runner)"
    return { proxyConfig: { unavailable: reason }, proxy: { unavailable: reason }, timings: {} }
  }
  const src = source(opts, input)
  const found: FoundConfig | undefined =
    src.source === 'reference'
      ? undefined
      : {
          ...src,
          source: src.source,
          includes: src.includes ?? { files: [], standIns: [], undefinedVars: [], notes: [] },
          others: src.others ?? [],
        }
  const { plan, ports } = await hostPlan(src, opts, input)
  const serverName = opts.serverName ?? plan.serverName ?? input.serverNameHint ?? 'example.com'
  const display = found ? found.path : 'the reference config'
  const notes = configNotes(found, plan, input.appPort)
  const dir = path.join(input.tempDir, `proxy-${input.runId}`)
  await fs.rm(dir, { recursive: true, force: true })
  const prepared = await prepareMounts(LOCAL_FILES, plan, {
    dir,
    serverName,
    token: input.token,
    appContainer: '',
    staticFolderHint: input.staticFolderHint,
    context: opts.context,
    standIns: found?.includes.standIns,
  })
  notes.push(...prepared.notes)
  notes.push(
    `nginx runs on the runner (${nginx}), its listen ports moved to loopback: ${[...ports].map(([a, b]) => `${a} -> ${LOOPBACK}:${b}`).join(', ')}.`,
  )
  const toRepo = (file: string): string =>
    found && file === plan.target
      ? found.path
      : (plan.included.find((f) => f.target === file)?.path ?? file)
  const facts = initialFacts(found, plan, serverName, prepared.statics, notes)
  const users = [...plan.text.matchAll(/^\s*user\s+([A-Za-z_][\w-]*)/gm)].map((m) => m[1])
  const work = path.join(dir, 'ns')
  const { script, skipped } = namespaceScript(prepared.mounts, { work, users })
  for (const s of skipped) notes.push(`${s} could not be placed for the host's nginx.`)
  const tested = await testHostNginx(script, nginx, work)
  const timings: ProxyStage['timings'] = { testMs: tested.ms }
  // The checks judge the listens as written (443, 80), not the loopback ports they moved to.
  const rejected = readTest(
    facts,
    { ...tested, stdout: listensAsWritten(tested.stdout, ports) },
    toRepo,
  )
  if (rejected) {
    log.info(`nginx rejected ${display}: ${rejected}`)
    return rejectedStage(facts, rejected, timings)
  }
  log.info(`nginx accepted ${display} (nginx -T: ${tested.ms} ms)`)
  const sslPort = plan.sslPort === undefined ? undefined : ports.get(plan.sslPort)
  if (plan.parseError || sslPort === undefined) {
    const reason = plan.parseError
      ? `the config could not be read: ${plan.parseError}`
      : `no server in ${display} listens with ssl: there is no TLS proxy to check`
    return { proxyConfig: facts, proxy: { unavailable: reason }, timings }
  }
  const started = Date.now()
  const child = startHostNginx(input.runId, script, nginx, work)
  const httpPort = plan.plainPort === undefined ? undefined : ports.get(plan.plainPort)
  while (Date.now() - started < START_TIMEOUT_MS) {
    if (await handshake(sslPort, serverName, 1000)) {
      timings.startMs = Date.now() - started
      log.info(
        `nginx answers TLS for ${serverName} on ${LOOPBACK}:${sslPort} after ${timings.startMs} ms`,
      )
      const proxy: ProxyFacts = { httpsPort: sslPort, clientAddress: LOOPBACK }
      if (httpPort !== undefined) proxy.httpPort = httpPort
      const runtime: ProxyRuntime = {
        container: `fdc-${input.runId}-proxy`,
        httpsPort: sslPort,
        ...(httpPort !== undefined ? { httpPort } : {}),
        serverName,
        token: input.token,
        staticSample: staticSample(prepared.statics),
        traversalPaths: prepared.traversalPaths,
        canaryText: prepared.canaryText,
        rateLimited: plan.rateLimited,
        retryAfterMs: plan.retryAfterMs,
      }
      return { proxyConfig: facts, proxy, runtime, timings, process: child }
    }
    if (child.exit) break
    await new Promise((r) => setTimeout(r, 100))
  }
  const why = child.exit
    ? `nginx exited with code ${child.exit.code}: ${child.merged.slice(-3).join(' | ')}`
    : `no TLS handshake on ${LOOPBACK}:${sslPort} within ${START_TIMEOUT_MS / 1000} s`
  return { proxyConfig: facts, proxy: { unavailable: why }, timings, process: child }
}

/** `nginx -T` output with the moved listen addresses put back (same lines, same files). */
function listensAsWritten(dump: string, ports: ReadonlyMap<number, number>): string {
  let out = dump
  for (const [written, moved] of ports) {
    out = out
      .replace(new RegExp(`(listen\\s+)127\\.0\\.0\\.1:${moved}\\b`, 'g'), `$1${written}`)
      .replace(new RegExp(`(listen\\s+)127\\.0\\.0\\.2:${moved}\\b`, 'g'), `$1[::]:${written}`)
  }
  return out
}
