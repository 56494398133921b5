/**
 * The check tests judge recorded runs (__tests__/data/observations/fixtures, read by load.ts).
 * A test that needs a branch no recording reaches changes one part of a recording with
 * `withPart` (or a helper below built on it), starting from the recorded part itself, so the
 * rest of the run stays what a real run observed.
 */
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { CATALOG } from '../../src/checks/catalog'
import { runChecks } from '../../src/checks/lib/run'
import type { CheckOutcome, CheckResult } from '../../src/checks/lib/types'
import { parseDockerfile } from '../../src/facts/dockerfile'
import { configFacts, parseNginxDump, type NginxConfigFacts } from '../../src/facts/nginx-config'
import type {
  HttpExchange,
  HttpResponseFacts,
  Observations,
  ProbeAnswer,
  ProcessFacts,
  ProxyConfigFacts,
} from '../../src/facts/types'
import { recorded, withPart } from '../data/observations/load'

export { recorded, withPart }

/** A recording changed in place by `edit` (for tests outside this folder). */
export function variant(fixture: string, edit: (obs: Observations) => void): Observations {
  const obs = recorded(fixture)
  edit(obs)
  return obs
}

/** Runs one catalog check's judgement on the observations (its needs are not consulted). */
export function check(id: string, obs: Observations): CheckOutcome {
  const unit = CATALOG.find((c) => c.id === id)
  if (unit === undefined) throw new Error(`${id} is not in the catalog`)
  return unit.run(obs)
}

/** One catalog check run as the report runs it (its needs consulted): its result, with skip_reason. */
export function result(id: string, obs: Observations): CheckResult {
  const [r] = runChecks(
    CATALOG.filter((c) => c.id === id),
    obs,
  )
  if (r === undefined) throw new Error(`${id} is not in the catalog`)
  return r
}

/** A present part of a recording (throws when the recording has it unavailable). */
export function part<K extends keyof Observations>(
  obs: Observations,
  key: K,
): Exclude<Observations[K], { unavailable: string }> {
  const p = obs[key]
  if (typeof p === 'object' && p !== null && 'unavailable' in p)
    throw new Error(`the recording has no ${key}: ${String(p.unavailable)}`)
  return p as Exclude<Observations[K], { unavailable: string }>
}

/** The recording with the Dockerfile facts of `text` (the run's dockerfilePath is kept). */
export function withDockerfile(obs: Observations, text: string, target?: string): Observations {
  const file = obs.run.dockerfilePath ?? 'Dockerfile'
  return withPart(obs, 'dockerfile', parseDockerfile(text, file, target))
}

/** The recorded exchange made via `via` for `purpose` (a copy; throws when there is none). */
export function exchange(obs: Observations, via: 'app' | 'proxy', purpose: string): HttpExchange {
  const x = part(obs, 'http').find((e) => e.via === via && e.purpose === purpose)
  if (x === undefined) throw new Error(`the recording has no ${via} ${purpose} exchange`)
  return structuredClone(x)
}

/**
 * A recorded exchange with its response changed (headers given replace the recorded ones); one
 * that got no answer takes the recorded response of `like` as the base.
 */
export function answered(
  x: HttpExchange,
  change: Partial<HttpResponseFacts>,
  like: HttpExchange = x,
): HttpExchange {
  const base = x.response ?? like.response
  if (base === undefined) throw new Error(`${like.request.path} got no recorded answer`)
  const copy = { ...x, response: { ...base, ...change } }
  delete copy.error
  return copy
}

/** A recorded exchange that got no answer, with a network error instead. */
export function unanswered(x: HttpExchange, error = 'socket hang up'): HttpExchange {
  const copy = { ...x, error }
  delete copy.response
  return copy
}

/** Recorded headers without `names`. */
export function without(
  headers: Record<string, string[]>,
  ...names: string[]
): Record<string, string[]> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name)))
}

/** The recording with its exchanges via `via` for `purpose` replaced by `xs` (or removed). */
export function withExchanges(
  obs: Observations,
  via: 'app' | 'proxy',
  purpose: string,
  ...xs: HttpExchange[]
): Observations {
  const kept = part(obs, 'http').filter((e) => !(e.via === via && e.purpose === purpose))
  return withPart(obs, 'http', [...kept, ...xs])
}

/** The recording with every probe answer changed by `edit` (answers it returns undefined for stay). */
export function withProbe(
  obs: Observations,
  edit: (a: ProbeAnswer) => Partial<ProbeAnswer> | undefined,
): Observations {
  const answers = part(obs, 'probe').answers.map((a) => ({ ...a, ...edit(a) }))
  return withPart(obs, 'probe', { answers })
}

/** The recording with its proxy config part changed. */
export function withProxyConfig(
  obs: Observations,
  change: Partial<ProxyConfigFacts>,
): Observations {
  return withPart(obs, 'proxyConfig', { ...part(obs, 'proxyConfig'), ...change })
}

/**
 * The recording's process table with each row changed by `edit`, keeping the first `count`
 * rows (more repeat the last row, with the next pids).
 */
export function withProcesses(
  obs: Observations,
  edit: (p: ProcessFacts, i: number) => Partial<ProcessFacts>,
  count?: number,
): Observations {
  const rows = part(obs, 'processes')
  const last = rows[rows.length - 1]
  const table = Array.from({ length: count ?? rows.length }, (_, i) => {
    const row = rows[i] ?? { ...last, pid: last.pid + i - rows.length + 1 }
    return { ...row, ...edit(row, i) }
  })
  return withPart(obs, 'processes', table)
}

const NGINX = path.join(__dirname, '..', 'data', 'nginx')
const SITE = '/etc/nginx/conf.d/site.conf'

/**
 * The facts of a captured `nginx -T` (__tests__/data/nginx/<name>.nginx-T.txt), with the site
 * file named by its repository path as the runtime does for the user's config (`repoPath`), or
 * left at its path in the image (undefined, as for the reference proxy).
 */
export function nginxFacts(
  name: string,
  repoPath: string | undefined = 'deploy/nginx.conf',
): NginxConfigFacts {
  const facts = configFacts(
    parseNginxDump(readFileSync(path.join(NGINX, `${name}.nginx-T.txt`), 'utf8')),
  )
  if (repoPath === undefined) return facts
  return JSON.parse(
    JSON.stringify(facts).split(`"file":"${SITE}"`).join(`"file":"${repoPath}"`),
  ) as NginxConfigFacts
}

/**
 * The proxy stage's per-run token as a recording holds it: it names the missing page, the foreign
 * Host and the traversal canary, which evidence quotes (it is not the probe's secret token).
 */
export function runToken(fixture: string): string {
  const x = exchange(recorded(fixture), 'proxy', 'not-found')
  const m = /flask-deploy-check-([0-9a-f]+)-missing/.exec(x.request.path)
  if (m === null) throw new Error(`no run token in ${fixture}'s not-found request`)
  return m[1]
}
