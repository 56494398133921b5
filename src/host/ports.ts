/**
 * Loopback ports for host mode: the unit's own when it is free, else a free one from a range
 * below the kernel's ephemeral ports (where docker publishes its random host ports).
 */
import * as net from 'node:net'

/** Host mode's range: clear of 32768-60999 (ephemeral, docker's published ports). */
export const HOST_PORT_RANGE = { from: 21000, to: 29999 }

/** True when nothing listens on address:port (we could bind it). */
export function isFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

const taken = new Set<number>()

/** A free loopback port of the range, never one handed out before in this process. */
export async function freePort(): Promise<number> {
  const span = HOST_PORT_RANGE.to - HOST_PORT_RANGE.from + 1
  const start = Math.floor(Math.random() * span)
  for (let i = 0; i < span; i++) {
    const port = HOST_PORT_RANGE.from + ((start + i) % span)
    if (taken.has(port)) continue
    // Free on the wildcard address too: a server binding 0.0.0.0 must get it as well.
    if ((await isFree(port)) && (await isFree(port, '0.0.0.0'))) {
      taken.add(port)
      return port
    }
  }
  throw new Error(`no free port in ${HOST_PORT_RANGE.from}-${HOST_PORT_RANGE.to}`)
}
