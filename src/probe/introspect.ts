/**
 * The introspection probe, host side: writing its Python files for a read-only bind mount into
 * the app container, the variables that activate it, and turning its JSON answer into a
 * ProbeAnswer. The probe sends an HMAC-SHA256 of SECRET_KEY keyed with the per-run token, never
 * the key; it is compared here with the digests of the injected key and of the known weak keys,
 * and dropped.
 */
import { createHmac, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { AutoRoutes, ProbeAnswer, ProbeWorkerTimeout } from '../facts/types'
import { pythonBytesLiteral } from '../facts/session-cookies'
import { WEAK_SECRET_KEY_BYTES, WEAK_SECRET_KEYS } from '../facts/weak-keys'
import { probeFiles } from './python'

/** Where the probe's directory is mounted in the app container. */
export const PROBE_MOUNT_TARGET = '/opt/flask-deploy-check/probe'
/** The probe answers GET `${PROBE_PATH_PREFIX}<token>`, checked after the app's middleware. */
export const PROBE_PATH_PREFIX = '/__flask_deploy_check/'

export interface PreparedProbe {
  /** Random per run (16 bytes, hex): the probe's path and the HMAC key of its digests. */
  token: string
  /** The request path the probe answers on. */
  path: string
  /** Pass to startApp: the probe's directory, read-only. */
  /** Host directory -> container path, read-only (the runtime's bind mounts). */
  mounts: { source: string; target: string }[]
  /** Add to the container's variables: FDC_PROBE_TOKEN, and PYTHONPATH with the probe first. */
  env: [string, string][]
}

/**
 * Writes the probe's files to `<tempDir>/probe` and returns what activates it in a container.
 * `imagePythonPath` is the PYTHONPATH the container would otherwise have (the image's, or the
 * one the `env` input sets): it is kept after the probe's directory.
 */
export function prepareProbe(o: { tempDir: string; imagePythonPath?: string }): PreparedProbe {
  const dir = path.join(o.tempDir, 'probe')
  fs.mkdirSync(dir, { recursive: true })
  // Readable by any user: the app may run as a non-root uid inside the container.
  fs.chmodSync(dir, 0o755)
  for (const [name, source] of Object.entries(probeFiles())) {
    const file = path.join(dir, name)
    fs.writeFileSync(file, source)
    fs.chmodSync(file, 0o644)
  }
  const token = randomBytes(16).toString('hex')
  const pythonPath = [PROBE_MOUNT_TARGET, o.imagePythonPath].filter((p) => p).join(':')
  return {
    token,
    path: `${PROBE_PATH_PREFIX}${token}`,
    mounts: [{ source: dir, target: PROBE_MOUNT_TARGET }],
    env: [
      ['FDC_PROBE_TOKEN', token],
      ['PYTHONPATH', pythonPath],
    ],
  }
}

/** The probe's digest of a key: HMAC-SHA256(key = token, message = the key's bytes), hex. */
export function keyDigest(token: string, key: string | Uint8Array): string {
  return createHmac('sha256', token).update(key).digest('hex')
}

let weakTable: { token: string; byDigest: Map<string, string> } | undefined

/** Digest -> weak key, computed once per token (a few thousand HMACs). */
export function weakKeyDigests(token: string): Map<string, string> {
  if (weakTable?.token !== token) {
    const byDigest = new Map<string, string>()
    for (const key of WEAK_SECRET_KEYS) byDigest.set(keyDigest(token, key), key)
    for (const key of WEAK_SECRET_KEY_BYTES) {
      const digest = keyDigest(token, key)
      if (!byDigest.has(digest)) byDigest.set(digest, pythonBytesLiteral(key))
    }
    weakTable = { token, byDigest }
  }
  return weakTable.byDigest
}

/**
 * Reads one probe answer; undefined when the body is not the probe's JSON (another server
 * answered, an error page, a probe that could not read the request). `forged` names the
 * headers the client forged on the request, kept with the answer for proxy.client-ip.
 */
export function interpretProbe(
  body: string,
  via: ProbeAnswer['via'],
  forged: Record<string, string>,
  o: { token: string; injectedKey?: string },
): ProbeAnswer | undefined {
  let raw: Record<string, unknown>
  try {
    raw = JSON.parse(body) as Record<string, unknown>
  } catch {
    return undefined
  }
  if (!isObject(raw) || raw.probe !== 1) return undefined
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
  const { scheme, host, urlRoot, remoteAddr, isSecure, debug } = raw
  const cookie = raw.sessionCookie
  const key = raw.secretKey
  if (
    typeof scheme !== 'string' ||
    typeof host !== 'string' ||
    typeof urlRoot !== 'string' ||
    typeof isSecure !== 'boolean' ||
    typeof debug !== 'boolean' ||
    !isObject(cookie) ||
    !isObject(key) ||
    typeof key.set !== 'boolean'
  ) {
    return undefined
  }
  const digest = str(key.hmac)
  const answer: ProbeAnswer = {
    via,
    forged,
    scheme,
    host,
    urlRoot,
    // The probe sends null when no URL could be built; the URL root has the same scheme and host.
    externalUrl: str(raw.externalUrl) ?? urlRoot,
    remoteAddr: str(remoteAddr) ?? '',
    isSecure,
    forwarded: stringRecord(raw.forwarded),
    serverScheme: str(raw.serverScheme) ?? '',
    serverSoftware: str(raw.serverSoftware) ?? '',
    debug,
    preferredUrlScheme: str(raw.preferredUrlScheme) ?? null,
    sessionCookie: {
      name: str(cookie.name) ?? 'session',
      secure: cookie.secure === true,
      httponly: cookie.httponly === true,
      samesite: str(cookie.samesite) ?? null,
    },
    middleware: middlewareOf(raw.middleware),
    secretKey: {
      set: key.set,
      length: typeof key.length === 'number' ? key.length : 0,
      matchesInjected:
        o.injectedKey === undefined
          ? null
          : digest !== undefined && digest === keyDigest(o.token, o.injectedKey),
      weak: digest ? (weakKeyDigests(o.token).get(digest) ?? null) : null,
    },
  }
  if ('staticFolder' in raw) answer.staticFolder = str(raw.staticFolder) ?? null
  if ('staticUrlPath' in raw) answer.staticUrlPath = str(raw.staticUrlPath) ?? null
  if (typeof raw.maxContentLength === 'number') answer.maxContentLength = raw.maxContentLength
  else if ('maxContentLength' in raw) answer.maxContentLength = null
  if (Array.isArray(raw.trailingSlashRules)) {
    answer.trailingSlashRules = raw.trailingSlashRules.filter((r) => typeof r === 'string')
  }
  if ('workerTimeout' in raw) answer.workerTimeout = workerTimeoutOf(raw.workerTimeout)
  const routes = autoRoutesOf(raw.autoRoutes)
  if (routes) answer.autoRoutes = routes
  return answer
}

const int = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0

function workerTimeoutOf(v: unknown): ProbeWorkerTimeout | null {
  if (!isObject(v)) return null
  if (v.server === 'gunicorn' && int(v.timeout)) {
    const file = typeof v.configFile === 'string' ? v.configFile : null
    return { server: 'gunicorn', timeout: v.timeout, configFile: file }
  }
  if (v.server === 'uwsgi')
    return { server: 'uwsgi', harakiri: int(v.harakiri) ? v.harakiri : null }
  return null
}

// Rules are app-controlled text: kept short, and only paths the proxy stage may request.
function autoRoutesOf(v: unknown): AutoRoutes | undefined {
  if (!isObject(v) || !Array.isArray(v.found) || !Array.isArray(v.skipped)) return undefined
  const text = (x: unknown): string => (typeof x === 'string' ? x.slice(0, 200) : '')
  const found = v.found
    .filter(isObject)
    .map((r) => ({ rule: text(r.rule), endpoint: text(r.endpoint), path: text(r.path) }))
    .filter((r) => /^\/[^\s?#]*$/.test(r.path))
    .slice(0, 30)
  const skipped = v.skipped
    .filter(isObject)
    .map((r) => ({ rule: text(r.rule), endpoint: text(r.endpoint), reason: text(r.reason) }))
    .slice(0, 30)
  return { found, skipped, more: int(v.more) ? v.more : 0 }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function stringRecord(v: unknown): Record<string, string> {
  if (!isObject(v)) return {}
  return Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<
    string,
    string
  >
}

const PROXY_FIX_KEYS = ['xFor', 'xProto', 'xHost', 'xPort', 'xPrefix'] as const

function middlewareOf(v: unknown): ProbeAnswer['middleware'] {
  if (!Array.isArray(v)) return []
  return v.filter(isObject).map((layer) => {
    const out: ProbeAnswer['middleware'][number] = { name: String(layer.name ?? '?') }
    for (const k of PROXY_FIX_KEYS) if (typeof layer[k] === 'number') out[k] = layer[k]
    return out
  })
}
