/**
 * tls.protocols: the TLS endpoint refuses TLS 1.0 and 1.1, accepts TLS 1.2, and accepts no TLS
 * 1.2 suite without forward secrecy (RSA key exchange) or without AEAD (CBC), as Mozilla's
 * "intermediate" profile has it. Judged on handshakes pinned to one version or one suite.
 */
import type { TlsAttempt } from '../../facts/types'
import { isCaddy, lineRef, mainServer, proxyConfigOf, userLocation } from '../lib/nginx'
import { present } from '../lib/parts'
import { clip, listOf } from '../lib/text'
import type { Check, CheckOutcome, Location } from '../lib/types'
import type { Observations } from '../../facts/types'

const INTERMEDIATE =
  'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305'

/** What is weak about a TLS 1.2 suite (OpenSSL name), or undefined. */
export function suiteWeakness(name: string): string | undefined {
  const fs = /^(ECDHE|DHE)-/.test(name)
  const aead = /(GCM|CHACHA20|CCM)/.test(name)
  if (!fs && !aead) return 'no forward secrecy, no AEAD'
  if (!fs) return 'no forward secrecy'
  if (!aead) return 'no AEAD (CBC)'
  return undefined
}

function line(a: TlsAttempt): string {
  const what = a.cipher ? `${a.version} ${a.cipher}` : a.version
  return a.accepted
    ? `${what}: accepted (${a.negotiated ?? '?'})`
    : `${what}: refused (${a.error ?? '?'})`
}

function judge(obs: Observations): CheckOutcome {
  if (proxyConfigOf(obs)?.source === 'reference') {
    return {
      status: 'skipped',
      skipReason: 'not-applicable',
      summary: 'no nginx config in the repository: the reference proxy is not your production TLS',
    }
  }
  const t = present(obs.tls)
  if (t === undefined) return { status: 'skipped', summary: 'no TLS handshakes were made' }
  const old = t.protocols.filter(
    (a) => a.accepted && (a.version === 'TLSv1' || a.version === 'TLSv1.1'),
  )
  const v12 = t.protocols.find((a) => a.version === 'TLSv1.2')
  const v13 = t.protocols.find((a) => a.version === 'TLSv1.3')
  const weak = t.ciphers.filter((a) => a.accepted && suiteWeakness(a.cipher ?? '') !== undefined)
  const accepted = [...t.protocols, ...t.ciphers].filter((a) => a.accepted)
  const server = mainServer(obs)
  const evidence = [
    `accepted: ${
      listOf(
        accepted.map((a) => (a.cipher ? `${a.version} ${a.cipher}` : a.version)),
        220,
      ) || 'nothing'
    }`,
    ...t.protocols.map(line),
    ...weak.map((a) => `${line(a)}: ${suiteWeakness(a.cipher ?? '')}`),
  ]
  if (v13 && !v13.accepted)
    evidence.push('TLS 1.3 refused: recommended where the proxy image has it')
  const problems: string[] = []
  if (old.length) problems.push(`accepts ${old.map((a) => a.version).join(' and ')}`)
  if (v12 && !v12.accepted) problems.push('refuses TLS 1.2')
  if (weak.length)
    problems.push(
      `accepts TLS 1.2 ${weak.map((a) => `${a.cipher} (${suiteWeakness(a.cipher ?? '')})`).join(', ')}`,
    )
  const protocols = server?.sslProtocols
  const ciphers = server?.sslCiphers
  const setting = isCaddy(obs)
    ? [
        protocols
          ? `tls protocols ${protocols.value} at ${lineRef(obs, protocols)}`
          : "no tls protocols: Caddy's default tls1.2 tls1.3 (Go's TLS, forward-secret AEAD suites)",
      ]
    : [
        protocols
          ? `ssl_protocols ${protocols.value} at ${lineRef(obs, protocols)}`
          : "no ssl_protocols: nginx's default TLSv1 TLSv1.1 TLSv1.2 TLSv1.3",
        ciphers
          ? `ssl_ciphers ${clip(ciphers.value, 120)} at ${lineRef(obs, ciphers)}`
          : "no ssl_ciphers: nginx's default HIGH:!aNULL:!MD5",
      ]
  if (problems.length === 0) {
    return {
      status: 'passed',
      summary: `TLS 1.0 and 1.1 refused, TLS 1.2${v13?.accepted ? ' and 1.3' : ''} accepted, no weak TLS 1.2 suite among ${t.ciphers.length} tried`,
      evidence: [...evidence, ...setting].map((l) => clip(l, 240)),
    }
  }
  const fixes: string[] = []
  let location: Location | undefined
  if (old.length || (v12 && !v12.accepted)) {
    fixes.push(isCaddy(obs) ? 'tls { protocols tls1.2 tls1.3 }' : 'ssl_protocols TLSv1.2 TLSv1.3;')
    location = userLocation(obs, protocols) ?? userLocation(obs, server)
  }
  if (weak.length) {
    fixes.push(`ssl_ciphers ${INTERMEDIATE};`)
    location ??= userLocation(obs, ciphers) ?? userLocation(obs, server)
  }
  return {
    status: 'failed',
    summary: clip(`the TLS endpoint ${problems.join('; ')}`, 240),
    evidence: [...evidence, ...setting].map((l) => clip(l, 240)),
    fix: `Mozilla intermediate: ${fixes.join(' ')}`,
    location,
  }
}

export const tlsProtocols: Check = {
  id: 'tls.protocols',
  title: 'TLS 1.2+ only, forward-secret AEAD suites',
  severity: 'warning',
  needs: ['tls', 'proxyConfig'],
  passesWhen:
    'the TLS endpoint refuses TLS 1.0 and 1.1, accepts TLS 1.2, and offers no TLS 1.2 suite without forward secrecy or AEAD (Mozilla "intermediate")',
  run: judge,
}
