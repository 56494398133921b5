/**
 * ProxyConfigFacts of a Caddyfile run, as the report shows them: where the Caddyfile came from,
 * and the lines for what the stage changed (upstreams pointed at the app, internal-CA
 * certificates) or left as written.
 */
import type { ProxyConfigFacts } from '../../facts/types'
import type { CaddyPlan } from '../../proxy/caddy-plan'
import type { ProxySource } from './kind'

export function baseFacts(
  source: ProxySource,
  serverName: string,
  notes: string[],
): ProxyConfigFacts {
  return {
    source: source.source === 'input' ? 'input' : 'detected',
    path: source.path,
    rewrites: [],
    kept: [],
    serverName,
    certificatePaths: [],
    certificateAdded: false,
    staticDirs: [],
    test: { ok: false },
    notes,
    kind: 'caddy',
    tls: 'nginx',
  }
}

/** Fills facts from the plan: what changed, and the lines for the report. */
export function planned(facts: ProxyConfigFacts, plan: CaddyPlan, appPort: number): void {
  facts.rewrites = plan.rewrites
  facts.kept = plan.kept.map(({ line, value, reason }) => ({ line, address: value, reason }))
  facts.notes.push(
    ...plan.rewrites.map(
      (r) =>
        `Line ${r.line}: reverse_proxy ${r.before} points at the app container as ${r.after} (same port).`,
    ),
    ...plan.kept.map((k) => `Line ${k.line}: upstream ${k.value} left as written (${k.reason}).`),
    ...plan.rewrites
      .filter((r) => Number(/:(\d+)$/.exec(r.after)?.[1]) !== appPort)
      .map(
        (r) =>
          `Line ${r.line}: ${r.after} keeps the Caddyfile's port, but the app listens on ${appPort}: requests through the proxy will fail.`,
      ),
    ...plan.notes,
  )
}
