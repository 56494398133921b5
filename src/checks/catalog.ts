/**
 * The single registry of checks, in catalog order. Guarantees every catalog id appears exactly
 * once in the results; turns `skip-checks`, missing observations and unimplemented checks into
 * `skipped` results with a reason.
 */
import type { Observations, Unavailable } from '../facts/types'
import type { CheckOutcome, CheckResult, Severity } from './lib/types'
import { implementations } from './registry'

export type ObservationKey = Exclude<keyof Observations, 'run' | 'build'>
export type CheckFn = (obs: Observations) => CheckOutcome

export interface CatalogEntry {
  id: string
  title: string
  severity: Severity
  /** Observation parts the check cannot decide without (it is skipped with their reason). */
  needs: ObservationKey[]
}

export const CATALOG: readonly CatalogEntry[] = [
  { id: 'build.image', title: 'Image builds', severity: 'error', needs: [] },
  {
    id: 'build.layer-cache',
    title: 'Dependencies install in their own cached layer',
    severity: 'warning',
    needs: ['dockerfile'],
  },
  {
    id: 'image.no-baked-secrets',
    title: 'No secrets baked into the image',
    severity: 'error',
    needs: ['image'],
  },
  {
    id: 'image.non-root',
    title: 'Server does not run as root',
    severity: 'warning',
    needs: ['image'],
  },
  {
    id: 'image.exec-form',
    title: 'Server receives SIGTERM (exec form / PID 1)',
    severity: 'warning',
    needs: ['image'],
  },
  {
    id: 'boot.ready',
    title: 'Container answers HTTP on the app port',
    severity: 'error',
    needs: ['boot'],
  },
  {
    id: 'server.production-wsgi',
    title: 'Production WSGI server (not the Werkzeug dev server)',
    severity: 'error',
    needs: ['processes', 'http'],
  },
  {
    id: 'server.workers',
    title: 'Enough workers to serve concurrent requests',
    severity: 'warning',
    needs: ['processes'],
  },
  {
    id: 'health.endpoint',
    title: 'Health endpoint answers 200 quickly',
    severity: 'error',
    needs: ['http'],
  },
  {
    id: 'proxy.https-urls',
    title: 'Generated URLs are https behind the proxy',
    severity: 'error',
    needs: ['proxy', 'http'],
  },
  {
    id: 'proxy.client-ip',
    title: 'App sees the real client address',
    severity: 'warning',
    needs: ['proxy', 'probe'],
  },
  {
    id: 'proxy.forwarded-headers',
    title: 'Proxy forwards Host, X-Forwarded-For and X-Forwarded-Proto',
    severity: 'error',
    needs: ['proxyConfig'],
  },
  {
    id: 'proxy.config-valid',
    title: 'nginx accepts the configuration',
    severity: 'error',
    needs: ['proxyConfig'],
  },
  {
    id: 'tls.hsts',
    title: 'HSTS on every HTTPS response',
    severity: 'error',
    needs: ['proxy', 'http'],
  },
  {
    id: 'tls.https-redirect',
    title: 'Plain HTTP redirects to HTTPS',
    severity: 'warning',
    needs: ['proxy', 'http'],
  },
  {
    id: 'cookies.secure',
    title: 'Cookies are Secure (session also HttpOnly, SameSite)',
    severity: 'error',
    needs: ['proxy', 'http'],
  },
  { id: 'config.debug-off', title: 'DEBUG is off', severity: 'error', needs: ['http'] },
  {
    id: 'secret.from-env',
    title: 'SECRET_KEY comes from the environment',
    severity: 'error',
    needs: ['http'],
  },
  {
    id: 'secret.strength',
    title: 'SECRET_KEY is not weak and has no weak fallback',
    severity: 'error',
    needs: ['http'],
  },
  {
    id: 'logs.stdout',
    title: 'Logs go to stdout/stderr',
    severity: 'warning',
    needs: ['logs', 'http'],
  },
  {
    id: 'static.served-by-proxy',
    title: 'Static files are served by the proxy',
    severity: 'warning',
    needs: ['proxy', 'http', 'logs'],
  },
  {
    id: 'shutdown.graceful',
    title: 'SIGTERM shuts down cleanly',
    severity: 'warning',
    needs: ['shutdown'],
  },
  {
    id: 'proxy.host-header',
    title: 'Foreign Host headers do not reach the app',
    severity: 'warning',
    needs: ['proxy', 'http'],
  },
  {
    id: 'static.alias-traversal',
    title: 'No path traversal through a static alias',
    severity: 'error',
    needs: ['proxy', 'http'],
  },
  {
    id: 'health.no-session',
    title: 'Health endpoint sets no cookie and is not cached',
    severity: 'notice',
    needs: ['http'],
  },
  {
    id: 'proxy.rate-limit',
    title: 'Proxy rate-limits requests',
    severity: 'notice',
    needs: ['proxyConfig'],
  },
]

export const CHECK_IDS: readonly string[] = CATALOG.map((c) => c.id)

export function isUnavailable(part: unknown): part is Unavailable {
  return typeof part === 'object' && part !== null && 'unavailable' in part
}

function result(entry: CatalogEntry, outcome: CheckOutcome): CheckResult {
  const r: CheckResult = {
    id: entry.id,
    title: entry.title,
    status: outcome.status,
    severity: outcome.severity ?? entry.severity,
    summary: outcome.summary,
    evidence: outcome.evidence ?? [],
  }
  if (outcome.fix !== undefined) r.fix = outcome.fix
  if (outcome.location !== undefined) r.location = outcome.location
  return r
}

/** Runs every catalog check against the observations; never throws for one check's bug. */
export function runChecks(
  obs: Observations,
  skip: readonly string[] = [],
  impls = implementations,
): CheckResult[] {
  return CATALOG.map((entry) => {
    if (skip.includes(entry.id))
      return result(entry, { status: 'skipped', summary: 'skipped by skip-checks' })
    const fn = impls[entry.id]
    if (fn === undefined)
      return result(entry, { status: 'skipped', summary: 'not implemented yet' })
    for (const key of entry.needs) {
      const part = obs[key]
      if (isUnavailable(part))
        return result(entry, { status: 'skipped', summary: part.unavailable })
    }
    try {
      return result(entry, fn(obs))
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      return result(entry, { status: 'skipped', summary: `check crashed: ${message}` })
    }
  })
}
