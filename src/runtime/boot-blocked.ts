/** The parts only a running app gives: when it never became ready, each is blocked by boot.ready. */
import type { Observations, Unavailable } from '../facts/types'

/** Every part observed once the app is up, `unavailable` for one cause (logs are read apart). */
export function bootBlocked(cause: Unavailable): Partial<Observations> {
  return {
    processes: cause,
    http: cause,
    shutdown: cause,
    proxyConfig: cause,
    proxy: cause,
    probe: cause,
    sessionCookies: cause,
    secondBoot: cause,
    forwardedSpoof: cause,
    tls: cause,
  }
}
