/**
 * The kinds in the order they claim a run: the repository's nginx config (the input, or one
 * found in the repo), else the reference config (the deployment chapter's example). Both run
 * in nginx; a Caddy kind joins this list, not the stage.
 */
import { discoverNginxConfig } from '../../proxy/discover'
import { planProxy, SITE_TARGET, type ProxyPlan } from '../../proxy/plan'
import { referenceConfig } from '../../proxy/reference'
import { APP_HOST } from '../app-host'
import type { ProxyKind, ProxyOptions, ProxySource, ProxyStageInput } from './kind'
import { standUpNginx } from './nginx-stage'

export const NGINX: ProxyKind<ProxyPlan> = {
  kind: 'nginx',
  find: (opts) => discoverNginxConfig(opts),
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

export const PROXY_KINDS: readonly ProxyKind<ProxyPlan>[] = [NGINX, REFERENCE]

/** The first kind that finds a config for the run, with what it found. */
export function selectProxy(
  opts: ProxyOptions,
  input: ProxyStageInput,
  kinds: readonly ProxyKind<ProxyPlan>[] = PROXY_KINDS,
): { kind: ProxyKind<ProxyPlan>; found: ProxySource } {
  for (const kind of kinds) {
    const found = kind.find(opts, input)
    if (found) return { kind, found }
  }
  throw new Error('no proxy kind claimed the run (the reference kind always should)')
}
