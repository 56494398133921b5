/**
 * The compose model as `docker compose config --format json` prints it (paths absolute, env_file
 * merged into environment, `$` escaped as `$$`), and the choices made from it: which service is
 * the app, which it depends on, which one is the proxy. Pure: the engine's output in, facts out.
 */
import { serverOfProgram } from './wsgi'

export interface ComposeBuild {
  context: string
  dockerfile?: string
  args?: Record<string, string | null>
  target?: string
}

export interface ComposeVolume {
  type: string
  source?: string
  target: string
  read_only?: boolean
}

export interface ComposeService {
  build?: ComposeBuild
  image?: string
  command?: string[] | null
  entrypoint?: string[] | null
  environment?: Record<string, string | null>
  depends_on?: Record<string, { condition?: string; required?: boolean }>
  networks?: Record<string, { aliases?: string[] } | null>
  secrets?: { source: string; target?: string }[]
  volumes?: ComposeVolume[]
  ports?: unknown[]
  deploy?: { replicas?: number }
  user?: string
  working_dir?: string
  labels?: Record<string, string>
}

export interface ComposeModel {
  name: string
  services: Record<string, ComposeService>
  networks?: Record<string, { name?: string; external?: boolean; labels?: Record<string, string> }>
  secrets?: Record<string, { name?: string; file?: string; environment?: string }>
  volumes?: Record<string, { name?: string; external?: boolean; labels?: Record<string, string> }>
}

/** Reads the JSON of `docker compose config --format json`; throws on anything else. */
export function parseComposeConfig(json: string): ComposeModel {
  const model = JSON.parse(json) as ComposeModel
  if (typeof model !== 'object' || model === null || typeof model.services !== 'object')
    throw new Error('docker compose config printed no services')
  return model
}

/** A value as the container sees it: the model escapes a literal `$` as `$$`. */
export function unescapeDollars(value: string): string {
  return value.replace(/\$\$/g, '$')
}

/** The service's variables as the container gets them (unset `FOO` entries left out). */
export function serviceEnv(svc: ComposeService): [string, string][] {
  return Object.entries(svc.environment ?? {}).flatMap(([k, v]): [string, string][] =>
    v === null ? [] : [[k, unescapeDollars(v)]],
  )
}

/** True when the words (a command, or a Dockerfile's CMD/ENTRYPOINT) start a WSGI server or flask. */
export function runsWsgiServer(words: readonly string[]): boolean {
  const split = words.flatMap((w) => w.split(/[\s"'[\],;&|()]+/)).filter(Boolean)
  return split.some((w, i) => serverOfProgram(w, split.slice(i + 1)) !== undefined)
}

/** The CMD / ENTRYPOINT words of a Dockerfile's text (every stage; enough for a choice). */
export function dockerfileStartWords(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((l) => /^\s*(CMD|ENTRYPOINT)\s/i.test(l))
    .flatMap((l) => l.trim().split(/\s+/).slice(1))
}

export type ServiceChoice = { service: string } | { error: string }

/**
 * The app service: the one named, else the one service with `build:` whose command, entrypoint
 * or Dockerfile (its text, from `dockerfileOf`) runs a WSGI server or flask.
 */
export function chooseAppService(
  model: ComposeModel,
  wanted: string | undefined,
  dockerfileOf: (name: string) => string | undefined,
): ServiceChoice {
  const names = Object.keys(model.services).sort()
  if (wanted !== undefined) {
    if (!model.services[wanted])
      return {
        error: `compose-service '${wanted}' is not a service of the project (${names.join(', ')})`,
      }
    if (!model.services[wanted].build)
      return { error: `compose-service '${wanted}' has no build: section to build the app from` }
    return { service: wanted }
  }
  const built = names.filter((n) => model.services[n].build)
  const apps = built.filter((n) => {
    const s = model.services[n]
    const words = [...(s.entrypoint ?? []), ...(s.command ?? [])]
    return runsWsgiServer(words) || runsWsgiServer(dockerfileStartWords(dockerfileOf(n) ?? ''))
  })
  if (apps.length === 1) return { service: apps[0] }
  const listed = (apps.length > 1 ? apps : built.length ? built : names).join(', ')
  return {
    error:
      apps.length > 1
        ? `several compose services run a WSGI server (${listed}): set compose-service to the one to check`
        : `no compose service with build: runs Gunicorn, uWSGI, Waitress or flask (services: ${listed}): set compose-service`,
  }
}

/** Every service `name` depends on, transitively, in start order (dependencies first). */
export function dependenciesOf(model: ComposeModel, name: string): string[] {
  const order: string[] = []
  const visit = (n: string, path: string[]): void => {
    for (const dep of Object.keys(model.services[n]?.depends_on ?? {}).sort()) {
      if (path.includes(dep) || order.includes(dep)) continue
      visit(dep, [...path, dep])
      order.push(dep)
    }
  }
  visit(name, [name])
  return order.filter((n) => n !== name)
}

/** The proxy a service runs, nginx or Caddy (its image name, or its build's Dockerfile). */
export function proxyServiceKind(
  svc: ComposeService,
  dockerfile: string | undefined,
): 'nginx' | 'caddy' | undefined {
  const image = /^(nginx|caddy)([:@]|$)/i.exec(svc.image?.replace(/^.*\//, '') ?? '')
  const from = /^\s*FROM\s+(\S+\/)?(nginx|caddy)([:@\s]|$)/im.exec(dockerfile ?? '')
  const kind = (image?.[1] ?? from?.[2])?.toLowerCase()
  return kind === 'nginx' || kind === 'caddy' ? kind : undefined
}

/** The networks the service joins (compose's key, `default` when none is named). */
export function serviceNetworks(svc: ComposeService): string[] {
  const keys = Object.keys(svc.networks ?? {})
  return keys.length ? keys : ['default']
}

/** The engine's name of a network key of the model (`<project>_default` unless named). */
export function networkNameOf(model: ComposeModel, key: string): string {
  return model.networks?.[key]?.name ?? `${model.name}_${key}`
}
