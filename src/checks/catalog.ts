/**
 * The catalog: every check, in report order. The order is the contract of the report and the
 * summary (shared/spec/check-catalog.md); a new check goes at the end of its group or the list.
 */
import type { Observations } from '../facts/types'
import { bootReady } from './boot'
import { buildImage, buildLayerCache } from './build'
import { configDebugOff } from './config'
import { cookiesSecure } from './cookies'
import {
  headersCsp,
  headersFrameOptions,
  headersNosniff,
  headersReferrerPolicy,
  headersServerTokens,
} from './headers'
import { healthEndpoint, healthNoSession } from './health'
import { imageExecForm, imageNoBakedSecrets, imageNonRoot } from './image'
import { runChecks } from './lib/run'
import type { Check, CheckResult } from './lib/types'
import { logsStdout } from './logs'
import {
  proxyBodySize,
  proxyClientIp,
  proxyConfigValid,
  proxyForwardedHeaders,
  proxyForwardedSpoof,
  proxyHostHeader,
  proxyHttpsUrls,
  proxyRateLimit,
  proxyUpstream,
  proxyTimeouts,
} from './proxy'
import { routesAnswer } from './routes'
import { secretFromEnv, secretStrength } from './secret'
import { serverProductionWsgi, serverWorkers } from './server'
import { shutdownGraceful } from './shutdown'
import { staticAliasTraversal, staticServedByProxy } from './static'
import { systemdBindLocal, systemdRestart, systemdSecrets, systemdUser } from './systemd'
import { tlsHsts, tlsHttpsRedirect, tlsProtocols } from './tls'

export const CATALOG: readonly Check[] = [
  buildImage,
  buildLayerCache,
  imageNoBakedSecrets,
  imageNonRoot,
  imageExecForm,
  bootReady,
  serverProductionWsgi,
  serverWorkers,
  healthEndpoint,
  proxyHttpsUrls,
  proxyClientIp,
  proxyForwardedHeaders,
  proxyConfigValid,
  tlsHsts,
  tlsHttpsRedirect,
  cookiesSecure,
  configDebugOff,
  secretFromEnv,
  secretStrength,
  logsStdout,
  staticServedByProxy,
  shutdownGraceful,
  proxyHostHeader,
  staticAliasTraversal,
  healthNoSession,
  proxyRateLimit,
  proxyForwardedSpoof,
  proxyUpstream,
  tlsProtocols,
  headersNosniff,
  headersFrameOptions,
  headersCsp,
  headersReferrerPolicy,
  headersServerTokens,
  proxyTimeouts,
  proxyBodySize,
  systemdUser,
  systemdRestart,
  systemdSecrets,
  systemdBindLocal,
  routesAnswer,
]

/** Every catalog check over the facts, one result each in catalog order; never throws. */
export function runCatalog(obs: Observations, skip: readonly string[] = []): CheckResult[] {
  return runChecks(CATALOG, obs, skip)
}
