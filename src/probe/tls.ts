/**
 * TLS handshakes against the running proxy, each pinned to one protocol version or, under TLS
 * 1.2, to one cipher suite: what the endpoint accepts, as data. Node's client (OpenSSL 3) offers
 * TLS 1.0/1.1 and weak suites only at security level 0, so every attempt asks for it.
 */
import * as tls from 'node:tls'
import type { TlsAttempt, TlsFacts, TlsVersion } from '../facts/types'
import { mapInOrder } from './in-order'

export const VERSIONS: TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']

/** TLS 1.2 suites tried one at a time (OpenSSL names): RSA key exchange, CBC, then good ones. */
export const SUITES = [
  'AES128-SHA',
  'AES256-SHA',
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-CHACHA20-POLY1305',
]

const TIMEOUT_MS = 3000

interface Target {
  port: number
  servername: string
}

/** One handshake; never throws. */
function attempt(t: Target, version: TlsVersion, cipher?: string): Promise<TlsAttempt> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port: t.port,
      servername: t.servername,
      rejectUnauthorized: false,
      minVersion: version,
      maxVersion: version,
      ciphers: `${cipher ?? 'DEFAULT'}@SECLEVEL=0`,
    })
    const base = cipher ? { version, cipher } : { version }
    const done = (r: TlsAttempt): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(r)
    }
    const timer = setTimeout(() => done({ ...base, accepted: false, error: 'timeout' }), TIMEOUT_MS)
    socket.once('secureConnect', () =>
      done({
        ...base,
        accepted: true,
        negotiated: `${socket.getProtocol() ?? '?'} ${socket.getCipher()?.standardName ?? socket.getCipher()?.name ?? '?'}`,
      }),
    )
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done({ ...base, accepted: false, error: (err.code ?? err.message).slice(0, 120) }),
    )
  })
}

/** Every pinned handshake, `parallel` at a time (each on its own connection), in list order. */
export async function tlsHandshakes(
  t: Target,
  signal?: AbortSignal,
  parallel = 1,
): Promise<TlsFacts> {
  const plan: [TlsVersion, string | undefined][] = [
    ...VERSIONS.map((v): [TlsVersion, undefined] => [v, undefined]),
    ...SUITES.map((c): [TlsVersion, string] => ['TLSv1.2', c]),
  ]
  const all = await mapInOrder(plan, parallel, ([version, cipher]) => {
    signal?.throwIfAborted()
    return attempt(t, version, cipher)
  })
  const protocols = all.slice(0, VERSIONS.length)
  const ciphers = all.slice(VERSIONS.length)
  return { port: t.port, servername: t.servername, protocols, ciphers }
}
