/**
 * The one typed options object and its validation. Pure: both the action (inputs.ts) and the
 * CLI (cli.ts) hand it raw strings keyed by input name; a bad value throws UsageError naming
 * the input, the value and what is accepted, before anything starts.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { CHECK_IDS, isCheckId } from './checks/ids'
import { PolicyError, readPolicy, type Policy } from './policy/load'
import policySchema from './policy/schema.json'
import { runtimeOf, type RuntimeKind } from './options-runtime'

export type FailOn = 'error' | 'warning' | 'never'

/** `tls-termination`: where TLS ends in production. */
export type TlsTermination = 'nginx' | 'upstream'

/** `check` builds and checks; `comment-only` posts a report written by an earlier run. */
export type Mode = 'check' | 'comment-only'

export interface Options {
  /** Build context directory (absolute). */
  context: string
  /** Dockerfile path (absolute). */
  file: string
  /** `--build-arg` pairs, in the order given. */
  buildArgs: [string, string][]
  /** Build stage to stop at. */
  target?: string
  /** Existing image to check instead of building. */
  image?: string
  /** Command that replaces the image's CMD (argv). */
  command?: string[]
  /** App port inside the container; undefined = detect. */
  port?: number
  /** Variables given to the app container (values are secrets). */
  env: [string, string][]
  /** Health endpoint path. */
  healthPath: string
  /** Paths requested through the proxy (and on the app port); with routesAuto, the fallback. */
  routes: string[]
  /** `routes: auto`: the probe lists the app's GET rules and those are requested (issue 12). */
  routesAuto: boolean
  /** nginx config path, or 'auto'. */
  nginxConfig: string
  /** Caddyfile to put in front instead of nginx, or 'auto' (one with reverse_proxy, when there is no nginx config). */
  caddyConfig?: string
  /** Public host name sent as Host and SNI; undefined = from config, else example.com. */
  serverName?: string
  /** Image that runs the proxy. */
  proxyImage: string
  /** Where TLS ends in production: nginx (the config's, or added as certbot does) or a balancer. */
  tlsTermination: TlsTermination
  /** Variables for nginx config templates (`${VAR}`), as the official image's envsubst uses them. */
  proxyEnv: [string, string][]
  /** Inject the in-container probe. */
  introspect: boolean
  /** Seconds to wait for the app to answer HTTP. */
  bootTimeoutS: number
  /** Lowest severity whose failure fails the step. */
  failOn: FailOn
  /** Check ids to skip. */
  skipChecks: string[]
  /** Label of this target (matrix); '' when unnamed. */
  name: string
  /** Post or update the PR comment. */
  comment: boolean
  /** Token for comments and check runs ('' when none). */
  githubToken: string
  /** Where the JSON report is written (absolute). */
  reportPath: string
  /** Repository root that file locations are relative to (absolute). */
  workspace: string
  /** What the run does. */
  mode: Mode
  /** comment-only: the JSON report to post (absolute). */
  reportFile?: string
  /** The policy file that was read (`policy-file`, or .flask-deploy-check.yml when present). */
  policy?: Policy
  /** An earlier JSON report to compare with (absolute); it need not exist (first run). */
  baselineReport?: string
  /** Fail only for regressions against the baseline. */
  failOnNewOnly: boolean
  /** Where the SARIF log is written (absolute), when wanted. */
  sarifPath?: string
  /** Keep the image the run built (default: removed at the end; the build cache stays). */
  keepImage: boolean
  /** `--cache-from` values, as docker/build-push-action takes them (e.g. type=gha). */
  cacheFrom: string[]
  /** `--cache-to` values (e.g. type=gha,mode=max). */
  cacheTo: string[]
  /** How the app runs: its image (docker) or its systemd unit on this machine (host). */
  runtime: RuntimeKind
  /** host: the systemd unit (absolute). */
  unitFile?: string
  /** A compose project (`compose-file`): the app is one of its services (runtime/compose-plan.ts). */
  compose?: ComposeOptions
}

/** `compose-file` / `compose-service`, and which build inputs the workflow set itself. */
export interface ComposeOptions {
  /** Compose files, absolute, in `-f` order. */
  files: string[]
  /** The app's service; undefined = auto. */
  service?: string
  /** `context` / `file` were given: they win over the service's build section. */
  contextSet: boolean
  fileSet: boolean
}

/** A problem with the options: one line, exit code 2, nothing started. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** The input names, as in action.yml; the CLI flags are the same with `--`. */
export const INPUT_NAMES = [
  'context',
  'file',
  'build-args',
  'target',
  'image',
  'command',
  'port',
  'env',
  'health-path',
  'routes',
  'nginx-config',
  'caddy-config',
  'server-name',
  'proxy-image',
  'tls-termination',
  'proxy-env',
  'introspect',
  'boot-timeout',
  'fail-on',
  'skip-checks',
  'name',
  'comment',
  'github-token',
  'report-path',
  'mode',
  'report-file',
  'policy-file',
  'baseline-report',
  'fail-on-new-only',
  'sarif-path',
  'compose-file',
  'compose-service',
  'runtime',
  'unit-file',
  'keep-image',
  'cache-from',
  'cache-to',
] as const
export type InputName = (typeof INPUT_NAMES)[number]
export type RawInputs = Partial<Record<InputName, string>>

export const DEFAULT_PROXY_IMAGE = 'nginx:1.27'

/** The policy file looked for at the workspace root when `policy-file` is empty. */
export const DEFAULT_POLICY_FILE = '.flask-deploy-check.yml'

/**
 * Inputs the policy's `inputs:` may set (src/policy/schema.json). A runner passes every
 * action.yml default as if the workflow had set it, so these have none there: the built-in
 * defaults are applied here, after the workflow's value and then the policy's.
 */
export const POLICY_INPUTS = Object.keys(policySchema.properties.inputs.properties) as InputName[]

export interface OptionsEnvironment {
  /** Directory relative paths are resolved against (GITHUB_WORKSPACE or cwd). */
  workspace: string
  /** RUNNER_TEMP, when running on a runner. */
  runnerTemp?: string
}

function bad(input: string, value: string, accepted: string): UsageError {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value
  return new UsageError(`input '${input}' has invalid value '${shown}': ${accepted}`)
}

function lines(value: string | undefined): string[] {
  return (value ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

function pairs(input: string, value: string | undefined): [string, string][] {
  return lines(value).map((line) => {
    const eq = line.indexOf('=')
    const key = eq > 0 ? line.slice(0, eq).trim() : ''
    if (!ENV_NAME.test(key)) {
      // Never echo the value: it may be a secret.
      throw bad(
        input,
        eq >= 0 ? `${key}=***` : `${/^\w*/.exec(line)?.[0] ?? ''}***`,
        'one KEY=VALUE per line, KEY made of letters, digits and _',
      )
    }
    return [key, line.slice(eq + 1)]
  })
}

function bool(input: string, value: string | undefined, fallback: boolean): boolean {
  const v = (value ?? '').trim()
  if (v === '') return fallback
  if (['true', 'True', 'TRUE'].includes(v)) return true
  if (['false', 'False', 'FALSE'].includes(v)) return false
  throw bad(input, v, "'true' or 'false'")
}

function int(input: string, value: string, min: number, max: number): number {
  const v = value.trim()
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw bad(input, v, `a whole number from ${min} to ${max}`)
  }
  return Number(v)
}

function urlPath(input: string, value: string): string {
  if (!/^\/[^\s]*$/.test(value))
    throw bad(input, value, "a path starting with '/' and without spaces")
  return value
}

/** A docker image reference or id; anything else (a leading '-' above all) must not reach docker's argv. */
const IMAGE_REF =
  /^(?:[A-Za-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::\w[\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/

function imageRef(input: string, value: string): string {
  if (!IMAGE_REF.test(value))
    throw bad(input, value, 'an image reference [host/]name[:tag][@digest], e.g. nginx:1.27')
  return value
}

/** Splits a command: a JSON array, or words separated by spaces with '...' or "..." quoting. */
function command(value: string): string[] {
  const v = value.trim()
  if (v.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(v)
    } catch {
      throw bad('command', v, 'a JSON array of strings or a space-separated command line')
    }
    if (
      !Array.isArray(parsed) ||
      parsed.length === 0 ||
      !parsed.every((s) => typeof s === 'string')
    ) {
      throw bad('command', v, 'a non-empty JSON array of strings')
    }
    return parsed as string[]
  }
  const words: string[] = []
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g
  for (let m = re.exec(v); m !== null; m = re.exec(v)) words.push(m[1] ?? m[2] ?? m[3])
  return words
}

function existing(input: string, value: string, base: string, kind: 'file' | 'directory'): string {
  const abs = path.resolve(base, value)
  let stat: fs.Stats | undefined
  try {
    stat = fs.statSync(abs)
  } catch {
    stat = undefined
  }
  if (stat === undefined || (kind === 'file' ? !stat.isFile() : !stat.isDirectory())) {
    throw bad(input, value, `an existing ${kind} (looked for ${abs})`)
  }
  return abs
}

/** nginx-config: a site file, a main nginx.conf, or a directory to search. */
function fileOrDirectory(value: string, base: string, input = 'nginx-config'): string {
  const abs = path.resolve(base, value)
  if (!fs.existsSync(abs) || !(fs.statSync(abs).isFile() || fs.statSync(abs).isDirectory()))
    throw bad(input, value, `an existing file or directory (looked for ${abs})`)
  return abs
}

/** The policy file, when `policy-file` names one or the default exists; bad ones throw UsageError. */
function policyOf(raw: RawInputs, workspace: string): Policy | undefined {
  const given = (raw['policy-file'] ?? '').trim()
  const abs = path.resolve(workspace, given || DEFAULT_POLICY_FILE)
  if (!given && !fs.existsSync(abs)) return undefined
  if (given) existing('policy-file', given, workspace, 'file')
  const rel = path.relative(workspace, abs)
  try {
    return readPolicy(abs, rel.startsWith('..') ? abs : rel)
  } catch (err) {
    if (err instanceof PolicyError) throw new UsageError(err.message)
    throw err
  }
}

/** The workflow's inputs over the policy's: an empty input takes the policy's value. */
function withPolicyInputs(raw: RawInputs, policy: Policy | undefined): RawInputs {
  const merged: RawInputs = { ...raw }
  for (const [name, value] of Object.entries(policy?.inputs ?? {})) {
    const k = name as InputName
    if ((merged[k] ?? '').trim() === '') merged[k] = value
  }
  return merged
}

/**
 * Validates raw inputs and applies defaults: the workflow's value, else the policy file's, else
 * the built-in one. Throws UsageError on the first bad value (or a bad policy file).
 */
export function parseOptions(workflow: RawInputs, env: OptionsEnvironment): Options {
  const policy = policyOf(workflow, env.workspace)
  const raw = withPolicyInputs(workflow, policy)
  const get = (k: InputName): string => (raw[k] ?? '').trim()
  const mode = get('mode') || 'check'
  if (mode !== 'check' && mode !== 'comment-only')
    throw bad('mode', mode, "'check' or 'comment-only'")
  const commentOnly = mode === 'comment-only'
  const reportFileRaw = get('report-file')
  if (commentOnly && !reportFileRaw)
    throw new UsageError("input 'report-file' is required with mode: comment-only")
  if (!commentOnly && reportFileRaw)
    throw bad('report-file', reportFileRaw, 'only used with mode: comment-only')
  const reportFile = commentOnly
    ? existing('report-file', reportFileRaw, env.workspace, 'file')
    : undefined
  // comment-only builds nothing, so the build inputs are not looked at.
  const imageRaw = get('image')
  const image = commentOnly
    ? imageRaw || 'none'
    : imageRaw
      ? imageRef('image', imageRaw)
      : undefined
  const compose = composeOf(raw, env.workspace, commentOnly || image !== undefined)
  const contextRaw = get('context') || '.'
  const context = image
    ? path.resolve(env.workspace, contextRaw)
    : existing('context', contextRaw, env.workspace, 'directory')
  const fileRaw = get('file')
  let file = path.join(context, 'Dockerfile')
  if (fileRaw)
    file = image
      ? path.resolve(env.workspace, fileRaw)
      : existing('file', fileRaw, env.workspace, 'file')
  const choice = commentOnly
    ? { runtime: 'docker' as const }
    : compose
      ? composeRuntime(get('runtime'))
      : runtimeOf(
          { runtime: get('runtime'), unitFile: get('unit-file') },
          { context, dockerfile: file, image: image !== undefined, workspace: env.workspace },
          bad,
        )
  if (!fileRaw && !image && !compose && choice.runtime === 'docker')
    existing('file', path.relative(env.workspace, file) || 'Dockerfile', env.workspace, 'file')

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

  const nginxConfig = get('nginx-config') || 'auto'
  if (nginxConfig !== 'auto' && !commentOnly) fileOrDirectory(nginxConfig, env.workspace)

  const caddyConfig = get('caddy-config') || 'auto'
  if (caddyConfig !== 'auto' && !commentOnly)
    fileOrDirectory(caddyConfig, env.workspace, 'caddy-config')

  const tlsTermination = get('tls-termination') || 'nginx'
  if (tlsTermination !== 'nginx' && tlsTermination !== 'upstream')
    throw bad('tls-termination', tlsTermination, "'nginx' or 'upstream'")

  const serverName = get('server-name') || undefined
  if (serverName !== undefined && !/^[A-Za-z0-9.-]+$/.test(serverName)) {
    throw bad('server-name', serverName, 'a host name (letters, digits, dots and dashes)')
  }

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

/** compose-file (each must exist) and compose-service; undefined without compose files. */
function composeOf(raw: RawInputs, workspace: string, unused: boolean): ComposeOptions | undefined {
  const files = lines(raw['compose-file'])
  const service = (raw['compose-service'] ?? '').trim()
  if (files.length === 0 || unused) {
    if (service && service !== 'auto' && !unused)
      throw bad('compose-service', service, 'only used with compose-file')
    return undefined
  }
  if (service && service !== 'auto' && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(service))
    throw bad('compose-service', service, "'auto' or a compose service name")
  return {
    files: files.map((f) => existing('compose-file', f, workspace, 'file')),
    ...(service && service !== 'auto' ? { service } : {}),
    contextSet: (raw.context ?? '').trim() !== '',
    fileSet: (raw.file ?? '').trim() !== '',
  }
}

/** A compose project runs in Docker: `runtime` may say so, or nothing. */
function composeRuntime(asked: string): { runtime: 'docker' } {
  if (asked && asked !== 'auto' && asked !== 'docker')
    throw bad('runtime', asked, "'auto' or 'docker' with compose-file")
  return { runtime: 'docker' }
}

const CACHE_TYPES = ['registry', 'local', 'gha', 'inline', 's3', 'azblob']

/**
 * One `--cache-from`/`--cache-to` value: `type=T,key=value,...` (a relative local src/dest
 * resolved against the workspace) or, as buildx allows, a bare image reference (registry cache).
 */
function cacheSpec(input: string, value: string, workspace: string): string {
  const accepted = `type=${CACHE_TYPES.join('|')}[,key=value...] or an image reference`
  if (!value.includes('=')) return imageRefOr(input, value, accepted)
  const fields = value.split(',')
  if (!fields.every((f) => /^[a-z][a-z0-9_-]*=[^\s]*$/.test(f))) throw bad(input, value, accepted)
  const type = fields.find((f) => f.startsWith('type='))?.slice(5)
  if (type === undefined || !CACHE_TYPES.includes(type)) throw bad(input, value, accepted)
  return fields
    .map((f) => {
      const [k, v] = [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]
      return type === 'local' && (k === 'src' || k === 'dest')
        ? `${k}=${path.resolve(workspace, v)}`
        : f
    })
    .join(',')
}

function imageRefOr(input: string, value: string, accepted: string): string {
  if (!IMAGE_REF.test(value)) throw bad(input, value, accepted)
  return value
}
