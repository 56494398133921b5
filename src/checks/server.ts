/**
 * The server in front of the app: server.production-wsgi, server.workers. Workers are counted in
 * the process table because settings from GUNICORN_CMD_ARGS or a config file never show in the
 * arguments.
 */
import type { Observations } from '../facts/types'
import { SERVER_NAMES, serverOfSoftware } from '../facts/wsgi'
import { appExchanges, header } from './lib/http'
import { dockerfileAt, present } from './lib/parts'
import {
  findServer,
  initProcess,
  intOption,
  optionValue,
  type ServerProcesses,
} from './lib/processes'
import { commandInstruction, instructionLine } from './lib/stages'
import { clip, plural } from './lib/text'
import type { Check, CheckOutcome } from './lib/types'

/** server.production-wsgi: Gunicorn, uWSGI or Waitress serves HTTP, not the Werkzeug dev server. */
/** The Server header of the app port's answers, when one has it. */
function appServerHeader(obs: Observations): string | undefined {
  return appExchanges(obs)
    .map((x) => header(x.response, 'server'))
    .find((h) => h !== undefined)
}

/** The development server answers: the process table or the Server header says so. */
function werkzeugServes(obs: Observations, server: ServerProcesses | undefined): boolean {
  const serverHeader = appServerHeader(obs)
  return (
    server?.kind === 'werkzeug' ||
    (serverHeader !== undefined && serverOfSoftware(serverHeader) === 'werkzeug')
  )
}

function judgeServer(obs: Observations): CheckOutcome {
  const processes = present(obs.processes) ?? []
  const server = findServer(processes)
  const pid1 = initProcess(processes)
  const serverHeader = appServerHeader(obs)
  const evidence = [
    ...(pid1 ? [`PID 1: ${clip(pid1.args, 160)}`] : []),
    ...(server && server.master !== pid1
      ? [`server process: ${clip(server.master.args, 160)}`]
      : []),
    ...(serverHeader !== undefined
      ? [`Server: ${clip(serverHeader, 80)} (app port)`]
      : ['no Server header on the app port']),
  ]
  const byHeader = serverHeader !== undefined ? serverOfSoftware(serverHeader) : undefined
  if (werkzeugServes(obs, server)) {
    const step = commandInstruction(obs)
    return {
      status: 'failed',
      summary: `HTTP is served by the Werkzeug development server${server?.kind === 'werkzeug' ? ' (flask run)' : ''}`,
      evidence: [...evidence, ...(step ? [instructionLine(step)] : [])],
      fix: `serve the app with Gunicorn: CMD ["gunicorn", "-w", "4", "-b", "0.0.0.0:${obs.run.port}", "app:app"] (add gunicorn to the requirements)`,
      location: step ? dockerfileAt(obs, step.line) : undefined,
    }
  }
  const kind = server && server.kind !== 'python' ? server.kind : byHeader
  if (kind !== undefined) {
    return { status: 'passed', summary: `HTTP is served by ${SERVER_NAMES[kind]}`, evidence }
  }
  return {
    status: 'skipped',
    summary:
      'could not tell which server answers: no known server in the process table and no Server header names one',
    evidence,
  }
}

export const serverProductionWsgi: Check = {
  id: 'server.production-wsgi',
  title: 'Production WSGI server (not the Werkzeug dev server)',
  severity: 'error',
  needs: ['processes', 'http'],
  passesWhen: 'Gunicorn, uWSGI or Waitress serves HTTP, not the Werkzeug development server',
  run: judgeServer,
}

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
function judgeWorkers(obs: Observations): CheckOutcome {
  const processes = present(obs.processes) ?? []
  const server = findServer(processes)
  const cpus = obs.run.cpus
  const guide = 2 * cpus + 1
  const guideLine = `guide: 2 x ${plural(cpus, 'CPU')} + 1 = ${guide} workers`
  if (server === undefined || server.kind === 'werkzeug' || server.kind === 'python') {
    return {
      status: 'skipped',
      summary: 'no production WSGI server to count workers for (see server.production-wsgi)',
      // The development server is server.production-wsgi's failure.
      ...(werkzeugServes(obs, server) ? { blockedBy: 'server.production-wsgi' } : {}),
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

export const serverWorkers: Check = {
  id: 'server.workers',
  title: 'Enough workers to serve concurrent requests',
  severity: 'warning',
  needs: ['processes'],
  passesWhen: 'at least 2 workers, or threads / an async worker class',
  run: judgeWorkers,
}
