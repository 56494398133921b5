/**
 * The proxies the action can put in front of the app, behind one interface: each kind finds its
 * config in the repository, plans how to stand it up (pure), and stands it up in front of the
 * running app. The checks read the same facts whatever kind produced them. Kinds are tried in
 * order; the reference proxy takes any run no other kind claimed.
 */
import type { Docker } from '../../docker/docker'
import type { Logger } from '../../log'
import type { Part, ProxyConfigFacts, ProxyFacts } from '../../facts/types'
import type { Options } from '../../options'
import type { ProxyRuntime } from '../../probe/proxy-requests'
import type { Includes } from '../../proxy/includes'

/** What the proxy stands in front of, and where its files go. */
export interface ProxyStageInput {
  runId: string
  /** The run's network, the app container attached with alias APP_HOST. */
  network: string
  /** The app's port inside its container. */
  appPort: number
  /** The running app container (static files are copied from it). */
  appContainer: string
  /** Public name when neither `server-name` nor the config names one (default example.com). */
  serverNameHint?: string
  /** The app's Flask static folder inside its container, from the probe. */
  staticFolderHint?: string
  /** The app's static URL path (app.static_url_path), from the probe; default /static. */
  staticUrlPathHint?: string
  /** Random per-run token (canary, missing page, foreign host). */
  token: string
  log: Logger
  /** A private directory for the proxy's files; removed by the caller. */
  tempDir: string
}

/** A standing proxy (or why there is none), with what the checks and requests need. */
export interface ProxyStage {
  proxyConfig: Part<ProxyConfigFacts>
  proxy: Part<ProxyFacts>
  /** Present when the proxy answers TLS: what proxyExchanges and proxyRequest need. */
  runtime?: ProxyRuntime
  /** Milliseconds: the config test in its throw-away container, and proxy start to TLS handshake. */
  timings: { testMs?: number; startMs?: number }
}

export type ProxyOptions = Pick<
  Options,
  'nginxConfig' | 'context' | 'workspace' | 'serverName' | 'proxyImage'
> &
  Partial<Pick<Options, 'proxyEnv' | 'tlsTermination' | 'caddyConfig' | 'nginxConfigFrom'>>

/** The config a kind found: its text, where it came from, one line for the report. */
export interface ProxySource {
  source: 'input' | 'detected' | 'reference'
  /** Absolute path on the host ('' for a generated config). */
  file: string
  /** Repository-relative path (forward slashes), or a label for a generated config. */
  path: string
  text: string
  note: string
  /** Included repository files, stand-ins and unset template variables (nginx kind). */
  includes?: Includes
  /** Why the repository's config cannot be used: reported, never replaced by the reference. */
  unusable?: string
  /** Other candidates found, for the report. */
  others?: string[]
}

export interface ProxyKind<Plan = unknown> {
  readonly kind: 'nginx' | 'caddy' | 'reference'
  /** The config of this kind for the run, or undefined when the repository has none. */
  find(opts: ProxyOptions, input: ProxyStageInput): ProxySource | undefined
  /** How to stand the config up, read from its text before the proxy sees it. */
  plan(found: ProxySource, input: ProxyStageInput, opts: ProxyOptions): Plan
  /** Starts it in front of the running app; config and app problems become facts. */
  standUp(
    docker: Docker,
    opts: ProxyOptions,
    input: ProxyStageInput,
    found: ProxySource,
    plan: Plan,
  ): Promise<ProxyStage>
}
