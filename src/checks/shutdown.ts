/** shutdown.graceful: after SIGTERM the container exits 0, and when it does not, why. */
import { argWords } from '../facts/shell-words'
import type { DockerInstruction, Observations } from '../facts/types'
import { dockerfileAt, present } from './lib/parts'
import { serverName, signalPath } from './lib/processes'
import { commandInstruction, instructionLine, jsonFormFix, shellFormStep } from './lib/stages'
import { clip, lastLines, seconds } from './lib/text'
import type { Check, CheckOutcome } from './lib/types'

interface Cause {
  because: string
  fix: string
  step?: DockerInstruction
}

/** Why a container ignored SIGTERM, from what PID 1 is (or the Dockerfile when no process table). */
function whyKilled(obs: Observations): Cause {
  const sp = signalPath(present(obs.processes) ?? [])
  const shellStep = shellFormStep(obs)
  if (sp.path === 'indirect' && sp.pid1) {
    const viaC = argWords(sp.pid1.args).includes('-c')
    const name = sp.server ? serverName(sp.server) : 'the server'
    return {
      because: viaC
        ? `PID 1 is \`${clip(sp.pid1.args, 60)}\`: dash (Debian's /bin/sh) does not exec the command, so SIGTERM never reaches ${name}`
        : `PID 1 is \`${clip(sp.pid1.args, 60)}\`: the entry script starts ${name} without exec, so SIGTERM never reaches it`,
      fix: shellStep
        ? jsonFormFix(shellStep)
        : viaC
          ? 'start the server with exec (or use the JSON form of CMD)'
          : 'end the entry script with `exec gunicorn ...`',
      step: shellStep ?? commandInstruction(obs),
    }
  }
  const kind = sp.server?.kind
  if (sp.path === 'direct' && sp.server && kind !== 'gunicorn' && kind !== 'uwsgi') {
    // waitress-serve and the Werkzeug server install no SIGTERM handler; a Python script that
    // was killed evidently has none either.
    const name = kind === 'waitress' ? 'waitress-serve' : serverName(sp.server)
    return {
      because: `PID 1 is ${name}, which installs no SIGTERM handler; PID 1 ignores unhandled signals`,
      fix:
        kind === 'waitress'
          ? 'run Waitress under an init (ENTRYPOINT ["tini", "--"] or docker run --init), or serve with Gunicorn, which exits 0 on SIGTERM'
          : 'serve with Gunicorn, which exits 0 on SIGTERM (or handle SIGTERM in the script)',
    }
  }
  if (shellStep !== undefined) {
    return {
      because: `${shellStep.keyword} on line ${shellStep.line} is in shell form: under dash, /bin/sh -c does not exec the server`,
      fix: jsonFormFix(shellStep),
      step: shellStep,
    }
  }
  return {
    because:
      'likely causes: a shell-form CMD under dash, an entry script without exec, or a server without a SIGTERM handler (waitress-serve, the dev server)',
    fix: 'make the server PID 1 (JSON-form CMD, exec in scripts) and use one that handles SIGTERM, such as Gunicorn',
  }
}

/** shutdown.graceful: after SIGTERM the container exits 0 within the grace period. */
function judge(obs: Observations): CheckOutcome {
  const s = present(obs.shutdown)
  if (s === undefined) return { status: 'skipped', summary: 'the container was not stopped' }
  const stopped = `docker stop: exit ${s.exitCode} after ${seconds(s.ms)} (grace ${s.graceS} s)`
  if (!s.killed && s.exitCode === 0) {
    return {
      status: 'passed',
      summary: `exited 0 ${seconds(s.ms)} after SIGTERM`,
      evidence: [stopped],
    }
  }
  if (s.killed || s.exitCode === 137) {
    const cause = whyKilled(obs)
    return {
      status: 'failed',
      summary: `still running ${s.graceS} s after SIGTERM: docker stop killed it (exit ${s.exitCode})`,
      evidence: [stopped, cause.because, ...(cause.step ? [instructionLine(cause.step)] : [])],
      fix: cause.fix,
      location: cause.step ? dockerfileAt(obs, cause.step.line) : undefined,
    }
  }
  const pid1 = signalPath(present(obs.processes) ?? []).pid1
  const meaning =
    s.exitCode === 143
      ? 'exit 143 = terminated by SIGTERM without handling it'
      : `exit ${s.exitCode}: the server reported an error while stopping`
  const logTail = lastLines(present(obs.logs)?.stderr ?? [], 5)
  return {
    status: 'failed',
    summary: `exited with code ${s.exitCode} after SIGTERM, not 0`,
    evidence: [stopped, meaning, ...(pid1 ? [`PID 1: ${clip(pid1.args, 160)}`] : []), ...logTail],
    fix: 'let the server handle SIGTERM and exit 0 (Gunicorn does); check the log for errors during shutdown',
  }
}

export const shutdownGraceful: Check = {
  id: 'shutdown.graceful',
  title: 'SIGTERM shuts down cleanly',
  severity: 'warning',
  needs: ['shutdown'],
  passesWhen: 'after SIGTERM the container exits 0 within 10 s',
  run: judge,
}
