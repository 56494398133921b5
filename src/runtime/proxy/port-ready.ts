/**
 * Whether a proxy's loopback port is up: a TLS handshake for the server name, or any answer to
 * a plain HTTP request. Each is one connection that settles once and never throws.
 */
import * as net from 'node:net'
import * as tls from 'node:tls'

/** The connection's first verdict: false on timeout or error; the socket is destroyed either way. */
function settle<S extends net.Socket>(
  connect: () => S,
  timeoutMs: number,
  wire: (socket: S, done: (ok: boolean) => void) => void,
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect()
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('error', () => done(false))
    wire(socket, done)
  })
}

/**
 * One TLS handshake with SNI; true when it completes (the certificate is not checked, unless
 * `ca` is given: then only a chain that verifies for servername counts).
 */
export function handshake(
  port: number,
  servername: string,
  timeoutMs: number,
  ca?: string,
): Promise<boolean> {
  const trust = ca ? { ca, rejectUnauthorized: true } : { rejectUnauthorized: false }
  return settle(
    () => tls.connect({ host: '127.0.0.1', port, servername, ...trust }),
    timeoutMs,
    (socket, done) => socket.once('secureConnect', () => done(true)),
  )
}

/**
 * One plain HTTP request for servername; true when any byte comes back. A connection alone
 * proves nothing: Docker's port proxy accepts it before anything listens in the container.
 */
export function answers(port: number, servername: string, timeoutMs: number): Promise<boolean> {
  return settle(
    () => net.connect({ host: '127.0.0.1', port }),
    timeoutMs,
    (socket, done) => {
      socket.once('connect', () =>
        socket.write(`HEAD / HTTP/1.1\r\nHost: ${servername}\r\nConnection: close\r\n\r\n`),
      )
      socket.once('data', () => done(true))
      socket.once('end', () => done(false))
    },
  )
}
