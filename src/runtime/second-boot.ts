/**
 * secret.strength's second boot: the same image started without SECRET_KEY, next to the main
 * app, to see what the app does when a deployment forgets the key. Refusing to start is the
 * good outcome; answering is fine too unless it signs with a known weak key (a fallback such as
 * `os.environ.get('SECRET_KEY', 'dev')`), which the probe and the session cookies reveal.
 */
import type { Logger } from '../log'
import { appProbe } from '../probe/app-probe'
import { mapInOrder } from '../probe/in-order'
import { interpretProbe } from '../probe/introspect'
import { sessionCookiesFrom } from '../facts/session-cookies'
import type { HttpExchange, SecondBootFacts } from '../facts/types'
import type { AppInstance, Runtime } from './runtime'

/** The container's role: its name is `fdc-<runId>-nosecret`. */
export const SECOND_BOOT_ROLE = 'nosecret' as const

export interface SecondBootOptions {
  /** The app's port inside the container. */
  port: number
  /** The app's variables without SECRET_KEY, the probe's (prepareProbe().env) included. */
  env: [string, string][]
  /** The probe's mounts (prepareProbe().mounts); none without the probe. */
  mounts: { source: string; target: string }[]
  /** Budget from `docker run` to the first HTTP answer. */
  timeoutMs: number
  /** What the app port speaks (the main boot found out). */
  protocol?: 'http' | 'uwsgi'
  /** The routes, or when they will be known (a boot started before the main app answered). */
  routes: string[] | Promise<string[]>
  healthPath: string
  /** The probe, when introspect is on. */
  probe?: { token: string; path: string }
  /** SESSION_COOKIE_NAME when known (the main probe's answer); the probe here is asked too. */
  cookieName?: string
  /** Requests in flight at once (see requestParallelism). */
  parallel?: number
  log: Logger
  signal?: AbortSignal
}

/**
 * Boots the image without SECRET_KEY, requests health, the routes and the probe on the app
 * port, and removes the container (no graceful stop: nothing here is about shutdown).
 * Throws only when the engine fails; the container is removed in every case.
 */
export async function secondBoot(runtime: Runtime, o: SecondBootOptions): Promise<SecondBootFacts> {
  // Belt and braces: the point of this boot is that the key is missing.
  const env = o.env.filter(([k]) => k !== 'SECRET_KEY')
  let instance: AppInstance | undefined
  try {
    const started = await runtime.start({
      role: SECOND_BOOT_ROLE,
      port: o.port,
      env,
      mounts: o.mounts,
      // Never the proxy's target: two containers with one alias would share its traffic.
      proxyTarget: false,
      healthPath: o.healthPath,
      timeoutMs: o.timeoutMs,
      protocol: o.protocol,
      signal: o.signal,
    })
    instance = started.instance
    const { boot } = started
    const handle = instance
    const facts: SecondBootFacts = { ready: boot.ready, logTail: boot.logTail, sessionCookies: [] }
    if (boot.exited) facts.exited = boot.exited
    if (!boot.ready || handle.hostPort === undefined) {
      o.log.debug(`second boot without SECRET_KEY: not ready${boot.exited ? ' (exited)' : ''}`)
      return facts
    }
    // The main boot may not have told uwsgi from HTTP yet when this one started: its own did.
    const protocol = boot.protocol ?? o.protocol
    const routes = await o.routes
    o.signal?.throwIfAborted()
    const http = appProbe(protocol, { via: 'app', host: '127.0.0.1', port: handle.hostPort })
    let exchanges: HttpExchange[] = []
    let probeBody: string | undefined
    try {
      const plan = [['health', o.healthPath], ...routes.map((r) => ['route', r])]
      exchanges = await mapInOrder(plan, o.parallel ?? 1, ([purpose, path]) => {
        o.signal?.throwIfAborted()
        return http.exchange({ purpose, path, signal: o.signal })
      })
      if (o.probe) {
        const ex = await http.exchange({ purpose: 'probe', path: o.probe.path, signal: o.signal })
        if (ex.response?.status === 200) probeBody = ex.response.body
      }
    } finally {
      await http.close()
    }
    const answer =
      probeBody !== undefined && o.probe
        ? interpretProbe(probeBody, 'app', {}, { token: o.probe.token })
        : undefined
    if (answer) {
      const { set, length, weak } = answer.secretKey
      facts.secretKey = { set, length, weak }
    }
    facts.sessionCookies = sessionCookiesFrom(exchanges, {
      cookieName: answer?.sessionCookie.name ?? o.cookieName ?? 'session',
    })
    return facts
  } finally {
    if (instance)
      await runtime
        .remove(instance)
        .catch((err: Error) =>
          o.log.warning(`removing the second boot's container failed: ${err.message}`),
        )
  }
}
