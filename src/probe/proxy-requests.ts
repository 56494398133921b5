/**
 * Requests through the running proxy, as a browser on the public name makes them: HTTPS to the
 * published TLS port with SNI and Host set to the server name; a few at a time, or one at a time
 * when the config uses limit_req (it would otherwise refuse the checker's own requests).
 */
import type { HttpExchange } from '../facts/types'
import { HttpProbe } from './http'
import { mapInOrder } from './in-order'

/** What requests through the proxy need; standUpProxy returns it once the proxy answers. */
export interface ProxyRuntime {
  /** Proxy container name (its log holds nginx's access log). */
  container: string
  /** Host loopback port of the TLS listener. */
  httpsPort: number
  /** Host loopback port of the plain-HTTP listener, when the config has one. */
  httpPort?: number
  /** Public name sent as SNI and Host. */
  serverName: string
  /** The run's random token (names the missing page, the foreign host and the canary). */
  token: string
  /** URL path of a real file in the first filled static directory. */
  staticSample?: string
  /** `/static../fdc-canary-<token>.txt` per alias location under /static. */
  traversalPaths: string[]
  /** What a canary file holds: a response body containing it proves traversal. */
  canaryText: string
  /** The config uses limit_req: a 503/429 is retried once after retryAfterMs. */
  rateLimited: boolean
  retryAfterMs: number
  /** The smallest limit_req burst (see ProxyPlan.rateBurst). */
  rateBurst?: number
}

/** One request through the proxy. */
export interface ProxyRequest {
  purpose: string
  /** Path and query, sent as is. */
  path: string
  /** Extra request headers, lower-case names (e.g. a forged x-forwarded-for). */
  headers?: Record<string, string>
  method?: string
  /** 'https' (default) to the TLS port, 'http' to the plain port (error when there is none). */
  scheme?: 'http' | 'https'
  /** Host header and SNI name instead of the server name (the foreign-host request). */
  host?: string
  body?: Buffer
  timeoutMs?: number
  signal?: AbortSignal
}

export interface ProxyPlanInput {
  routes: string[]
  healthPath: string
  /** Routes to request without their trailing slash (Werkzeug answers with an absolute 308). */
  trailingSlashPaths?: string[]
  /** Requests in flight at once (see proxyParallelism; default 1). */
  parallel?: number
  signal?: AbortSignal
}

/**
 * Requests the proxy may have in flight at once: `parallel`, unless a limit_req burst is smaller
 * than the requests planned (it would refuse the checker's own requests), then one at a time.
 */
export function proxyParallelism(rt: ProxyRuntime, parallel: number, planned: number): number {
  return rt.rateLimited && (rt.rateBurst ?? 0) < planned ? 1 : parallel
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Sends one request through the proxy and returns it as an exchange (via 'proxy', with its
 * scheme); never throws. Under limit_req a refused request (503, or 429 with
 * limit_req_status 429) is retried once after the config's interval.
 */
export async function proxyRequest(rt: ProxyRuntime, req: ProxyRequest): Promise<HttpExchange> {
  const scheme = req.scheme ?? 'https'
  const host = req.host ?? rt.serverName
  const port = scheme === 'https' ? rt.httpsPort : rt.httpPort
  if (port === undefined) {
    const request = { method: req.method ?? 'GET', path: req.path, headers: req.headers ?? {} }
    const error = 'the proxy has no plain-HTTP listener'
    return { via: 'proxy', scheme, purpose: req.purpose, request, error }
  }
  const probe = new HttpProbe({
    via: 'proxy',
    host: '127.0.0.1',
    port,
    hostHeader: host,
    ...(scheme === 'https' ? { tls: { servername: host, rejectUnauthorized: false } } : {}),
  })
  const send = (): Promise<HttpExchange> =>
    probe.exchange({
      purpose: req.purpose,
      path: req.path,
      method: req.method,
      headers: req.headers,
      body: req.body,
      timeoutMs: req.timeoutMs,
      signal: req.signal,
    })
  try {
    let ex = await send()
    if (rt.rateLimited && [503, 429].includes(ex.response?.status ?? 0)) {
      await sleep(rt.retryAfterMs)
      ex = await send()
    }
    return { ...ex, scheme }
  } finally {
    await probe.close()
  }
}

/** Bytes of the upload sent through the proxy: above nginx's default client_max_body_size (1 MB). */
export const UPLOAD_BYTES = 2 * 1024 * 1024
/** One request header longer than nginx's large_client_header_buffers (8k): nginx answers itself. */
const OVERSIZED_HEADER = 'x'.repeat(16 * 1024)

/**
 * The black-box requests through the proxy, in order: each route, health, an error page, a
 * static file, trailing-slash redirects, a foreign Host (and SNI), alias traversal to the
 * canary, an error page nginx writes itself (a header too large), a 2 MB upload, and a
 * plain-HTTP request to port 80 when the config listens there.
 */
export async function proxyExchanges(
  rt: ProxyRuntime,
  plan: ProxyPlanInput,
): Promise<HttpExchange[]> {
  const steps: ProxyRequest[] = [
    ...plan.routes.map((path) => ({ purpose: 'route', path })),
    { purpose: 'health', path: plan.healthPath },
    { purpose: 'not-found', path: `/flask-deploy-check-${rt.token}-missing` },
  ]
  if (rt.staticSample) steps.push({ purpose: 'static', path: rt.staticSample })
  for (const p of plan.trailingSlashPaths ?? []) {
    if (p.length > 1 && p.endsWith('/'))
      steps.push({ purpose: 'trailing-slash', path: p.replace(/\/+$/, '') })
  }
  steps.push({ purpose: 'host-header', path: '/', host: `fdc-foreign-${rt.token}.invalid` })
  for (const path of rt.traversalPaths) steps.push({ purpose: 'traversal', path })
  steps.push({ purpose: 'nginx-error', path: '/', headers: { 'x-fdc-padding': OVERSIZED_HEADER } })
  steps.push({
    purpose: 'upload',
    path: plan.routes[0] ?? '/',
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: Buffer.alloc(UPLOAD_BYTES, 0x61),
  })
  if (rt.httpPort !== undefined)
    steps.push({
      purpose: 'https-redirect',
      path: '/flask-deploy-check-redirect?x=1',
      scheme: 'http',
    })
  return mapInOrder(steps, plan.parallel ?? 1, async (step) => {
    plan.signal?.throwIfAborted()
    const ex = await proxyRequest(rt, { ...step, signal: plan.signal })
    return step.purpose === 'nginx-error' ? withoutPadding(ex) : ex
  })
}

/** The oversized header is recorded by its length: 16 KiB of 'x' is no evidence. */
function withoutPadding(ex: HttpExchange): HttpExchange {
  const headers = { ...ex.request.headers, 'x-fdc-padding': `(${OVERSIZED_HEADER.length} bytes)` }
  return { ...ex, request: { ...ex.request, headers } }
}

/**
 * proxy.forwarded-spoof's requests: each forged header on its own, to each path (a route, and a
 * trailing-slash redirect whose Location Werkzeug builds from the request's scheme and host).
 */
export async function spoofExchanges(
  rt: ProxyRuntime,
  o: { canaries: Record<string, string>; paths: string[]; parallel?: number; signal?: AbortSignal },
): Promise<HttpExchange[]> {
  const plan = Object.entries(o.canaries).flatMap(([name, value]) =>
    o.paths.map((path) => ({ headers: { [name]: value }, path })),
  )
  return mapInOrder(plan, o.parallel ?? 1, ({ headers, path }) => {
    o.signal?.throwIfAborted()
    return proxyRequest(rt, { purpose: 'forwarded-spoof', path, headers, signal: o.signal })
  })
}
