/** boot.ready: the container answers HTTP on the app port, or says why it does not. */
import { isLoopback, withoutDockerDns } from '../facts/loopback'
import type { ListenFacts, Observations } from '../facts/types'
import { dockerfileAt, present } from './lib/parts'
import { findServer } from './lib/processes'
import { commandInstruction, instructionLine } from './lib/stages'
import { clip, firstError, lastLines, seconds } from './lib/text'
import type { Check, CheckOutcome } from './lib/types'

function endpoint(l: ListenFacts): string {
  return l.address.includes(':') ? `[${l.address}]:${l.port}` : `${l.address}:${l.port}`
}

/** The last 40 lines the container printed, or a line saying it printed nothing. */
function tailOrNone(logTail: string[]): string[] {
  const tail = lastLines(logTail, 40)
  return tail.length > 0
    ? ['last lines of the container log:', ...tail]
    : ['the container printed nothing']
}

/** The advice for a container that exited during boot, from the last lines it printed. */
function exitFix(logTail: string[], exitCode: number, port: number): string {
  const log = logTail.join('\n')
  const missing = /ModuleNotFoundError: No module named '([^']+)'/.exec(log)
  if (missing)
    return `install ${missing[1]} in the image (add it to the requirements) or fix the import`
  if (/Failed to find (attribute|application object)/.test(log)) {
    return 'point the server at the app object as module:variable (e.g. app:app or "app:create_app()")'
  }
  if (exitCode === 127 || /executable file not found|: not found/.test(log)) {
    return 'the command is not installed in the image: add the server (e.g. gunicorn) to the requirements'
  }
  return `fix the error at the end of the log; reproduce with docker run --rm -p ${port}:${port} <image>`
}

/** boot.ready: the container answers HTTP on the app port within boot-timeout. */
function judge(obs: Observations): CheckOutcome {
  const boot = present(obs.boot)
  if (boot === undefined) return { status: 'skipped', summary: 'the container was not started' }
  const port = obs.run.port
  const listening = withoutDockerDns(boot.listening ?? [])
  const listenLine =
    listening.length > 0 ? [`listening: ${listening.map(endpoint).join(', ')}`] : []
  if (boot.ready) {
    const status = boot.firstStatus !== undefined ? ` ${boot.firstStatus}` : ''
    return {
      status: 'passed',
      summary: `answered HTTP${status} on port ${port} after ${seconds(boot.ms)}`,
      evidence: [`first response after ${Math.round(boot.ms)} ms`, ...listenLine],
    }
  }
  if (boot.dependency) {
    const { service, error } = boot.dependency
    return {
      status: 'failed',
      summary: `compose service ${service} did not become ready, so the app was not started: ${clip(error, 120)}`,
      evidence: [
        `docker compose up --wait ${service}: ${error}`,
        ...(boot.logTail.length
          ? [`last lines of ${service}'s log:`, ...lastLines(boot.logTail, 40)]
          : [`${service} printed nothing`]),
      ],
      fix: `make ${service} start and pass its healthcheck (docker compose up --wait ${service}); the app's depends_on waits for it`,
    }
  }
  if (boot.exited?.exitCode === 0) {
    const { afterMs } = boot.exited
    const step = commandInstruction(obs)
    return {
      status: 'failed',
      summary: `exited 0 after ${seconds(afterMs)}: the command finished instead of serving`,
      evidence: [...(step ? [instructionLine(step)] : []), ...tailOrNone(boot.logTail)],
      fix: 'run the server in the foreground as the last command (e.g. CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]); no --daemon, no script that only prints or migrates and returns',
      location: step ? dockerfileAt(obs, step.line) : undefined,
    }
  }
  if (boot.exited) {
    const { exitCode, afterMs } = boot.exited
    // The tail often ends in the server's own shutdown cascade; the whole log has the cause.
    const logs = present(obs.logs)
    const all = logs ? [...logs.stderr, ...logs.stdout] : boot.logTail
    const cause = firstError(all)
    return {
      status: 'failed',
      summary: `container exited with code ${exitCode} after ${seconds(afterMs)}${cause ? `: ${clip(cause, 120)}` : ''}`,
      evidence: [...(cause ? [`first error: ${cause}`] : []), ...tailOrNone(boot.logTail)],
      fix: exitFix(all, exitCode, port),
    }
  }

  const step = commandInstruction(obs)
  const location = step ? dockerfileAt(obs, step.line) : undefined
  const waited = `waited ${seconds(boot.ms)} for an HTTP response on port ${port}`
  const onPort = listening.filter((l) => l.port === port)
  if (onPort.length > 0 && onPort.every((l) => isLoopback(l.address))) {
    const kind = findServer(present(obs.processes) ?? [])?.kind
    const fix =
      kind === 'uwsgi'
        ? `bind all interfaces: uwsgi --http 0.0.0.0:${port}`
        : kind === 'werkzeug'
          ? `bind all interfaces: flask run --host 0.0.0.0 --port ${port} (better: Gunicorn)`
          : `bind all interfaces: gunicorn -b 0.0.0.0:${port} (Gunicorn's default bind is 127.0.0.1:8000)`
    return {
      status: 'failed',
      summary: `the server listens on ${endpoint(onPort[0])} inside the container; bind 0.0.0.0`,
      evidence: [
        ...listenLine,
        waited,
        ...(step ? [instructionLine(step)] : []),
        ...tailOrNone(boot.logTail),
      ],
      fix,
      location,
    }
  }
  if (onPort.length === 0 && listening.length > 0) {
    return {
      status: 'failed',
      summary: `nothing listens on port ${port}; the container listens on ${listening.map(endpoint).join(', ')}`,
      evidence: [...listenLine, waited, ...tailOrNone(boot.logTail)],
      fix: `bind the server to 0.0.0.0:${port}, or set the \`port\` input to the port it uses`,
      location,
    }
  }
  return {
    status: 'failed',
    summary: boot.timedOut
      ? `no HTTP response on port ${port} within ${obs.run.bootTimeoutS} s`
      : `the container did not answer HTTP on port ${port}`,
    evidence: [waited, ...listenLine, ...tailOrNone(boot.logTail)],
    fix: `make the server answer HTTP on 0.0.0.0:${port}; if startup is slow, raise boot-timeout`,
    location,
  }
}

export const bootReady: Check = {
  id: 'boot.ready',
  title: 'Container answers HTTP on the app port',
  severity: 'error',
  needs: ['boot'],
  passesWhen:
    'the container answers HTTP on the app port within `boot-timeout`; a crash is reported at once with exit code and log tail; a server bound to 127.0.0.1 is named as the cause',
  run: judge,
}
