/**
 * A host process the run started, in its own process group (detached), with its output kept by
 * stream and its exit recorded. Stopping signals the whole group, as systemd's KillMode=
 * control-group does, so workers and helpers go with the master.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { forget, remember } from './registry'

/** Lines kept per stream (one over the cap marks truncation). */
export const CHILD_LINE_CAP = 2000

export interface ChildExit {
  code: number
  /** Milliseconds after start. */
  afterMs: number
}

export class HostChild {
  readonly stdout: string[] = []
  readonly stderr: string[] = []
  /** Both streams in arrival order, the last lines only. */
  readonly merged: string[] = []
  truncated = false
  exit?: ChildExit
  readonly started = Date.now()
  private readonly proc: ChildProcess
  private readonly exited: Promise<ChildExit>

  constructor(
    readonly runId: string,
    file: string,
    args: string[],
    opts: { cwd: string; env: Record<string, string> },
  ) {
    this.proc = spawn(file, args, {
      cwd: opts.cwd,
      // Names the run in /proc/PID/environ: how a test (or a person) finds what a run left.
      env: { ...opts.env, FDC_RUN_ID: runId },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    if (this.proc.pid !== undefined) remember(runId, this.proc.pid)
    this.collect('stdout', this.stdout)
    this.collect('stderr', this.stderr)
    this.exited = new Promise((resolve) => {
      const done = (code: number): void => {
        if (this.exit === undefined) this.exit = { code, afterMs: Date.now() - this.started }
        resolve(this.exit)
      }
      this.proc.once('error', (err) => {
        this.stderr.push(`${file}: ${err.message}`)
        this.merged.push(`${file}: ${err.message}`)
        done(127)
      })
      this.proc.once('exit', (code, signal) =>
        done(code ?? 128 + (signal ? signalNumber(signal) : 0)),
      )
    })
  }

  get pid(): number | undefined {
    return this.proc.pid
  }

  private collect(name: 'stdout' | 'stderr', into: string[]): void {
    let rest = ''
    this.proc[name]?.setEncoding('utf8')
    this.proc[name]?.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n')
      rest = lines.pop() ?? ''
      for (const l of lines) this.keep(into, l.replace(/\r$/, ''))
    })
    this.proc[name]?.on('end', () => {
      if (rest) this.keep(into, rest)
      rest = ''
    })
  }

  private keep(into: string[], line: string): void {
    if (into.length < CHILD_LINE_CAP) into.push(line)
    else this.truncated = true
    this.merged.push(line)
    if (this.merged.length > 200) this.merged.shift()
  }

  /** Resolves when the process exits, or with undefined after ms. */
  wait(ms: number): Promise<ChildExit | undefined> {
    if (this.exit) return Promise.resolve(this.exit)
    return Promise.race([
      this.exited,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref()),
    ])
  }

  /** Sends a signal to the whole process group; false when it is already gone. */
  signalGroup(signal: NodeJS.Signals): boolean {
    if (this.proc.pid === undefined) return false
    try {
      process.kill(-this.proc.pid, signal)
      return true
    } catch {
      return false
    }
  }

  /** SIGKILL to the group and forget it; safe to call twice. */
  async kill(): Promise<void> {
    this.signalGroup('SIGKILL')
    await this.wait(2000)
    if (this.proc.pid !== undefined) forget(this.runId, this.proc.pid)
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  const n: Partial<Record<NodeJS.Signals, number>> = {
    SIGTERM: 15,
    SIGKILL: 9,
    SIGINT: 2,
    SIGQUIT: 3,
  }
  return n[signal] ?? 0
}
