/**
 * proxy.forwarded-spoof's forgeries: one client-sent X-Forwarded-* header per request, each with
 * a canary that no proxy or app would produce by itself, so seeing it in a Location, a page's
 * URLs or the app's request.host/url_root proves the client steered what the app generates.
 * The runtime picks the nonce; the check reads the canaries back from the exchanges.
 */

/** The headers ProxyFix trusts (x_host, x_port, x_prefix, x_proto), in the order they are sent. */
export const SPOOF_HEADERS = [
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-prefix',
  'x-forwarded-proto',
] as const
export type SpoofHeader = (typeof SPOOF_HEADERS)[number]

/** ProxyFix's argument that makes the app trust each header. */
export const PROXYFIX_ARG: Readonly<Record<SpoofHeader, string>> = {
  'x-forwarded-host': 'x_host',
  'x-forwarded-port': 'x_port',
  'x-forwarded-prefix': 'x_prefix',
  'x-forwarded-proto': 'x_proto',
}

/**
 * The forged value of each header for a nonce of 6 hex digits: a host under .invalid, a port in
 * 40000-49999 (digits of the nonce), a path prefix and a URL scheme (letters first, as RFC 3986
 * requires, so Werkzeug builds `<canary>://host/` from it).
 */
export function spoofCanaries(nonce: string): Record<SpoofHeader, string> {
  const digits = String(parseInt(nonce.slice(0, 4), 16) % 10000).padStart(4, '0')
  return {
    'x-forwarded-host': `fdc-spoof-${nonce}.invalid`,
    'x-forwarded-port': `4${digits}`,
    'x-forwarded-prefix': `/fdc-spoof-${nonce}`,
    'x-forwarded-proto': `fdcspoof${nonce}`,
  }
}
