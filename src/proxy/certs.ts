/**
 * The throw-away certificate the proxy serves: self-signed for the public server name, valid
 * for two days, never trusted by anyone (the checker connects without verification).
 */
import { generateKeyPair } from 'node:crypto'
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import { generate } from 'selfsigned'

export interface ThrowAwayCert {
  /** PEM certificate file. */
  certFile: string
  /** PEM private key file (PKCS#8). */
  keyFile: string
  /** Certificate and key in one file, for a config naming one path for both. */
  bundleFile: string
}

let key: Promise<{ privateKey: string; publicKey: string }> | undefined

/**
 * The run's RSA key, generated once in the thread pool (0.1 to 0.3 s): collect.ts starts it while
 * the image builds, so the proxy stand-up does not wait for it. Every certificate of the run
 * (the proxy's, the load balancer stand-in's) uses it: it protects nothing.
 */
export function throwAwayKey(): Promise<{ privateKey: string; publicKey: string }> {
  key ??= new Promise((resolve, reject) =>
    generateKeyPair(
      'rsa',
      {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      },
      (err, publicKey, privateKey) => (err ? reject(err) : resolve({ privateKey, publicKey })),
    ),
  )
  return key
}

/**
 * Writes a fresh self-signed certificate for serverName into dir, on the run's RSA 2048 key (EC
 * P-256 would be faster): only an RSA certificate lets a handshake show whether the config offers
 * suites without forward secrecy (RSA key exchange, tls.protocols). The files are
 * world-readable: nginx workers may run as another user, and the key protects nothing.
 */
export async function makeCertificate(serverName: string, dir: string): Promise<ThrowAwayCert> {
  const now = Date.now()
  const pems = await generate([{ name: 'commonName', value: serverName }], {
    keyType: 'rsa',
    keyPair: await throwAwayKey(),
    algorithm: 'sha256',
    // An hour back: the container's clock and ours may disagree a little.
    notBeforeDate: new Date(now - 3600_000),
    notAfterDate: new Date(now + 2 * 86400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: serverName }] },
    ],
  })
  await fs.mkdir(dir, { recursive: true, mode: 0o755 })
  const cert: ThrowAwayCert = {
    certFile: path.join(dir, 'cert.pem'),
    keyFile: path.join(dir, 'key.pem'),
    bundleFile: path.join(dir, 'bundle.pem'),
  }
  await fs.writeFile(cert.certFile, pems.cert, { mode: 0o644 })
  await fs.writeFile(cert.keyFile, pems.private, { mode: 0o644 })
  await fs.writeFile(cert.bundleFile, `${pems.cert.trimEnd()}\n${pems.private}`, { mode: 0o644 })
  return cert
}
