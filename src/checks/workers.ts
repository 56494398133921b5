/**
 * server.workers: enough workers (or threads, or an async worker class) to serve concurrent
 * requests. Worker processes are counted in the process table because settings from
 * GUNICORN_CMD_ARGS or a config file never show in the arguments.
 */
import type { Observations } from '../facts/types'
import type { CheckOutcome } from './lib/types'
import { dockerfileAt, plural, present } from './common'
import { findServer, intOption, optionValue, type ServerProcesses } from './processes'
import { commandInstruction } from './stages'

interface Concurrency {
  workers: number
  threads: number
  workerClass: string
  /** How the worker count was found, for evidence. */
  basis: string
}

const ASYNC_CLASSES = /gthread|gevent|eventlet|tornado|uvicorn/i

/** Gunicorn prints `Using worker: sync` at boot; it names the class even from a config file. */
function loggedWorkerClass(obs: Observations): string | undefined {
  const logs = present(obs.logs)
  const boot = present(obs.boot)
  const lines = [...(logs?.stderr ?? []), ...(logs?.stdout ?? []), ...(boot?.logTail ?? [])]
  for (const line of lines) {
    const m = /Using worker: (\S+)/.exec(line)
    if (m)
      return (
        m[1]
          .replace(/^.*\./, '')
          .replace(/Worker$/i, '')
          .toLowerCase() || m[1]
      )
  }
  return undefined
}

function gunicorn(server: ServerProcesses, obs: Observations): Concurrency {
  const args = server.master.args
  const flag = intOption(args, ['-w'], ['--workers'])
  const counted = server.workers.length
  const threads = intOption(args, [], ['--threads']) ?? 1
  // The boot log names the class Gunicorn really used (config files included); else the flag.
  const declared = loggedWorkerClass(obs) ?? optionValue(args, ['-k'], ['--worker-class']) ?? 'sync'
  // Gunicorn switches a sync worker to gthread by itself when --threads > 1.
  const workerClass = declared === 'sync' && threads > 1 ? 'gthread' : declared
  // Workers are forked one by one: a -w larger than the count means some were still starting.
  const workers = Math.max(counted, flag ?? 0, 1)
  const basis = `counted ${plural(counted, 'worker process', 'worker processes')}${flag !== undefined ? `; -w ${flag}` : ''}`
  return { workers, threads, workerClass: workerClass.replace(/^.*\./, ''), basis }
}

function uwsgi(server: ServerProcesses): Concurrency {
  const args = server.master.args
  const flag = intOption(args, ['-p'], ['--processes', '--workers'])
  const threads = intOption(args, [], ['--threads']) ?? 1
  const gevent = intOption(args, [], ['--gevent'])
  // Without --master the first process is itself a worker.
  const counted = server.workers.length > 0 ? server.workers.length : server.all.length
  const workers = Math.max(counted, flag ?? 0, 1)
  const basis = `counted ${plural(counted, 'worker process', 'worker processes')}${flag !== undefined ? `; --processes ${flag}` : ''}`
  return {
    workers,
    threads,
    workerClass: gevent !== undefined ? 'gevent' : threads > 1 ? 'threads' : 'prefork',
    basis,
  }
}

/** server.workers: at least 2 workers, or 1 worker with threads or an async class. */
export function serverWorkers(obs: Observations): CheckOutcome {
  const processes = present(obs.processes) ?? []
  const server = findServer(processes)
  const cpus = obs.run.cpus
  const guide = 2 * cpus + 1
  const guideLine = `guide: 2 x ${plural(cpus, 'CPU')} + 1 = ${guide} workers`
  if (server === undefined || server.kind === 'werkzeug' || server.kind === 'python') {
    return {
      status: 'skipped',
      summary: 'no production WSGI server to count workers for (see server.production-wsgi)',
    }
  }
  if (server.kind === 'waitress') {
    const threads = intOption(server.master.args, [], ['--threads']) ?? 4
    const outcome = threads >= 2 ? 'passed' : 'failed'
    return {
      status: outcome,
      summary: `Waitress serves with ${plural(threads, 'thread')} in one process${threads === 4 ? ' (its default)' : ''}`,
      evidence: [`threads: ${threads}`, 'Waitress is threaded: one process, no worker processes'],
      ...(outcome === 'failed' ? { fix: 'raise waitress-serve --threads (default 4)' } : {}),
    }
  }

  const c = server.kind === 'gunicorn' ? gunicorn(server, obs) : uwsgi(server)
  const evidence = [
    `workers: ${c.workers} (${c.basis})`,
    `threads per worker: ${c.threads}`,
    `worker class: ${c.workerClass}`,
    guideLine,
  ]
  const name = server.kind === 'gunicorn' ? 'Gunicorn' : 'uWSGI'
  const shape = `${plural(c.workers, `${name} worker`)} (${c.workerClass}, ${plural(c.threads, 'thread')} each)`
  if (c.workers >= 2 || c.threads >= 2 || ASYNC_CLASSES.test(c.workerClass)) {
    return {
      status: 'passed',
      summary: `${shape}; guide for ${plural(cpus, 'CPU')}: ${guide}`,
      evidence,
    }
  }
  const step = commandInstruction(obs, server.kind === 'gunicorn' ? /gunicorn/ : /uwsgi/)
  const fix =
    server.kind === 'gunicorn'
      ? `run more workers: gunicorn -w ${guide} (2 x cores + 1), or add threads with --threads 4`
      : `run more workers: uwsgi --master --processes ${guide}, or add --threads 4`
  return {
    status: 'failed',
    summary: `${shape}: one slow request blocks every other`,
    evidence,
    fix,
    location: step ? dockerfileAt(obs, step.line) : undefined,
  }
}
