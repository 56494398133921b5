/**
 * tls-termination: upstream. The user's nginx runs as its config says (plain HTTP), and a second
 * container from the proxy image, the balancer, ends TLS in front of it as a cloud load
 * balancer does (src/proxy/balancer.ts). Every request of the checks enters at the balancer, so
 * they judge the whole chain: nginx must pass the balancer's scheme on, ProxyFix must count two
 * proxies.
 */
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import type { Docker } from '../../docker/docker'
import {
  BALANCER_CERT,
  BALANCER_KEY,
  BALANCER_PORT,
  BALANCER_SITE,
  balancerConfig,
} from '../../proxy/balancer'
import { makeCertificate } from '../../proxy/certs'
import { startProxy, type NginxSpec, type ProxyStart } from './nginx-container'

export interface ChainStart {
  /** The user's nginx container. */
  nginx: string
  /** The balancer's published TLS port. */
  httpsPort: number
  ms: number
}

/**
 * Starts the user's nginx on `plainPort`, then the balancer forwarding to it; the reason when
 * either does not come up.
 */
export async function startChain(
  docker: Docker,
  spec: NginxSpec & {
    plainPort: number
    serverName: string
    timeoutMs: number
    dir: string
    mapFile: (file: string) => string
  },
): Promise<{ ok: true; chain: ChainStart } | { ok: false; reason: string }> {
  const t0 = Date.now()
  const nginx = await startProxy(docker, { ...spec, ports: [spec.plainPort], ready: 'http' })
  if (!nginx.ok) return { ok: false, reason: nginx.reason }
  const balancer = await startBalancer(docker, spec, `${nginx.name}:${spec.plainPort}`)
  if (!balancer.ok)
    return { ok: false, reason: `the load balancer in front of nginx: ${balancer.reason}` }
  const httpsPort = balancer.hostPorts.get(BALANCER_PORT) as number
  return { ok: true, chain: { nginx: nginx.name, httpsPort, ms: Date.now() - t0 } }
}

async function startBalancer(
  docker: Docker,
  spec: NginxSpec & { serverName: string; timeoutMs: number; dir: string },
  upstream: string,
): Promise<ProxyStart> {
  const dir = path.join(spec.dir, 'balancer')
  await fs.mkdir(dir, { recursive: true, mode: 0o755 })
  const site = path.join(dir, 'default.conf')
  await fs.writeFile(site, balancerConfig(upstream), { mode: 0o644 })
  const cert = await makeCertificate(spec.serverName, dir)
  return startProxy(docker, {
    runId: spec.runId,
    image: spec.image,
    network: spec.network,
    hosts: [],
    mounts: [
      { source: site, target: BALANCER_SITE },
      { source: cert.certFile, target: BALANCER_CERT },
      { source: cert.keyFile, target: BALANCER_KEY },
    ],
    ports: [BALANCER_PORT],
    serverName: spec.serverName,
    timeoutMs: spec.timeoutMs,
    role: 'balancer',
  })
}
