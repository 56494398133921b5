/**
 * Standing the repository's Caddyfile up in front of the running app: `caddy adapt` (Caddy's own
 * parser) for validity and the facts, the plan (caddy-plan.ts: upstreams at the app, internal
 * CA certificates), the app's static files where file_server looks, then Caddy on the planned
 * JSON, published on loopback. Config and app problems become facts or `{unavailable}`.
 */
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import type { Docker } from '../../docker/docker'
import { networkGateway } from '../../docker/stack'
import { parseAdaptError, type CaddyConfig } from '../../facts/caddy-json'
import { errorLine } from '../../facts/cli-error'
import { caddyConfigFacts, dialLine } from '../../facts/caddy-facts'
import type { NginxConfigFacts } from '../../facts/nginx/types'
import type { ProxyFacts } from '../../facts/types'
import { planCaddy } from '../../proxy/caddy-plan'
import type { ProxyRuntime } from '../../probe/proxy-requests'
import { DEFAULT_PROXY_IMAGE } from '../../options'
import { APP_HOST } from '../app-host'
import { baseFacts, planned } from './caddy-config-facts'
import {
  adaptCaddyfile,
  CADDY_JSON_TARGET,
  CADDYFILE_TARGET,
  startCaddy,
  type CaddySpec,
} from './caddy-container'
import type { ProxyOptions, ProxySource, ProxyStage, ProxyStageInput } from './kind'
import { placeCanaries, staticSample, unique } from './mounts'
import { ensureImage } from './nginx-container'
import { appStaticSample, serviceHostEntries } from './nginx-stage'
import { fillStatics } from './statics'

const START_TIMEOUT_MS = 15_000
/** The proxy image when the workflow names none (the default one runs nginx). */
export const DEFAULT_CADDY_IMAGE = 'caddy:2.8'

function caddyImage(opts: ProxyOptions): string {
  return opts.proxyImage && opts.proxyImage !== DEFAULT_PROXY_IMAGE
    ? opts.proxyImage
    : DEFAULT_CADDY_IMAGE
}

export async function standUpCaddy(
  docker: Docker,
  opts: ProxyOptions,
  input: ProxyStageInput,
  source: ProxySource,
): Promise<ProxyStage> {
  const { log } = input
  const image = caddyImage(opts)
  const fallbackName = opts.serverName ?? input.serverNameHint ?? 'example.com'
  const notes = [`Caddyfile: ${source.note}; run by Caddy (${image}).`]
  const facts = baseFacts(source, fallbackName, notes)
  if (source.unusable) {
    facts.test = { ok: false, message: source.unusable, file: source.path }
    const reason = `the Caddyfile could not be used: ${source.unusable}`
    return {
      proxyConfig: facts,
      proxy: { unavailable: reason, blockedBy: 'proxy.config-valid' },
      timings: {},
    }
  }
  const missing = await ensureImage(docker, image, log)
  if (missing)
    return { proxyConfig: { unavailable: missing }, proxy: { unavailable: missing }, timings: {} }

  const dir = path.join(input.tempDir, `proxy-${input.runId}`)
  await fs.rm(dir, { recursive: true, force: true })
  await fs.mkdir(dir, { recursive: true, mode: 0o755 })
  const caddyfile = path.join(dir, 'Caddyfile')
  await fs.writeFile(caddyfile, source.text, { mode: 0o644 })
  const spec: CaddySpec = {
    runId: input.runId,
    image,
    network: input.network,
    mounts: [{ source: caddyfile, target: CADDYFILE_TARGET }],
    hosts: [],
  }
  const t0 = Date.now()
  const adapted = await adaptCaddyfile(docker, spec)
  const timings: ProxyStage['timings'] = { testMs: Date.now() - t0 }
  let config: CaddyConfig | undefined
  try {
    config = adapted.exitCode === 0 ? (JSON.parse(adapted.stdout) as CaddyConfig) : undefined
  } catch {
    config = undefined
  }
  if (config === undefined) {
    // 125-127: docker itself could not run `caddy` in the proxy image (an nginx image, say).
    const err = (adapted.exitCode >= 125
      ? {
          message: `the proxy image ${opts.proxyImage} could not run caddy: ${errorLine(adapted.stderr)}`,
        }
      : parseAdaptError(adapted.stderr)) ?? {
      message: `caddy adapt exited with ${adapted.exitCode}`,
    }
    facts.test = {
      ok: false,
      message: err.message,
      file: source.path,
      ...(err.line ? { line: err.line } : {}),
    }
    const where = err.line ? ` (${source.path}:${err.line})` : ''
    log.info(`caddy adapt rejected ${source.path}: ${err.message}${where}`)
    return {
      proxyConfig: facts,
      proxy: {
        unavailable: `Caddy rejected the Caddyfile: ${err.message}${where}`,
        blockedBy: 'proxy.config-valid',
      },
      timings,
    }
  }
  facts.test = { ok: true }
  const model: NginxConfigFacts = caddyConfigFacts(config, source.text, source.path)
  facts.facts = model
  const lineOf = (dial: string): number => dialLine(model, dial)
  const plan = planCaddy(config, model, { appHost: APP_HOST, lineOf })
  const serverName = opts.serverName ?? plan.serverName ?? fallbackName
  facts.serverName = serverName
  planned(facts, plan, input.appPort)
  log.info(`caddy adapt accepted ${source.path} (${timings.testMs} ms)`)
  if (plan.sslPort === undefined) {
    const reason = `no site in ${source.path} serves HTTPS: there is no TLS proxy to check`
    return { proxyConfig: facts, proxy: { unavailable: reason }, timings }
  }

  const jsonFile = path.join(dir, 'caddy.json')
  await fs.writeFile(jsonFile, plan.json, { mode: 0o644 })
  const mounts = [{ source: jsonFile, target: CADDY_JSON_TARGET }]
  const statics = await fillStatics(docker, plan.statics, {
    appContainer: input.appContainer,
    staticFolderHint: input.staticFolderHint,
    context: opts.context,
    tempDir: dir,
  })
  for (const s of statics) {
    mounts.push({ source: s.hostDir, target: s.target.dir })
    notes.push(
      `${s.target.dir} (${s.target.location}) was filled with ${s.files.length} file(s) from the ${s.source}.`,
    )
  }
  facts.staticDirs = statics.map((s) => ({
    location: s.target.location,
    alias: s.target.kind === 'alias' ? s.target.value : s.target.dir,
    source: s.source,
    files: s.files.length,
  }))
  const { canaryText, traversalPaths } = await placeCanaries(statics, dir, input.token, mounts)
  const hosts = await serviceHostEntries(docker, plan.serviceHosts, input, notes)
  const ports = [plan.sslPort, ...(plan.plainPort !== undefined ? [plan.plainPort] : [])]
  const started = await startCaddy(docker, {
    ...spec,
    mounts: unique(mounts),
    hosts,
    ports,
    serverName,
    timeoutMs: START_TIMEOUT_MS,
  })
  if (!started.ok) return { proxyConfig: facts, proxy: { unavailable: started.reason }, timings }
  timings.startMs = started.ms
  notes.push(
    started.verified
      ? `The certificate for ${serverName} verifies against Caddy's internal root CA.`
      : `The certificate for ${serverName} did not verify against Caddy's internal root CA.`,
  )
  const httpsPort = started.hostPorts.get(plan.sslPort) as number
  const httpPort = plan.plainPort !== undefined ? started.hostPorts.get(plan.plainPort) : undefined
  const gateway = await networkGateway(docker, input.network)
  log.info(`Caddy ${started.name} answers TLS for ${serverName} after ${started.ms} ms`)
  const proxy: ProxyFacts = { httpsPort, clientAddress: gateway ?? '' }
  if (httpPort !== undefined) proxy.httpPort = httpPort
  const runtime: ProxyRuntime = {
    container: started.name,
    httpsPort,
    ...(httpPort !== undefined ? { httpPort } : {}),
    serverName,
    token: input.token,
    staticSample: staticSample(statics) ?? (await appStaticSample(docker, input, opts)),
    traversalPaths,
    canaryText,
    rateLimited: false,
    retryAfterMs: 1000,
  }
  return { proxyConfig: facts, proxy, runtime, timings }
}
