/** The options' types and the input names: what parseOptions (src/options.ts) returns and takes. */
import type { Policy } from '../policy/load'
import type { RuntimeKind } from './runtime'

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
  /** Who named nginxConfig, for the report (default: the nginx-config input). */
  nginxConfigFrom?: string
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

export interface OptionsEnvironment {
  /** Directory relative paths are resolved against (GITHUB_WORKSPACE or cwd). */
  workspace: string
  /** RUNNER_TEMP, when running on a runner. */
  runnerTemp?: string
}
