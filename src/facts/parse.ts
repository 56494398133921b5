/**
 * Pure parsers of captured docker output (see __tests__/data for real samples). Values of
 * environment variables are read here only to measure them; facts never carry them.
 */
// One rule for 'URL with credentials' across the Dockerfile and the built image.
import { isUrlWithCredentials } from './dockerfile'
import { DOCKER_DNS, isLoopback } from './loopback'
import type { EnvVarFacts, ImageFacts, ListenFacts, ProcessFacts } from './types'

export { isLoopback } from './loopback'
export { detectPort, type DetectedPort } from './port'
export { splitWords } from './shell-words'

/** The facts about one variable: its name and the shape of its value, never the value. */
export function envVarFacts(name: string, value: string): EnvVarFacts {
  return { name, valueLength: value.length, urlWithCredentials: isUrlWithCredentials(value) }
}

function splitPair(pair: string): [string, string] {
  const eq = pair.indexOf('=')
  return eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)]
}

export interface ParsedImage {
  facts: ImageFacts
  /** The image's environment with values: for port detection only, never to be stored. */
  env: Map<string, string>
}

interface InspectImage {
  Id?: string
  Size?: number
  Config?: {
    User?: string
    Env?: string[] | null
    Entrypoint?: string[] | null
    Cmd?: string[] | null
    ExposedPorts?: Record<string, unknown> | null
    WorkingDir?: string
  }
}

/** Parses `docker image inspect REF` (a JSON array with one image); historyVars is left empty. */
export function parseImageInspect(json: string): ParsedImage {
  const parsed = JSON.parse(json) as InspectImage[] | InspectImage
  const img = Array.isArray(parsed) ? parsed[0] : parsed
  if (img === undefined) throw new Error('docker image inspect returned no image')
  const config = img.Config ?? {}
  const env = new Map((config.Env ?? []).map(splitPair))
  const exposedPorts = Object.keys(config.ExposedPorts ?? {})
    .map((k) => /^(\d+)(?:\/tcp)?$/.exec(k))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b)
  return {
    env,
    facts: {
      id: img.Id ?? '',
      sizeBytes: img.Size ?? 0,
      user: config.User ?? '',
      env: [...env].map(([k, v]) => envVarFacts(k, v)),
      entrypoint: config.Entrypoint ?? null,
      cmd: config.Cmd ?? null,
      exposedPorts,
      workingDir: config.WorkingDir ?? '',
      historyVars: [],
    },
  }
}

/**
 * Splits `NAME=value NAME2=value two` into pairs, given the names that may start a pair:
 * docker prints values unquoted, so a space only separates pairs when a known name follows.
 */
function knownPairs(text: string, names: Set<string>): [string, string][] {
  const tokens = text.split(' ')
  const pairs: [string, string][] = []
  for (const token of tokens) {
    const eq = token.indexOf('=')
    const name = eq > 0 ? token.slice(0, eq) : ''
    if (names.has(name)) pairs.push([name, token.slice(eq + 1)])
    else if (pairs.length > 0) pairs[pairs.length - 1][1] += ` ${token}`
  }
  return pairs
}

/**
 * Parses `docker history --no-trunc --format '{{.CreatedBy}}'` (legacy builder lines start
 * `<shell> #(nop) `, BuildKit lines with the instruction). Returns one entry per variable
 * that some layer shows with a value: build args on RUN lines (`|N KEY=value ... cmd`), ARG
 * defaults and ENV values (including values a later ENV replaced). `envNames` are the image's
 * variable names; the ARG names come from the history itself.
 */
export function parseHistory(text: string, envNames: string[]): EnvVarFacts[] {
  const lines = text
    .split('\n')
    .map((l) => l.replace(/^[^|#]*#\(nop\)\s+/, '').trim())
    .filter((l) => l !== '')
  const argNames = new Set<string>()
  for (const l of lines) {
    const m = /^ARG ([A-Za-z_][A-Za-z0-9_]*)/.exec(l)
    if (m) argNames.add(m[1])
  }
  const found = new Map<string, EnvVarFacts>()
  const add = (name: string, value: string): void => {
    if (value === '') return
    const facts = envVarFacts(name, value)
    const prev = found.get(name)
    found.set(name, {
      name,
      valueLength: Math.max(prev?.valueLength ?? 0, facts.valueLength),
      urlWithCredentials: (prev?.urlWithCredentials ?? false) || facts.urlWithCredentials,
    })
  }
  for (const l of lines) {
    const run = /^(?:RUN )?\|(\d+) (.*)$/.exec(l)
    if (run) {
      const pairs = knownPairs(run[2], argNames).slice(0, Number(run[1]))
      // The command follows the last value with nothing to mark where: end it at the first space
      // (a value with spaces is measured short; its name and presence are what matter).
      const last = pairs[pairs.length - 1]
      if (last) last[1] = last[1].split(' ')[0]
      for (const [k, v] of pairs) add(k, v)
    } else if (l.startsWith('ENV ')) {
      for (const [k, v] of knownPairs(l.slice(4), new Set(envNames))) add(k, v)
    } else if (l.startsWith('ARG ')) {
      const [k, v] = splitPair(l.slice(4))
      add(k, v)
    }
  }
  return [...found.values()]
}

/** Parses `docker top C -eo pid,ppid,uid,args`; `initPid` is inspect's State.Pid (same PID namespace). */
export function parseTop(text: string, initPid: number): ProcessFacts[] {
  const rows: ProcessFacts[] = []
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*?)\s*$/.exec(line)
    if (!m) continue
    const pid = Number(m[1])
    rows.push({ pid, ppid: Number(m[2]), uid: Number(m[3]), args: m[4], isInit: pid === initPid })
  }
  return rows
}

function ipv4(hex: string): string {
  // /proc prints the address as a little-endian 32-bit word.
  const n = parseInt(hex, 16)
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.')
}

function ipv6(hex: string): string {
  // Four little-endian 32-bit words: reverse the bytes of each word.
  const bytes: number[] = []
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8)
    for (let b = 3; b >= 0; b--) bytes.push(parseInt(word.slice(b * 2, b * 2 + 2), 16))
  }
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) {
    return `::ffff:${bytes.slice(12).join('.')}`
  }
  const groups = Array.from({ length: 8 }, (_, i) =>
    ((bytes[2 * i] << 8) | bytes[2 * i + 1]).toString(16),
  )
  // Compress the longest run of zero groups (RFC 5952).
  let best = { at: -1, len: 0 }
  for (let i = 0; i < 8; i++) {
    let j = i
    while (j < 8 && groups[j] === '0') j++
    if (j - i > best.len && j - i > 1) best = { at: i, len: j - i }
  }
  if (best.at < 0) return groups.join(':')
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`
}

/**
 * Parses /proc/net/tcp and/or tcp6 (concatenated) into the sockets in state LISTEN (0A), without
 * Docker's embedded DNS.
 */
export function parseProcNetTcp(text: string): ListenFacts[] {
  const seen = new Set<string>()
  const out: ListenFacts[] = []
  for (const line of text.split('\n')) {
    const m = /^\s*\d+:\s+([0-9A-Fa-f]+):([0-9A-Fa-f]{4})\s+\S+\s+([0-9A-Fa-f]{2})\s/.exec(line)
    if (!m || m[3].toUpperCase() !== '0A') continue
    const address = m[1].length === 8 ? ipv4(m[1]) : ipv6(m[1])
    const port = parseInt(m[2], 16)
    const key = `${address}|${port}`
    if (address === DOCKER_DNS) continue
    if (!seen.has(key)) out.push({ address, port })
    seen.add(key)
  }
  return out
}

/** True when something listens on `port` and only on loopback: unreachable through a published port. */
export function loopbackOnly(listening: ListenFacts[], port: number): boolean {
  const onPort = listening.filter((l) => l.port === port)
  return onPort.length > 0 && onPort.every((l) => isLoopback(l.address))
}

/** Parses `docker port C PORT/tcp` output ("127.0.0.1:49153", maybe several lines) into the host port. */
export function parseHostPort(text: string): number | undefined {
  const m = /:(\d+)\s*$/m.exec(text.trim().split('\n')[0] ?? '')
  return m ? Number(m[1]) : undefined
}

export interface ContainerState {
  status: string
  running: boolean
  pid: number
  exitCode: number
  finishedAt: string
  /** The memory limit killed it. */
  oomKilled?: boolean
}

/** Parses the State of `docker inspect CONTAINER` (JSON array). */
export function parseContainerState(json: string): ContainerState {
  const parsed = JSON.parse(json) as { State?: Record<string, unknown> }[]
  const s = parsed[0]?.State ?? {}
  return {
    status: String(s.Status ?? ''),
    running: s.Running === true,
    pid: Number(s.Pid ?? 0),
    exitCode: Number(s.ExitCode ?? -1),
    finishedAt: String(s.FinishedAt ?? ''),
    ...(s.OOMKilled === true ? { oomKilled: true } : {}),
  }
}

export { parseTimestampedLogs, type TimestampedLogs } from './logs'
