/**
 * Observations of the TLS proxy stage, the in-container probe and the second boot without
 * SECRET_KEY (types only). Like the rest of Observations they hold no secret values: key facts
 * are comparisons made by the runtime (matches the injected key, equals a known weak key).
 */
import type { NginxConfigFacts } from './nginx/types'

/** Where the nginx config came from and what the action did to stand it up. */
export interface ProxyConfigFacts {
  /** 'input' = nginx-config; 'detected' = found in the repo; 'reference' = none found, the reference proxy. */
  source: 'input' | 'detected' | 'reference'
  /** Repo-relative path of the user's config (absent for the reference proxy). */
  path?: string
  /** Loopback upstreams pointed at the app container, same port (config lines). */
  rewrites: { line: number; before: string; after: string }[]
  /** Upstream addresses left alone and why ('not-loopback', 'unix-socket', 'variable'). */
  kept: { line: number; address: string; reason: string }[]
  /** Public host name used for Host and SNI. */
  serverName: string
  /** Certificate paths the config names, filled with a throw-away certificate. */
  certificatePaths: string[]
  /** True when the config named no certificate and the action supplied one at http level. */
  certificateAdded: boolean
  /** Static alias directories filled with the app's static files. */
  staticDirs: { location: string; alias: string; source: string; files: number }[]
  /** `nginx -t`: ok, or nginx's own message and the config line. */
  test: { ok: boolean; message?: string; file?: string; line?: number }
  /** The effective config as `nginx -T` prints it, parsed; file paths are repo-relative where the file is the user's. */
  facts?: NginxConfigFacts
  /** Lines for the report: what the action changed or assumed. */
  notes: string[]
  /**
   * The kind of proxy that stood in front: the repository's nginx config, its Caddyfile (facts
   * then hold the same server/location model, built from `caddy adapt`), or the reference one.
   */
  kind?: 'nginx' | 'caddy' | 'reference'
  /**
   * Where TLS ends: 'nginx' (the config's own ssl listener), 'added' (the config had none; the
   * action added `listen 443 ssl` and a certificate, as certbot --nginx does), 'upstream' (a
   * TLS terminator of the action stands in front of nginx, as a load balancer does).
   */
  tls?: 'nginx' | 'added' | 'upstream'
  /** The listeners the action added (tls 'added'): file, server line, the directive. */
  tlsAdded?: { file: string; line: number; listen: string }[]
  /** Repository files the config includes, mounted where the include expects them. */
  included?: { path: string; target: string }[]
  /** In-container paths given stand-in content (Debian's proxy_params, certbot's files, ...). */
  standIns?: string[]
  /** Template variables (`${VAR}`) that proxy-env does not define, per file. */
  undefinedVars?: { path: string; names: string[] }[]
}

/** The running proxy. */
export interface ProxyFacts {
  /** Host loopback port published for 443. */
  httpsPort: number
  /** Host loopback port published for 80, when the config listens on it. */
  httpPort?: number
  /** The address client requests appear to come from at nginx (the network gateway). */
  clientAddress: string
  /**
   * Proxies between the client and the app (1: nginx; 2: a TLS terminator and nginx): what
   * ProxyFix's x_for must count. Absent means 1.
   */
  hops?: number
}

/** One answer of the introspection probe (requested through the proxy or on the app port). */
export interface ProbeAnswer {
  via: 'app' | 'proxy'
  /** Headers the client forged on this request, e.g. {'x-forwarded-for': '203.0.113.9'}. */
  forged: Record<string, string>
  /** What the app saw, after its own middleware (ProxyFix) ran. */
  scheme: string
  host: string
  urlRoot: string
  /** url_for('static', filename='x', _external=True) or an equivalent external URL. */
  externalUrl: string
  remoteAddr: string
  isSecure: boolean
  /** The raw X-Forwarded-* headers as they reached the app. */
  forwarded: Record<string, string>
  /** wsgi.url_scheme as the server set it, before any middleware. */
  serverScheme: string
  /** SERVER_SOFTWARE of the WSGI server. */
  serverSoftware: string
  debug: boolean
  preferredUrlScheme: string | null
  sessionCookie: { name: string; secure: boolean; httponly: boolean; samesite: string | null }
  /** app.wsgi_app chain from the outside in, e.g. [{name: 'ProxyFix', xFor: 1, ...}, {name: 'Flask.wsgi_app'}]. */
  middleware: {
    name: string
    xFor?: number
    xProto?: number
    xHost?: number
    xPort?: number
    xPrefix?: number
  }[]
  secretKey: {
    set: boolean
    length: number
    /** True/false when the action injected a key; null when it did not. */
    matchesInjected: boolean | null
    /** The known weak key it equals (public word-list entry), else null. */
    weak: string | null
  }
  /** app.static_folder (absolute, in the container) and app.static_url_path: for the proxy stage. */
  staticFolder?: string | null
  staticUrlPath?: string | null
  /** Up to 5 GET rules without variables ending in '/', e.g. '/docs/' (Werkzeug redirects '/docs' there). */
  trailingSlashRules?: string[]
  /** app.config['MAX_CONTENT_LENGTH'] in bytes; null when unset (no limit); absent from older probes. */
  maxContentLength?: number | null
  /**
   * The worker timeout from the running server's own configuration (Gunicorn's merged Config:
   * command line, -c file, GUNICORN_CMD_ARGS; uWSGI's uwsgi.opt); null under another server;
   * absent from older probes.
   */
  workerTimeout?: ProbeWorkerTimeout | null
  /** The GET rules `routes: auto` requests (issue 12); absent from older probes. */
  autoRoutes?: AutoRoutes
}

export type ProbeWorkerTimeout =
  | { server: 'gunicorn'; timeout: number; configFile: string | null }
  | { server: 'uwsgi'; harakiri: number | null }

/** A url_map rule the probe lists for `routes: auto`. */
export interface AutoRoute {
  rule: string
  endpoint: string
}

/** The app's GET rules without required arguments, up to 30, and the ones passed over. */
export interface AutoRoutes {
  found: (AutoRoute & { path: string })[]
  skipped: (AutoRoute & { reason: string })[]
  /** Rules past the cap of 30. */
  more: number
}

export interface ProbeFacts {
  /** Path prefix with the per-run token (never in evidence in full). */
  answers: ProbeAnswer[]
}

/** A Flask session cookie seen in a response, checked against the keys the run knows. */
export interface SessionCookieFacts {
  via: 'app' | 'proxy'
  path: string
  name: string
  /** The signature verifies with the SECRET_KEY the action injected (null: none injected). */
  signedWithInjected: boolean | null
  /** The known weak key it verifies with, else null. */
  weakKey: string | null
}

/** The same image booted without SECRET_KEY, to see whether the app falls back to a weak key. */
export interface SecondBootFacts {
  ready: boolean
  exited?: { exitCode: number; afterMs: number }
  logTail: string[]
  /** Probe's view of the key in use, when it answered. */
  secretKey?: { set: boolean; length: number; weak: string | null }
  sessionCookies: SessionCookieFacts[]
}
