/**
 * From `compose-file` to a run: the model as `docker compose config` interpolates it, the app
 * service, what it depends on, and the options the rest of the pipeline sees (its build, command,
 * environment and nginx config from compose, the workflow's own inputs winning). Bad input is a
 * UsageError naming the file or service, before anything is built or started.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Compose, projectName } from '../docker/compose'
import {
  chooseAppService,
  dependenciesOf,
  proxyServiceKind,
  networkNameOf,
  parseComposeConfig,
  serviceEnv,
  serviceNetworks,
  unescapeDollars,
  type ComposeModel,
  type ComposeService,
} from '../facts/compose'
import { looksSecret } from '../facts/secret-names'
import type { Logger } from '../log'
import type { ComposeTarget } from '../report/report'
import { UsageError, type Options } from '../options'

export interface ComposePlan {
  files: string[]
  project: string
  model: ComposeModel
  service: string
  /** Services started before the app, dependencies first (the proxy service never). */
  dependencies: string[]
  /** The nginx/Caddy service whose config stands in front, when there is one. */
  proxyService?: string
  /** Compose's key and the engine's name of the network the app joins. */
  networkKey: string
  network: string
  /** The app's names on that network: the service name and its declared aliases. */
  aliases: string[]
  /** Compose secrets of the app, as files mounted at /run/secrets/NAME (or their target). */
  secretMounts: { source: string; target: string }[]
  /** Compose `entrypoint:` of the app, when set. */
  entrypoint?: string[]
}

/** Reads the project, chooses the service and returns the options the run uses. */
export async function resolveCompose(
  opts: Options,
  runId: string,
  log: Logger,
): Promise<{ options: Options; plan: ComposePlan }> {
  const c = opts.compose
  if (!c) throw new Error('resolveCompose needs compose-file')
  const project = projectName(runId)
  const shown = c.files.map((f) => rel(opts.workspace, f)).join(', ')
  const res = await new Compose(log).config(c.files, project)
  if (res.exitCode !== 0) {
    const why = res.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${res.exitCode}`
    throw new UsageError(`input 'compose-file' (${shown}) does not validate: ${why}`)
  }
  const model = parseComposeConfig(res.stdout)
  const dockerfileOf = (name: string): string | undefined => readDockerfileOf(model.services[name])
  const choice = chooseAppService(model, c.service, dockerfileOf)
  if ('error' in choice) throw new UsageError(`${choice.error} (in ${shown})`)
  const service = choice.service
  const svc = model.services[service]
  const proxyService = Object.keys(model.services)
    .sort()
    .find((n) => n !== service && proxyServiceKind(model.services[n], dockerfileOf(n)))
  const dependencies = dependenciesOf(model, service).filter((d) => d !== proxyService)
  const networkKey = appNetwork(model, service, dependencies)
  const plan: ComposePlan = {
    files: c.files,
    project,
    model,
    service,
    dependencies,
    ...(proxyService ? { proxyService } : {}),
    networkKey,
    network: networkNameOf(model, networkKey),
    aliases: [service, ...(svc.networks?.[networkKey]?.aliases ?? [])],
    secretMounts: secretMounts(model, [service, ...dependencies], opts.workspace, log),
    ...(svc.entrypoint?.length ? { entrypoint: svc.entrypoint.map(unescapeDollars) } : {}),
  }
  const env = serviceEnv(svc)
  for (const [k, v] of env) if (looksSecret(k, v.length, false)) log.secret(v)
  log.info(
    `Compose: service ${service} of ${shown}${dependencies.length ? `, after ${dependencies.join(', ')}` : ''}${proxyService ? `; proxy config from service ${proxyService}` : ''}`,
  )
  return { options: composeOptions(opts, plan, env), plan }
}

/** The options with the service's build, command and environment; set inputs win. */
function composeOptions(opts: Options, plan: ComposePlan, env: [string, string][]): Options {
  const c = opts.compose!
  const svc = plan.model.services[plan.service]
  const build = svc.build!
  const context = c.contextSet ? opts.context : build.context
  const file = c.fileSet ? opts.file : path.resolve(build.context, build.dockerfile ?? 'Dockerfile')
  const args = Object.entries(build.args ?? {}).flatMap(([k, v]): [string, string][] =>
    v === null ? [] : [[k, unescapeDollars(v)]],
  )
  const command = svc.command?.map(unescapeDollars)
  const composeCommand = plan.entrypoint
    ? [...plan.entrypoint.slice(1), ...(command ?? [])]
    : command
  const proxy = plan.proxyService ? plan.model.services[plan.proxyService] : undefined
  // A Caddy service's Caddyfile is found by the Caddy kind's own discovery, not as nginx-config.
  const nginx = proxy && proxyServiceKind(proxy, readDockerfileOf(proxy)) === 'nginx'
  return {
    ...opts,
    context,
    file,
    buildArgs: overridden(args, opts.buildArgs),
    target: opts.target ?? build.target,
    command: opts.command ?? composeCommand,
    env: overridden(env, opts.env),
    ...composeNginxConfig(opts, plan, nginx ? proxy : undefined),
    proxyEnv: overridden(proxy ? serviceEnv(proxy) : [], opts.proxyEnv),
  }
}

/** The nginx service's config, named as such in the report, unless the input gives one. */
function composeNginxConfig(
  opts: Options,
  plan: ComposePlan,
  nginx: ComposeService | undefined,
): Pick<Options, 'nginxConfig' | 'nginxConfigFrom'> {
  const config = opts.nginxConfig === 'auto' && nginx ? proxyConfigOf(nginx) : undefined
  if (config === undefined) return { nginxConfig: opts.nginxConfig }
  return { nginxConfig: config, nginxConfigFrom: `compose service ${plan.proxyService}` }
}

/** Pairs of `base` with those of `over` replacing the same keys (and added after). */
function overridden(base: [string, string][], over: [string, string][]): [string, string][] {
  const keys = new Set(over.map(([k]) => k))
  return [...base.filter(([k]) => !keys.has(k)), ...over]
}

/**
 * Where the proxy service's config is on the host: a file or directory it mounts under
 * /etc/nginx (or a Caddyfile), else its build context (the files its Dockerfile copies).
 */
function proxyConfigOf(svc: ComposeService): string | undefined {
  const mounted = (svc.volumes ?? []).find(
    (v) => v.type === 'bind' && v.source && /^\/etc\/(nginx|caddy)(\/|$)/.test(v.target),
  )
  if (mounted?.source && fs.existsSync(mounted.source)) return mounted.source
  return svc.build?.context
}

/** The network the app joins: the first of its own that a dependency shares, else its first. */
function appNetwork(model: ComposeModel, service: string, deps: string[]): string {
  const own = serviceNetworks(model.services[service])
  const shared = own.find((n) => deps.some((d) => serviceNetworks(model.services[d]).includes(n)))
  return shared ?? own[0]
}

/**
 * The app's file secrets as mounts; every secret the app or a dependency uses must have its
 * file (compose would fail later, less clearly). Their contents are registered as secrets.
 */
function secretMounts(
  model: ComposeModel,
  services: string[],
  workspace: string,
  log: Logger,
): ComposePlan['secretMounts'] {
  const file = (source: string): string => {
    const def = model.secrets?.[source]
    if (!def?.file)
      throw new UsageError(
        `compose secret '${source}' has no file: only file secrets are supported`,
      )
    if (!fs.existsSync(def.file))
      throw new UsageError(
        `compose secret '${source}': the file ${rel(workspace, def.file)} does not exist`,
      )
    const value = fs.readFileSync(def.file, 'utf8').trim()
    if (value) log.secret(value)
    return def.file
  }
  const [app, ...deps] = services
  for (const d of deps) for (const s of model.services[d].secrets ?? []) file(s.source)
  return (model.services[app].secrets ?? []).map((s) => {
    const target = s.target ?? s.source
    return {
      source: file(s.source),
      target: target.startsWith('/') ? target : `/run/secrets/${target}`,
    }
  })
}

function readDockerfileOf(svc: ComposeService | undefined): string | undefined {
  if (!svc?.build) return undefined
  try {
    return fs.readFileSync(
      path.resolve(svc.build.context, svc.build.dockerfile ?? 'Dockerfile'),
      'utf8',
    )
  } catch {
    return undefined
  }
}

function rel(workspace: string, file: string): string {
  const r = path.relative(workspace, file)
  return r.startsWith('..') ? file : r
}

/** target.compose of the report. */
export function composeTarget(
  plan: ComposePlan,
  workspace: string,
  started: ComposeTarget['dependencies'] = [],
): ComposeTarget {
  const files = plan.files.map((f) => rel(workspace, f).split(path.sep).join('/'))
  return { files, service: plan.service, dependencies: started }
}
