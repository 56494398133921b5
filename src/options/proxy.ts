/** The proxy's inputs that are validated together: its config (nginx or Caddy), TLS and host name. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { TlsTermination } from './types'
import { bad } from './values'

export const DEFAULT_PROXY_IMAGE = 'nginx:1.27'

export interface ProxyInputs {
  nginxConfig: string
  caddyConfig: string
  tlsTermination: TlsTermination
  serverName?: string
}

/** nginx-config: a site file, a main nginx.conf, or a directory to search. */
function fileOrDirectory(value: string, base: string, input = 'nginx-config'): string {
  const abs = path.resolve(base, value)
  if (!fs.existsSync(abs) || !(fs.statSync(abs).isFile() || fs.statSync(abs).isDirectory()))
    throw bad(input, value, `an existing file or directory (looked for ${abs})`)
  return abs
}

/** nginx-config, caddy-config, tls-termination and server-name, in that order. */
export function proxyInputsOf(
  get: (input: 'nginx-config' | 'caddy-config' | 'tls-termination' | 'server-name') => string,
  workspace: string,
  commentOnly: boolean,
): ProxyInputs {
  const nginxConfig = get('nginx-config') || 'auto'
  if (nginxConfig !== 'auto' && !commentOnly) fileOrDirectory(nginxConfig, workspace)

  const caddyConfig = get('caddy-config') || 'auto'
  if (caddyConfig !== 'auto' && !commentOnly)
    fileOrDirectory(caddyConfig, workspace, 'caddy-config')

  const tlsTermination = get('tls-termination') || 'nginx'
  if (tlsTermination !== 'nginx' && tlsTermination !== 'upstream')
    throw bad('tls-termination', tlsTermination, "'nginx' or 'upstream'")

  const serverName = get('server-name') || undefined
  if (serverName !== undefined && !/^[A-Za-z0-9.-]+$/.test(serverName)) {
    throw bad('server-name', serverName, 'a host name (letters, digits, dots and dashes)')
  }
  return { nginxConfig, caddyConfig, tlsTermination, serverName }
}
