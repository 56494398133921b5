/**
 * ProxyConfigFacts as the report shows them: where the config came from, what the stage changed
 * or assumed (notes), and what `nginx -T` said, with the user's file named by its repository
 * path rather than where it was mounted.
 */
import type { RunResult } from '../../exec'
import {
  configFacts,
  parseNginxDump,
  parseNginxError,
  type NginxDirective,
} from '../../facts/nginx-config'
import type { ProxyConfigFacts } from '../../facts/types'
import type { FoundConfig } from '../../proxy/discover'
import type { ProxyPlan } from '../../proxy/plan'
import type { ProxyStage } from './kind'
import type { FilledStatic } from './statics'
import { errorLine } from '../../facts/cli-error'

/**
 * The first report lines: the config used and how its upstreams reach the app, with a warning
 * when a rewritten upstream keeps a port the app does not listen on (the proxy will answer 502).
 */
export function configNotes(
  found: FoundConfig | undefined,
  plan: ProxyPlan,
  appPort: number,
): string[] {
  const mounted = plan.kind === 'site' ? ' (the only site)' : ' (a whole nginx.conf)'
  const otherPort = plan.rewrites.filter((r) => {
    const port = /:(\d+)(?:[/"']|$)/.exec(r.after)?.[1]
    return port !== undefined && Number(port) !== appPort
  })
  return [
    found
      ? `nginx config: ${found.note}, mounted as ${plan.target}${mounted}.`
      : "No nginx config in the repository: the reference proxy (the deployment chapter's example: TLS, forwarded headers, /static/) is used.",
    ...(found?.includes.notes ?? []),
    ...(found?.includes.undefinedVars ?? []).map(
      (u) =>
        `${u.path}: template variable(s) ${u.names.map((n) => `\${${n}}`).join(', ')} not set in proxy-env: left as written, as the official image's envsubst leaves them.`,
    ),
    ...plan.tlsAdded.map(
      (a) =>
        `${a.path} line ${a.line}: the server listens without TLS; \`${a.listen}\` and a throw-away certificate were added, as certbot --nginx does.`,
    ),
    ...plan.rewrites.map(
      (r) => `Line ${r.line}: ${r.before} points at the app container as ${r.after} (same port).`,
    ),
    ...plan.kept.map((k) => `Line ${k.line}: upstream ${k.value} left as written (${k.reason}).`),
    ...otherPort.map(
      (r) =>
        `Line ${r.line}: ${r.after} keeps the config's port, but the app listens on ${appPort}: requests through the proxy will fail.`,
    ),
  ]
}

/** The facts known before nginx runs (test not yet done). */
export function initialFacts(
  found: FoundConfig | undefined,
  plan: ProxyPlan,
  serverName: string,
  statics: FilledStatic[],
  notes: string[],
): ProxyConfigFacts {
  const facts: ProxyConfigFacts = {
    source: found ? found.source : 'reference',
    rewrites: plan.rewrites.map(({ line, before, after }) => ({ line, before, after })),
    kept: plan.kept.map(({ line, value, reason }) => ({ line, address: value, reason })),
    serverName,
    certificatePaths: plan.certPaths.map((c) => c.path),
    certificateAdded: plan.addCert !== undefined,
    staticDirs: statics.map((s) => ({
      location: s.target.location,
      alias: s.target.kind === 'alias' ? s.target.value : s.target.dir,
      source: s.source,
      files: s.files.length,
    })),
    test: { ok: false },
    notes,
    kind: found ? 'nginx' : 'reference',
    tls: plan.tls,
  }
  if (found) facts.path = found.path
  if (plan.tlsAdded.length)
    facts.tlsAdded = plan.tlsAdded.map((a) => ({ file: a.path, line: a.line, listen: a.listen }))
  if (found?.includes.files.length)
    facts.included = found.includes.files.map((f) => ({ path: f.path, target: f.target }))
  if (found?.includes.standIns.length) facts.standIns = found.includes.standIns.map((s) => s.target)
  if (found?.includes.undefinedVars.length) facts.undefinedVars = found.includes.undefinedVars
  return facts
}

/**
 * Records the `nginx -T` outcome in facts: test and the effective config when nginx accepted
 * it; else nginx's message with the file (mapped by toRepo) and line, returned as one line
 * ("MESSAGE (FILE:LINE)") for the reason. A template variable left unset (facts.undefinedVars)
 * is the likely cause of a refusal, so the message and the reason then say to give it in proxy-env.
 */
export function readTest(
  facts: ProxyConfigFacts,
  tested: RunResult,
  toRepo: (file: string) => string,
): string | undefined {
  if (tested.exitCode === 0 && tested.stdout.includes('# configuration file ')) {
    facts.test = { ok: true }
    const tree = parseNginxDump(tested.stdout)
    facts.facts = configFacts({ ...tree, directives: mapFiles(tree.directives, toRepo) })
    return undefined
  }
  const err = parseNginxError(tested.stderr)
  const lastLine = errorLine(tested.stderr)
  const message = err?.message ?? (lastLine || `nginx -T exited with ${tested.exitCode}`)
  facts.test = { ok: false, message }
  if (err?.file) facts.test.file = toRepo(err.file)
  if (err?.line) facts.test.line = err.line
  const { file, line } = facts.test
  const rejected = `${message}${file ? ` (${file}${line ? `:${line}` : ''})` : ''}`
  const unset = facts.undefinedVars ?? []
  if (!unset.length) return rejected
  const names = unset.flatMap((u) => u.names.map((n) => `\${${n}}`)).join(', ')
  facts.test.message = `${message} (template variable ${names} is not set: give it in proxy-env)`
  return `${rejected}; ${names} not set in proxy-env`
}

/** The tree with in-container paths of the user's file replaced by its repository path. */
function mapFiles(ds: NginxDirective[], map: (file: string) => string): NginxDirective[] {
  return ds.map((d) => ({
    ...d,
    file: map(d.file),
    ...(d.block ? { block: mapFiles(d.block, map) } : {}),
  }))
}

/** The stage when nginx refused the config: proxy.config-valid fails, and blocks what needs the proxy. */
export function rejectedStage(
  facts: ProxyConfigFacts,
  rejected: string,
  timings: ProxyStage['timings'],
): ProxyStage {
  return {
    proxyConfig: facts,
    proxy: {
      unavailable: `nginx rejected the configuration: ${rejected}`,
      blockedBy: 'proxy.config-valid',
    },
    timings,
  }
}
