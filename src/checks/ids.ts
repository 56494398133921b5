/**
 * Every check id, in catalog order, and nothing else: options.ts validates skip-checks against
 * this list without loading a single check. __tests__/catalog.test.ts keeps it equal to the
 * ids of checks/catalog.ts.
 */
export const CHECK_IDS = [
  'build.image',
  'build.layer-cache',
  'image.no-baked-secrets',
  'image.non-root',
  'image.exec-form',
  'boot.ready',
  'server.production-wsgi',
  'server.workers',
  'health.endpoint',
  'proxy.https-urls',
  'proxy.client-ip',
  'proxy.forwarded-headers',
  'proxy.config-valid',
  'tls.hsts',
  'tls.https-redirect',
  'cookies.secure',
  'config.debug-off',
  'secret.from-env',
  'secret.strength',
  'logs.stdout',
  'static.served-by-proxy',
  'shutdown.graceful',
  'proxy.host-header',
  'static.alias-traversal',
  'health.no-session',
  'proxy.rate-limit',
  'proxy.forwarded-spoof',
  'proxy.upstream',
  'tls.protocols',
  'headers.nosniff',
  'headers.frame-options',
  'headers.csp',
  'headers.referrer-policy',
  'headers.server-tokens',
  'proxy.timeouts',
  'proxy.body-size',
  'systemd.user',
  'systemd.restart',
  'systemd.secrets',
  'systemd.bind-local',
  'routes.answer',
] as const

export type CheckId = (typeof CHECK_IDS)[number]

/** Whether `id` names a check of the catalog. */
export function isCheckId(id: string): id is CheckId {
  return (CHECK_IDS as readonly string[]).includes(id)
}
