/**
 * Which addresses mean "this machine". A server bound to loopback cannot be reached through a
 * published port, a loopback upstream seen from the proxy's container is nginx itself, and a
 * generated URL naming one is useless to a browser.
 */

function bare(host: string): string {
  return host.toLowerCase().replace(/^\[(.*)\]$/, '$1')
}

/** 127.0.0.0/8 (also IPv4-mapped), ::1 and the name localhost; IPv6 may be in brackets. */
export function isLoopback(host: string): boolean {
  const h = bare(host)
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h)
}

/** 0.0.0.0 and ::, which Linux connects to the local host when used as a destination. */
export function isUnspecified(host: string): boolean {
  const h = bare(host)
  return h === '0.0.0.0' || h === '::'
}

/**
 * Docker's embedded DNS: on a user-defined network every container has it listening on
 * 127.0.0.11 (random TCP and UDP ports). It is never the app.
 */
export const DOCKER_DNS = '127.0.0.11'

/** The sockets without Docker's embedded DNS (recordings made before the parser dropped it have it). */
export function withoutDockerDns<T extends { address: string }>(listening: readonly T[]): T[] {
  return listening.filter((l) => l.address !== DOCKER_DNS)
}
