/**
 * The client for the app port, in the protocol it speaks: HTTP, or the uwsgi protocol for a
 * uWSGI `socket` (nginx's uwsgi_pass). Both answer with the same HttpExchange data.
 */
import { HttpProbe, type ExchangeOptions, type HttpTarget } from './http'
import { UwsgiProbe } from './uwsgi'
import type { HttpExchange } from '../facts/types'

export type AppProtocol = 'http' | 'uwsgi'

export interface AppProbe {
  exchange(opts: ExchangeOptions): Promise<HttpExchange>
  close(): Promise<void>
}

export function appProbe(protocol: AppProtocol | undefined, target: HttpTarget): AppProbe {
  return protocol === 'uwsgi' ? new UwsgiProbe(target) : new HttpProbe(target)
}

/** uWSGI's complaint when HTTP reaches its uwsgi socket. */
export const UWSGI_GOT_HTTP = /invalid request block size/
