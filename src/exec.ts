/**
 * The only caller of @actions/exec. Every external command runs with a timeout that kills it,
 * never throws for a non-zero exit (callers decide), and keeps its output bounded.
 *
 * @actions/exec exposes no handle on the child, so the timeout is enforced by running the
 * command under a watchdog: GNU `timeout --foreground` where it exists (Linux runners; no new
 * process group, so Ctrl-C still reaches the command), else a tiny Node script. Both exit 124
 * (or 137 after the hard kill) when the deadline passes. Output is captured through exec()'s
 * listeners rather than getExecOutput so that a chatty command cannot grow memory without bound.
 */
import { execFileSync } from 'node:child_process'
import * as exec from '@actions/exec'
import type { Logger } from './log'

export interface RunOptions {
  /** Deadline after which the command is killed (SIGTERM, then SIGKILL 2 s later). */
  timeoutMs: number
  /** Extra variables for the child (merged over process.env); how secrets reach docker. */
  env?: Record<string, string>
  /** Written to the child's stdin. */
  input?: string | Buffer
  /** Echo the command and its output to the console (default: silent). */
  silent?: boolean
  /** Bytes kept per stream; the rest is dropped and `truncated` set (default 8 MiB). */
  maxOutputBytes?: number
  /** Receives the command line at debug level (never holds secrets: they travel in env). */
  log?: Logger
  /** Working directory of the child (default: ours). */
  cwd?: string
}

export interface RunResult {
  exitCode: number
  stdout: string
  stderr: string
  ms: number
  /** The deadline passed and the command was killed. */
  timedOut: boolean
  /** An output stream went over maxOutputBytes. */
  truncated: boolean
}

/** A command that had to succeed and did not: names the command, exit code and last stderr line. */
export class CommandError extends Error {
  constructor(
    readonly cmd: string,
    readonly args: string[],
    readonly exitCode: number,
    readonly stderrTail: string,
  ) {
    super(
      `${[cmd, ...args].join(' ')} exited with ${exitCode}${stderrTail ? `: ${stderrTail}` : ''}`,
    )
    this.name = 'CommandError'
  }
}

const KILL_GRACE_S = 2
// After the child exits, how long a grandchild that kept its stdout open may delay the result.
const STDIO_CLOSE_MS = 1000
const TIMEOUT_EXIT_CODES = [124, 137]

// Node fallback watchdog: `node -e WATCHDOG MS CMD ARGS...` runs CMD with inherited stdio and kills it at MS.
const WATCHDOG = `
const { spawn } = require('child_process')
const [ms, cmd, ...args] = process.argv.slice(1)
const child = spawn(cmd, args, { stdio: 'inherit' })
let timedOut = false
const t = setTimeout(() => {
  timedOut = true
  child.kill('SIGTERM')
  setTimeout(() => child.kill('SIGKILL'), ${KILL_GRACE_S * 1000}).unref()
}, Number(ms))
child.on('error', (e) => { process.stderr.write('failed to run command: ' + e.message + '\\n'); process.exit(127) })
child.on('exit', (code, sig) => {
  clearTimeout(t)
  process.exit(timedOut ? 124 : code === null ? 128 + (require('os').constants.signals[sig] || 0) : code)
})
`

let gnuTimeout: boolean | undefined

function hasGnuTimeout(): boolean {
  // FDC_EXEC_WATCHDOG=node forces the portable watchdog (tests exercise both).
  if (process.env.FDC_EXEC_WATCHDOG === 'node') return false
  if (gnuTimeout === undefined) {
    try {
      execFileSync('timeout', ['--foreground', '-k', '1', '5', 'true'], {
        stdio: 'ignore',
        timeout: 5000,
      })
      gnuTimeout = true
    } catch {
      gnuTimeout = false
    }
  }
  return gnuTimeout
}

function watchdog(cmd: string, args: string[], timeoutMs: number): [string, string[]] {
  const seconds = (Math.max(timeoutMs, 1) / 1000).toFixed(3)
  if (hasGnuTimeout())
    return ['timeout', ['--foreground', '-k', String(KILL_GRACE_S), seconds, cmd, ...args]]
  return [process.execPath, ['-e', WATCHDOG, String(Math.max(timeoutMs, 1)), cmd, ...args]]
}

/** The watchdog could not start the command at all (not installed, not on PATH). */
function assertStarted(cmd: string, args: string[], exitCode: number, stderr: string): void {
  // GNU timeout: "timeout: failed to run command 'x': ..."; the Node watchdog: "failed to run command: ...".
  if (exitCode === 127 && /^(\S*timeout: )?failed to run command/m.test(stderr)) {
    throw new CommandError(
      cmd,
      args,
      127,
      `${cmd} could not be started (is it installed and on PATH?)`,
    )
  }
}

function childEnv(extra: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v
  // Untranslated messages from the watchdog, so a command that cannot start is recognised.
  return { ...env, LC_ALL: 'C', ...extra }
}

class Capture {
  private chunks: Buffer[] = []
  private size = 0
  truncated = false
  constructor(private readonly max: number) {}
  push(data: Buffer): void {
    if (this.size >= this.max) {
      this.truncated = true
      return
    }
    const keep = data.subarray(0, this.max - this.size)
    if (keep.length < data.length) this.truncated = true
    this.chunks.push(keep)
    this.size += keep.length
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8')
  }
}

/**
 * Runs a command to completion (or its deadline) and returns its output. Never throws for an
 * exit code; throws CommandError only when the command could not be started at all.
 */
export async function run(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const started = Date.now()
  const out = new Capture(opts.maxOutputBytes ?? 8 * 1024 * 1024)
  const err = new Capture(opts.maxOutputBytes ?? 8 * 1024 * 1024)
  const [file, argv] = watchdog(cmd, args, opts.timeoutMs)
  opts.log?.debug(`$ ${[cmd, ...args].join(' ')}`)
  const exitCode = await exec.exec(file, argv, {
    ignoreReturnCode: true,
    delay: STDIO_CLOSE_MS,
    silent: opts.silent ?? true,
    env: childEnv(opts.env),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    input: opts.input === undefined ? undefined : Buffer.from(opts.input),
    listeners: { stdout: (d) => out.push(d), stderr: (d) => err.push(d) },
  })
  const ms = Date.now() - started
  assertStarted(cmd, args, exitCode, err.text())
  return {
    exitCode,
    stdout: out.text(),
    stderr: err.text(),
    ms,
    timedOut: TIMEOUT_EXIT_CODES.includes(exitCode) && ms >= opts.timeoutMs - 50,
    truncated: out.truncated || err.truncated,
  }
}

export interface StreamOptions {
  timeoutMs: number
  env?: Record<string, string>
  /** Called with every output line (stdout and stderr) as it arrives. */
  onLine?: (line: string) => void
  /** Lines kept at the end (default 40). */
  keepLines?: number
  log?: Logger
}

export interface StreamResult {
  exitCode: number
  /** Last lines of stdout and stderr, interleaved in arrival order. */
  tail: string[]
  /** The last line written to stderr (usually the error), '' when none. */
  lastErrorLine: string
  ms: number
  timedOut: boolean
}

/** Runs a long command (a build), forwarding its lines as they come and keeping only the last ones. */
export async function runStreaming(
  cmd: string,
  args: string[],
  opts: StreamOptions,
): Promise<StreamResult> {
  const started = Date.now()
  const keep = opts.keepLines ?? 40
  const tail: string[] = []
  let lastErrorLine = ''
  const line = (l: string): void => {
    tail.push(l)
    if (tail.length > keep) tail.shift()
    opts.onLine?.(l)
  }
  const [file, argv] = watchdog(cmd, args, opts.timeoutMs)
  opts.log?.debug(`$ ${[cmd, ...args].join(' ')}`)
  const exitCode = await exec.exec(file, argv, {
    ignoreReturnCode: true,
    delay: STDIO_CLOSE_MS,
    silent: true,
    env: childEnv(opts.env),
    listeners: {
      stdline: line,
      errline: (l) => {
        if (l.trim() !== '') lastErrorLine = l
        line(l)
      },
    },
  })
  const ms = Date.now() - started
  assertStarted(cmd, args, exitCode, lastErrorLine)
  const timedOut = TIMEOUT_EXIT_CODES.includes(exitCode) && ms >= opts.timeoutMs - 50
  return { exitCode, tail, lastErrorLine, ms, timedOut }
}

/** Returns the result when the command exited 0, else throws CommandError. */
export function mustSucceed(result: RunResult, cmd: string, args: string[]): RunResult {
  if (result.exitCode === 0) return result
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '')
  const tail = result.timedOut ? `timed out after ${result.ms} ms` : (lines[lines.length - 1] ?? '')
  throw new CommandError(cmd, args, result.exitCode, tail)
}
