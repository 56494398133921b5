/**
 * Observations: the frozen facts checks may look at (types only).
 * Every part is either present or `{ unavailable: reason }`; a check that needs an unavailable
 * part is skipped with that reason. Observations never hold secret values (only names,
 * lengths and digests), so they can be dumped for debugging.
 */

import type {
  AutoRoutes,
  ProbeAnswer,
  ProbeFacts,
  ProxyConfigFacts,
  ProxyFacts,
  SecondBootFacts,
  SessionCookieFacts,
} from './proxy-types'
import type { UnitFacts } from './systemd-types'

export type * from './proxy-types'
export type * from './systemd-types'

/**
 * A part that could not be observed. Checks that need it are skipped `blocked` (the gate fails
 * closed for error-severity ones) unless `skip` says the run chose not to look (`requested`,
 * e.g. introspect: false) or there is nothing of that kind (`not-applicable`).
 */
export interface Unavailable {
  unavailable: string
  /** The check whose failure caused this (boot.ready for a container that never answered). */
  blockedBy?: string
  skip?: 'requested' | 'not-applicable'
}
export type Part<T> = T | Unavailable

/** What the run was asked to do, as far as checks need it. */
/** The app container stopped while the run still needed it (killed, crashed, OOM). */
export interface AppExitFacts {
  exitCode: number
  /** The last request the app answered before the exit was noticed (`GET /die on the app port`). */
  after: string
  /** The engine's OOM flag: the memory limit killed it. */
  oomKilled?: boolean
}

export interface RunFacts {
  /** Set when the app exited during the run: every later observation is blocked by it. */
  appExited?: AppExitFacts
  /** Repository-relative path of the Dockerfile (for locations), when one was used. */
  dockerfilePath?: string
  /** The app's port inside the container and how it was chosen. */
  port: number
  portSource: 'input' | 'bind-argument' | 'expose' | 'default'
  /**
   * What the app port speaks: 'uwsgi' for a uWSGI `socket` / `uwsgi-socket` (the binary uwsgi
   * protocol nginx's uwsgi_pass speaks), else plain HTTP (absent in older recordings: 'http').
   */
  appProtocol?: 'http' | 'uwsgi'
  healthPath: string
  /** The routes requested: the input's, or with `routes: auto` the ones the probe found. */
  routes: string[]
  /** `routes: auto` (issue 12): the app's rules found and passed over, or why none were (then routes is `/`). */
  autoRoutes?: AutoRoutes | Unavailable
  bootTimeoutS: number
  /** CPUs the container may use (for the 2 x cores + 1 guide). */
  cpus: number
  /** True when the action injected a random SECRET_KEY (not given through `env`). */
  secretInjected: boolean
  /** Names of the variables given through `env` (values are never observed). */
  envNames: string[]
  /** The `command` input when it overrode the image's command. */
  commandOverride?: string[]
  /** How the app ran: absent in recordings before host mode (docker). */
  runtime?: 'docker' | 'host'
}

/** One Dockerfile instruction, as dockerfile-ast reports it. */
export interface DockerInstruction {
  /** Upper-case keyword: FROM, RUN, COPY, CMD, ... */
  keyword: string
  /** 1-based line where the instruction starts. */
  line: number
  /** The instruction's arguments as written (after the keyword; continuation lines joined). */
  raw: string
  /** Arguments as dockerfile-ast splits them (for COPY: sources then destination). */
  args: string[]
  /** For CMD/ENTRYPOINT/RUN/SHELL: true when written in JSON (exec) form. */
  jsonForm?: boolean
  /** For ENV/ARG: the variables set here; `hasValue` false for a bare `ARG NAME`. */
  variables?: {
    name: string
    hasValue: boolean
    valueLength: number
    urlWithCredentials: boolean
  }[]
  /** For COPY/ADD: the --from flag value, when present. */
  from?: string
  /** Index of the build stage (0-based) this instruction belongs to. */
  stage: number
}

export interface DockerfileFacts {
  path: string
  instructions: DockerInstruction[]
  /** Index of the stage that produced the image (the `target`, else the last). */
  finalStage: number
  /** Stage names by index ('' when unnamed). */
  stageNames: string[]
}

export interface BuildFacts {
  /** 'built' when this run ran `docker build`; 'existing' when `image` was given. */
  mode: 'built' | 'existing'
  ok: boolean
  imageRef: string
  exitCode?: number
  durationMs: number
  /** Last lines of the build log (failure evidence). */
  logTail: string[]
  /** One line naming the failure when ok is false. */
  error?: string
}

/** An environment variable baked into the image config (never the value). */
export interface EnvVarFacts {
  name: string
  valueLength: number
  /** scheme://user:pass@host */
  urlWithCredentials: boolean
}

export interface ImageFacts {
  id: string
  sizeBytes: number
  /** Config.User ('' means root). */
  user: string
  env: EnvVarFacts[]
  entrypoint: string[] | null
  cmd: string[] | null
  exposedPorts: number[]
  workingDir: string
  /**
   * Build-time variables visible in `docker history --no-trunc` (RUN lines carry `|N KEY=value ...`
   * for build args, ENV lines carry their value), one entry per name.
   */
  historyVars: EnvVarFacts[]
}

/** Where a socket listens inside the container (from /proc/net/tcp and tcp6). */
export interface ListenFacts {
  address: string
  port: number
}

export interface BootFacts {
  ready: boolean
  /** Milliseconds from `docker run` to the first HTTP response (or to giving up). */
  ms: number
  /** Set when the container exited while we waited. */
  exited?: { exitCode: number; afterMs: number }
  timedOut?: boolean
  /** Last lines of the container's output (stdout and stderr interleaved as docker logs prints them). */
  logTail: string[]
  /** Sockets listening in the container when readiness ended, when they could be read. */
  listening?: ListenFacts[]
  /** The status line of the first response, e.g. "200" */
  firstStatus?: number
  /** 'uwsgi' when the app port answered in the uwsgi protocol (uWSGI `socket`). */
  protocol?: 'uwsgi'
  /** A compose dependency never got ready, so the app was not started (logTail is its log). */
  dependency?: { service: string; error: string }
}

/** A row of `docker top CONTAINER -eo pid,ppid,uid,args`, PIDs as seen from the container when known. */
export interface ProcessFacts {
  pid: number
  ppid: number
  uid: number
  args: string
  /** True for the container's PID 1 (its main process). */
  isInit: boolean
}

export interface HttpRequestFacts {
  method: string
  /** Path and query as sent. */
  path: string
  headers: Record<string, string>
}

export interface HttpResponseFacts {
  status: number
  /** Lower-case header names; repeated headers keep every value in order. */
  headers: Record<string, string[]>
  /** Body decoded as UTF-8, capped; see bodyTruncated. */
  body: string
  bodyTruncated: boolean
  /**
   * Set (to the limit, in bytes) when the body went past what is read at all: the rest was
   * never read, the connection dropped (an endless or huge body).
   */
  overLimit?: number
  ms: number
}

/** One request and what came back (or the error), as data. */
export interface HttpExchange {
  /** 'app' = the app port directly; 'proxy' = through the TLS proxy. */
  via: 'app' | 'proxy'
  /** 'https' for requests to the proxy's TLS port; absent means plain http. */
  scheme?: 'http' | 'https'
  /** Why the request was made: 'health', 'route', 'not-found', 'debugger', ... */
  purpose: string
  request: HttpRequestFacts
  response?: HttpResponseFacts
  /** Network-level failure (timeout, reset, refused). */
  error?: string
}

export interface LogFacts {
  stdout: string[]
  stderr: string[]
  /** True when the line cap was hit. */
  truncated: boolean
  /**
   * Host mode: log files the server's processes held open for writing (Gunicorn's
   * --access-logfile, a RotatingFileHandler), their last lines.
   */
  files?: { path: string; source: string; lines: string[] }[]
}

export interface ShutdownFacts {
  /** Seconds docker stop allowed before SIGKILL. */
  graceS: number
  ms: number
  exitCode: number
  /** The container was still running at the grace deadline and was killed (exit 137). */
  killed: boolean
}

/** Requests through the proxy with one forged X-Forwarded-* header each (proxy.forwarded-spoof). */
export interface ForwardedSpoofFacts {
  /** Header -> the canary value sent in it (facts/forwarded-spoof.ts). */
  canaries: Record<string, string>
  /** Page and redirect requests, each with its one forged header in request.headers. */
  exchanges: HttpExchange[]
  /** The probe's answers to the same forgeries (its `forged` names the header); none without it. */
  answers: ProbeAnswer[]
}

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'

/** One handshake pinned to a protocol version (and, under TLS 1.2, to one cipher suite). */
export interface TlsAttempt {
  version: TlsVersion
  /** OpenSSL name of the one suite offered, for cipher attempts. */
  cipher?: string
  accepted: boolean
  /** 'TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' when accepted. */
  negotiated?: string
  /** The client's error code when refused (e.g. ERR_SSL_NO_PROTOCOLS_AVAILABLE, ECONNRESET). */
  error?: string
}

/** Pinned handshakes against the proxy's TLS port (tls.protocols). */
export interface TlsFacts {
  port: number
  servername: string
  protocols: TlsAttempt[]
  ciphers: TlsAttempt[]
}

export interface Observations {
  run: RunFacts
  dockerfile: Part<DockerfileFacts>
  build: BuildFacts
  image: Part<ImageFacts>
  boot: Part<BootFacts>
  processes: Part<ProcessFacts[]>
  http: Part<HttpExchange[]>
  logs: Part<LogFacts>
  shutdown: Part<ShutdownFacts>
  /** The nginx config put in front: source, rewrites, nginx -t, effective config facts. */
  proxyConfig: Part<ProxyConfigFacts>
  /** The running proxy (unavailable when nginx rejected the config or the app never answered). */
  proxy: Part<ProxyFacts>
  /** Introspection probe answers (unavailable with introspect: false). */
  probe: Part<ProbeFacts>
  /** Flask session cookies seen in responses, checked against known keys. */
  sessionCookies: Part<SessionCookieFacts[]>
  /** The boot without SECRET_KEY. */
  secondBoot: Part<SecondBootFacts>
  /** Forged X-Forwarded-* headers through the proxy, and what came back. */
  forwardedSpoof: Part<ForwardedSpoofFacts>
  /** Handshakes pinned to one TLS version or suite against the running proxy. */
  tls: Part<TlsFacts>
  /** The systemd unit host mode ran (not-applicable for the docker runtime). */
  unit: Part<UnitFacts>
}
