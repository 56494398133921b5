/**
 * Recorded observations (see __tests__/data/observations/README.md) and small builders for
 * variations, so each test states only what differs from a recorded run. The recordings predate
 * the TLS proxy stage: `recorded` fills the proxy, probe, session cookie and second-boot parts
 * with what the good fixture shows behind nginx (proxy-defaults.ts).
 */
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { CATALOG } from '../../src/checks/catalog'
import { runChecks } from '../../src/checks/lib/run'
import type { CheckOutcome, CheckResult } from '../../src/checks/lib/types'
import { parseDockerfile } from '../../src/facts/dockerfile'
import type { HttpExchange, Observations, ProcessFacts } from '../../src/facts/types'
import { withProxyDefaults } from './proxy-defaults'

export * from './proxy-defaults'

export type Recorded =
  | 'good'
  | 'dev-server'
  | 'root'
  | 'crashed'
  | 'loopback'
  | 'shell-form'
  | 'baked-secret'
  | 'no-access-log'
  | 'bad-layer-cache'

const DIR = path.join(__dirname, '..', 'data', 'observations')

/** A fresh copy of a recorded run (tests may change it freely). */
export function recorded(name: Recorded): Observations {
  const obs = JSON.parse(readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as Observations
  return withProxyDefaults(obs)
}

/** A recorded run changed by `edit`. */
export function variant(name: Recorded, edit: (obs: Observations) => void): Observations {
  const obs = recorded(name)
  edit(obs)
  return obs
}

/** Replaces the Dockerfile facts with those of `text` (the run's dockerfilePath is kept). */
export function withDockerfile(obs: Observations, text: string, target?: string): Observations {
  obs.dockerfile = parseDockerfile(text, obs.run.dockerfilePath ?? 'Dockerfile', target)
  return obs
}

/** Process table rows `[pid, ppid, uid, args]`; the first row is the container's PID 1. */
export function processTable(...rows: [number, number, number, string][]): ProcessFacts[] {
  return rows.map(([pid, ppid, uid, args], i) => ({ pid, ppid, uid, args, isInit: i === 0 }))
}

/** A Gunicorn master (PID 1) with `workers` worker children, all running `args`. */
export function gunicornTable(args: string, workers: number, uid = 10001): ProcessFacts[] {
  const line = `/usr/bin/python3 /usr/bin/gunicorn ${args}`
  const rows: [number, number, number, string][] = [[5000, 4990, uid, line]]
  for (let i = 1; i <= workers; i++) rows.push([5000 + i, 5000, uid, line])
  return processTable(...rows)
}

/** An exchange on the app port. */
export function appExchange(
  purpose: string,
  reqPath: string,
  status: number,
  extra: { headers?: Record<string, string[]>; body?: string; ms?: number } = {},
): HttpExchange {
  return {
    via: 'app',
    purpose,
    request: { method: 'GET', path: reqPath, headers: { 'user-agent': 'flask-deploy-check' } },
    response: {
      status,
      headers: extra.headers ?? { server: ['gunicorn'] },
      body: extra.body ?? '',
      bodyTruncated: false,
      ms: extra.ms ?? 5,
    },
  }
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
