/**
 * Reading the container's process table: which program each process is, which one is the WSGI
 * server's master, its workers, and what PID 1 is. `docker top` prints args space-joined (the
 * original quoting is lost), which is enough to recognise programs and flags.
 */
import { argWords } from '../../facts/shell-words'
import type { ProcessFacts } from '../../facts/types'
import { SERVER_NAMES, serverOfProgram, type ServerKind } from '../../facts/wsgi'
import { clip } from './text'

/** 'python' is a Python script we cannot name (app.run(), waitress.serve() ...). */
export type ProcessRole = ServerKind | 'python' | 'shell' | 'init' | 'other'

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'busybox'])
const INITS = new Set([
  'tini',
  'tini-static',
  'dumb-init',
  'docker-init',
  'catatonit',
  'supervisord',
  's6-svscan',
])

function base(token: string): string {
  return token.slice(token.lastIndexOf('/') + 1)
}

/** How reports name the server: 'Gunicorn', or the command of an unrecognised Python script. */
export function serverName(server: { kind: ServerKind | 'python'; master: ProcessFacts }): string {
  return server.kind === 'python'
    ? `\`${server.master.args.slice(0, 60)}\``
    : SERVER_NAMES[server.kind]
}

/** What program a process is, from its args. */
export function roleOf(args: string): ProcessRole {
  // setproctitle form: "gunicorn: master [app:app]", "uWSGI worker 1"
  if (/^gunicorn:/.test(args)) return 'gunicorn'
  if (/^uWSGI (master|worker|http)/.test(args)) return 'uwsgi'
  const t = argWords(args)
  let i = 0
  let program = base(t[0] ?? '')
  if (/^python[\d.]*$/.test(program)) {
    i = 1
    while (i < t.length && /^-[^m-]/.test(t[i])) i++ // -u, -O, -B ...
    if (t[i] === '-m') program = t[i + 1] ?? ''
    else if (t[i] === undefined) return 'python'
    else program = base(t[i])
  }
  const server = serverOfProgram(program, t.slice(i))
  if (server !== undefined) return server
  if (SHELLS.has(program)) return 'shell'
  if (INITS.has(program)) return 'init'
  return /^python[\d.]*$/.test(base(t[0] ?? '')) ? 'python' : 'other'
}

/** Value of a command-line option: `-w 4`, `-w4`, `--workers 4`, `--workers=4`. */
export function optionValue(args: string, short: string[], long: string[]): string | undefined {
  const t = argWords(args)
  let value: string | undefined
  for (let i = 0; i < t.length; i++) {
    for (const name of long) {
      if (t[i] === name) value = t[i + 1]
      else if (t[i].startsWith(`${name}=`)) value = t[i].slice(name.length + 1)
    }
    for (const name of short) {
      if (t[i] === name) value = t[i + 1]
      else if (t[i].startsWith(name) && !t[i].startsWith('--'))
        value = t[i].slice(name.length).replace(/^=/, '')
    }
  }
  return value
}

/** An integer option, or undefined when absent or not a number. */
export function intOption(args: string, short: string[], long: string[]): number | undefined {
  const v = optionValue(args, short, long)
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined
}

/** The processes of the WSGI server found in the process table. */
export interface ServerProcesses {
  kind: ServerKind | 'python'
  /** The top process of the server (its parent is not the same program). */
  master: ProcessFacts
  /** Children of the master running the same program. */
  workers: ProcessFacts[]
  /** Every process of the server. */
  all: ProcessFacts[]
}

const PREFERENCE: (ServerKind | 'python')[] = [
  'gunicorn',
  'uwsgi',
  'waitress',
  'werkzeug',
  'python',
]

/** The WSGI server in the process table (a known server first, else a Python process). */
export function findServer(processes: readonly ProcessFacts[]): ServerProcesses | undefined {
  for (const kind of PREFERENCE) {
    const all = processes.filter((p) => roleOf(p.args) === kind)
    const pids = new Set(all.map((p) => p.pid))
    const master = all.find((p) => !pids.has(p.ppid))
    if (master === undefined) continue
    const workers = all.filter((p) => p.ppid === master.pid)
    return { kind, master, workers, all }
  }
  return undefined
}

/** A process for evidence: 'uid 0: gunicorn -w 2 app:app (PID 1)'. */
export function processLine(p: ProcessFacts): string {
  return `uid ${p.uid}: ${clip(p.args, 160)}${p.isInit ? ' (PID 1)' : ''}`
}

/** The container's main process. */
export function initProcess(processes: readonly ProcessFacts[]): ProcessFacts | undefined {
  return processes.find((p) => p.isInit)
}

/** How SIGTERM sent to the container's PID 1 travels to the server. */
export interface SignalPath {
  /**
   * 'direct': PID 1 is the server or an init that forwards signals; 'indirect': a shell or
   * another program sits between PID 1 and the server; 'unknown': no server recognised.
   */
  path: 'direct' | 'indirect' | 'unknown'
  pid1?: ProcessFacts
  server?: ServerProcesses
}

/** Whether SIGTERM sent to PID 1 reaches the server. */
export function signalPath(processes: readonly ProcessFacts[]): SignalPath {
  const pid1 = initProcess(processes)
  const server = findServer(processes)
  if (pid1 === undefined) return { path: 'unknown', server }
  const role = roleOf(pid1.args)
  if (role === 'init' || (server !== undefined && server.master.pid === pid1.pid)) {
    return { path: 'direct', pid1, server }
  }
  if (role === 'shell' || server !== undefined) return { path: 'indirect', pid1, server }
  return { path: 'unknown', pid1, server }
}
