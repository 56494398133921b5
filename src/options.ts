/**
 * The one typed options object and its validation. Pure: both the action (inputs.ts) and the
 * CLI (cli.ts) hand it raw strings keyed by input name; a bad value throws UsageError naming
 * the input, the value and what is accepted, before anything starts. The input families live
 * in src/options/; the order here is the order inputs are validated in (the first bad one wins).
 */
import * as os from 'node:os'
import * as path from 'node:path'
import { CHECK_IDS, isCheckId } from './checks/ids'
import { cacheSpec, imageRef } from './options/image'
import { policyOf, withPolicyInputs } from './options/policy'
import { DEFAULT_PROXY_IMAGE, proxyInputsOf } from './options/proxy'
import { appSourceOf } from './options/source'
import type { FailOn, InputName, Options, OptionsEnvironment, RawInputs } from './options/types'
import { bad, bool, command, int, lines, pairs, urlPath } from './options/values'

export type {
  ComposeOptions,
  FailOn,
  InputName,
  Mode,
  Options,
  OptionsEnvironment,
  RawInputs,
  TlsTermination,
} from './options/types'
export { INPUT_NAMES } from './options/types'
export { UsageError } from './options/values'
export { DEFAULT_POLICY_FILE, POLICY_INPUTS } from './options/policy'
export { DEFAULT_PROXY_IMAGE } from './options/proxy'

/**
 * Validates raw inputs and applies defaults: the workflow's value, else the policy file's, else
 * the built-in one. Throws UsageError on the first bad value (or a bad policy file).
 */
export function parseOptions(workflow: RawInputs, env: OptionsEnvironment): Options {
  const policy = policyOf(workflow, env.workspace)
  const raw = withPolicyInputs(workflow, policy)
  const get = (k: InputName): string => (raw[k] ?? '').trim()
  const { mode, commentOnly, reportFile, image, compose, context, file, choice } = appSourceOf(
    raw,
    env,
  )

  const failOn = get('fail-on') || 'error'
  if (!['error', 'warning', 'never'].includes(failOn))
    throw bad('fail-on', failOn, "'error', 'warning' or 'never'")

  const skipChecks = lines(raw['skip-checks'])
    .flatMap((l) => l.split(/[\s,]+/))
    .filter(Boolean)
  for (const id of skipChecks) {
    if (!isCheckId(id))
      throw bad(
        'skip-checks',
        id,
        `check ids from the catalog (${CHECK_IDS.slice(0, 3).join(', ')}, ...)`,
      )
  }

  const { nginxConfig, caddyConfig, tlsTermination, serverName } = proxyInputsOf(
    get,
    env.workspace,
    commentOnly,
  )

  const target = get('target') || undefined
  if (target !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(target))
    throw bad('target', target, 'a build stage name')

  const name = get('name')
  if (name.length > 100 || /[\r\n<>]/.test(name))
    throw bad('name', name, 'a short label without line breaks or < >')

  const reportRaw = get('report-path')
  const tempBase = env.runnerTemp || os.tmpdir()
  const reportPath = reportRaw
    ? path.resolve(env.workspace, reportRaw)
    : path.join(
        tempBase,
        'flask-deploy-check',
        name ? `report-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.json` : 'report.json',
      )

  const routeLines = lines(raw.routes)
  const routesAuto = routeLines.length === 1 && routeLines[0] === 'auto'
  const routes = routesAuto ? [] : routeLines.map((r) => urlPath('routes', r))
  const baselineRaw = get('baseline-report')
  const sarifRaw = get('sarif-path')

  return {
    context,
    file,
    buildArgs: pairs('build-args', raw['build-args']),
    target,
    image: commentOnly ? get('image') || undefined : image,
    command: get('command') ? command(get('command')) : undefined,
    port: get('port') ? int('port', get('port'), 1, 65535) : undefined,
    env: pairs('env', raw.env),
    healthPath: urlPath('health-path', get('health-path') || '/healthz'),
    routes: routes.length > 0 ? routes : ['/'],
    routesAuto,
    nginxConfig,
    caddyConfig,
    serverName,
    proxyImage: get('proxy-image')
      ? imageRef('proxy-image', get('proxy-image'))
      : DEFAULT_PROXY_IMAGE,
    tlsTermination,
    proxyEnv: pairs('proxy-env', raw['proxy-env']),
    introspect: bool('introspect', raw.introspect, true),
    bootTimeoutS: get('boot-timeout') ? int('boot-timeout', get('boot-timeout'), 1, 3600) : 60,
    failOn: failOn as FailOn,
    skipChecks,
    name,
    comment: bool('comment', raw.comment, true),
    githubToken: get('github-token'),
    reportPath: reportFile ?? reportPath,
    workspace: env.workspace,
    mode,
    reportFile,
    policy,
    baselineReport: baselineRaw ? path.resolve(env.workspace, baselineRaw) : undefined,
    failOnNewOnly: bool('fail-on-new-only', raw['fail-on-new-only'], false),
    sarifPath: sarifRaw ? path.resolve(env.workspace, sarifRaw) : undefined,
    ...(compose ? { compose } : {}),
    ...choice,
    keepImage: bool('keep-image', raw['keep-image'], false),
    cacheFrom: lines(raw['cache-from']).map((l) => cacheSpec('cache-from', l, env.workspace)),
    cacheTo: lines(raw['cache-to']).map((l) => cacheSpec('cache-to', l, env.workspace)),
  }
}
