/**
 * The kinds in the order they claim a run: the repository's nginx config (the input, or one
 * found in the repo), else the reference config (the deployment chapter's example). Both run
 * in nginx; the Caddy kind (caddy-stage.ts) runs the repository's Caddyfile.
 */
import * as path from 'node:path'
import { discoverCaddyfile } from '../../proxy/caddy-discover'
import { discoverNginxConfig } from '../../proxy/discover'
import { planProxy, SITE_TARGET, type ProxyPlan } from '../../proxy/plan'
import { referenceConfig } from '../../proxy/reference'
import { APP_HOST } from '../app-host'
import type { ProxyKind, ProxyOptions, ProxySource, ProxyStageInput } from './kind'
import { standUpCaddy } from './caddy-stage'
import { standUpNginx } from './nginx-stage'

/**
 * The repository's nginx config for these options, searched once: the Caddy kind asks first
 * (an nginx config nearer the app wins over a Caddyfile), then the nginx kind itself.
 */
const nginxFound = new WeakMap<ProxyOptions, ReturnType<typeof discoverNginxConfig>>()
function nginxConfigFor(opts: ProxyOptions): ReturnType<typeof discoverNginxConfig> {
  if (!nginxFound.has(opts)) nginxFound.set(opts, discoverNginxConfig(opts))
  return nginxFound.get(opts)
}

export const NGINX: ProxyKind<ProxyPlan> = {
  kind: 'nginx',
  find: (opts) => nginxConfigFor(opts),
  plan: (found, _input, opts) =>
    planProxy(found.text, APP_HOST, found.path, {
      addTls: opts.tlsTermination !== 'upstream',
      included: (found.includes?.files ?? []).map(({ path, target, text }) => ({
        path,
        target,
        text,
      })),
    }),
  standUp: standUpNginx,
}

export const REFERENCE: ProxyKind<ProxyPlan> = {
  kind: 'reference',
  find: (opts, input) => ({
    source: 'reference',
    file: '',
    path: 'the reference config',
    text: referenceConfig(
      opts.serverName ?? input.serverNameHint ?? 'example.com',
      APP_HOST,
      input.appPort,
    ),
    note: 'the reference config',
  }),
  plan: (found) => planProxy(found.text, APP_HOST, SITE_TARGET),
  standUp: standUpNginx,
}

/**
 * The repository's Caddyfile: the caddy-config input claims the run before any nginx config;
 * one found in the repository when no nginx config is (nginx-config auto), or when it lies in
 * the build context and the only nginx config lies elsewhere in the workspace (the config
 * nearest the app is its proxy). Its plan needs Caddy's own reading of the file, so it is
 * made in the stage.
 */
export const CADDY: ProxyKind<undefined> = {
  kind: 'caddy',
  find: (opts) => {
    const caddyConfig = opts.caddyConfig ?? 'auto'
    if (caddyConfig !== 'auto') return discoverCaddyfile({ ...opts, caddyConfig })
    if (opts.nginxConfig !== 'auto') return undefined
    const caddy = discoverCaddyfile({ ...opts, caddyConfig })
    if (!caddy) return undefined
    const nginx = nginxConfigFor(opts)
    if (!nginx) return caddy
    return within(caddy.file, opts.context) && !within(nginx.file, opts.context) ? caddy : undefined
  },
  plan: () => undefined,
  standUp: (docker, opts, input, found) => standUpCaddy(docker, opts, input, found),
}

/** Any kind: each stands up with the plan its own plan() made. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProxyKind = ProxyKind<any>

export const PROXY_KINDS: readonly AnyProxyKind[] = [CADDY, NGINX, REFERENCE]

/** The first kind that finds a config for the run, with what it found. */
export function selectProxy(
  opts: ProxyOptions,
  input: ProxyStageInput,
  kinds: readonly AnyProxyKind[] = PROXY_KINDS,
): { kind: AnyProxyKind; found: ProxySource } {
  for (const kind of kinds) {
    const found = kind.find(opts, input)
    if (found) return { kind, found }
  }
  throw new Error('no proxy kind claimed the run (the reference kind always should)')
}

function within(file: string, dir: string): boolean {
  const rel = path.relative(path.resolve(dir), file)
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)
}
