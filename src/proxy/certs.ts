/**
 * The throw-away certificate the proxy serves: self-signed for the public server name, valid
 * for two days, never trusted by anyone (the checker connects without verification).
 */
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

/**
 * Writes a fresh self-signed certificate for serverName into dir. RSA 2048 (about 0.3 s, EC
 * P-256 takes 10 ms): only an RSA certificate lets a handshake show whether the config offers
 * suites without forward secrecy (RSA key exchange, tls.protocols). The files are
 * world-readable: nginx workers may run as another user, and the key protects nothing.
 */
export async function makeCertificate(serverName: string, dir: string): Promise<ThrowAwayCert> {
  const now = Date.now()
  const pems = await generate([{ name: 'commonName', value: serverName }], {
    keyType: 'rsa',
    keySize: 2048,
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
