/**
 * The pipeline both entries share: Dockerfile -> runtime observations -> pure checks ->
 * redacted results -> schema-1 report written to disk. Failures of the app under test end up
 * in the report; only infrastructure errors throw (and cleanup still runs in collect).
 */
import { randomBytes } from 'node:crypto'
import * as path from 'node:path'
import { CATALOG, runCatalog } from './checks/catalog'
import type { CheckResult } from './checks/lib/types'
import type { Logger } from './log'
import { Docker } from './docker/docker'
import { requireEngine } from './docker/engine'
import { collect } from './runtime/collect'
import { composeTarget, resolveCompose } from './runtime/compose-plan'
import { dockerfileSecrets, readDockerfile } from './runtime/dockerfile'
import { looksSecret } from './facts/secret-names'
import type { Observations } from './facts/types'
import type { Options } from './options'
import { applyPolicy } from './policy/apply'
import { compareBaseline } from './report/baseline'
import { observatoryOf } from './report/observatory'
import { routesOf } from './report/routes'
import { readBaseline } from './report/read'
import { buildReport, writeReport, type Report, type ReportCheck } from './report/report'
import { toSarif, writeSarif } from './report/sarif'
import { makeRedactor, redactResults } from './report/sanitize'

export interface PipelineResult {
  report: Report
  /** What the checks judged (no secret values by design; redact before writing anyway). */
  observations: Observations
  /** Applies every redaction the run knows (secrets registered through the logger). */
  redact: (text: string) => string
}

/** Wraps a logger so every secret registered during the run is also known for redaction. */
function recordingSecrets(log: Logger, secrets: string[]): Logger {
  return {
    ...log,
    stage: (title, fn) => log.stage(title, fn),
    secret: (value) => {
      secrets.push(value)
      log.secret(value)
    },
  }
}

/** Runs one target end to end and writes its JSON report to options.reportPath. */
export async function runPipeline(
  options: Options,
  log: Logger,
  ctx: { runId: string; signal?: AbortSignal },
): Promise<PipelineResult> {
  const started = Date.now()
  const secrets = [...options.env.map(([, v]) => v), options.githubToken].filter(
    (s) => s.length > 0,
  )
  const runLog = recordingSecrets(log, secrets)
  // A compose project decides the build, command and environment the rest of the run sees.
  const compose = options.compose ? await resolveCompose(options, ctx.runId, runLog) : undefined
  if (compose) options = compose.options
  // Known before the build, which echoes ENV/ARG lines and build args into its log.
  const baked = options.image ? [] : dockerfileSecrets(options.file)
  const secretArgs = options.buildArgs.filter(([k, v]) => looksSecret(k, v.length, false))
  for (const value of [...baked, ...secretArgs.map(([, v]) => v)]) runLog.secret(value)
  const dockerfile = readDockerfile(
    options.file,
    path.relative(options.workspace, options.file),
    options.target,
  )

  // Host mode runs no container: only Docker runs need a reachable engine.
  if (options.runtime !== 'host') await requireEngine(new Docker(runLog))
  const { observations, timings, image, dependencies } = await collect(options, runLog, {
    runId: ctx.runId,
    dockerfile,
    signal: ctx.signal,
    compose: compose?.plan,
  })

  const checksStarted = Date.now()
  const redact = makeRedactor(secrets)
  const results = redactResults(runCatalog(observations, options.skipChecks), redact)
  const checksMs = timings.observe + (Date.now() - checksStarted)

  const { checks, baseline } = await judged(results, options, new Date())
  const report = buildReport({
    results: checks,
    baseline,
    observatory: observatoryOf(observations),
    routes: routesOf(observations.run),
    policy: options.policy ? { file: options.policy.file } : undefined,
    failOn: options.failOn,
    target: {
      name: options.name,
      image,
      context: path.relative(options.workspace, options.context) || '.',
      file: path.relative(options.workspace, options.unitFile ?? options.file),
      runtime: compose ? 'compose' : options.runtime,
      ...proxyTarget(observations),
      ...(compose ? { compose: composeTarget(compose.plan, options.workspace, dependencies) } : {}),
    },
    timings: {
      build: timings.build,
      boot: timings.boot,
      checks: checksMs,
      total: Date.now() - started,
    },
  })
  await writeReport(report, options.reportPath)
  log.debug(`report written to ${options.reportPath}`)
  if (options.sarifPath) {
    await writeSarif(toSarif(report, CATALOG), options.sarifPath)
    log.debug(`SARIF written to ${options.sarifPath}`)
  }
  return { report, observations, redact }
}

/** The results with the policy's exceptions applied, compared with the baseline when given. */
export async function judged(
  results: readonly CheckResult[],
  options: Pick<Options, 'policy' | 'baselineReport' | 'failOnNewOnly' | 'workspace'>,
  now: Date,
): Promise<{ checks: ReportCheck[]; baseline?: Report['baseline'] }> {
  const checks = applyPolicy(results, options.policy, now)
  if (options.baselineReport === undefined) return { checks }
  const file = path.relative(options.workspace, options.baselineReport)
  const compared = compareBaseline(checks, await readBaseline(options.baselineReport, file), {
    file,
    failOnNewOnly: options.failOnNewOnly,
  })
  return { checks: compared.checks, baseline: compared.summary }
}

/** target.proxy: the kind, config and TLS the proxy stage recorded (absent when it recorded none). */
function proxyTarget(obs: Observations): { proxy?: NonNullable<Report['target']['proxy']> } {
  const c = obs.proxyConfig
  if (!c || 'unavailable' in c) return {}
  const kind = c.kind ?? (c.source === 'reference' ? 'reference' : 'nginx')
  return { proxy: { kind, ...(c.path ? { config: c.path } : {}), tls: c.tls ?? 'nginx' } }
}

/** A short random id that names and labels everything this run creates. */
export function newRunId(): string {
  return randomBytes(6).toString('hex')
}
