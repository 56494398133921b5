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
