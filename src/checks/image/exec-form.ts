/** image.exec-form: SIGTERM sent to the container's PID 1 reaches the server. */
import type { Observations } from '../../facts/types'
import { argWords } from '../../facts/shell-words'
import { present, dockerfileAt } from '../lib/parts'
import { processLine, roleOf, serverName, signalPath } from '../lib/processes'
import { commandInstruction, instructionLine, jsonFormFix, shellFormStep } from '../lib/stages'
import { clip } from '../lib/text'
import type { Check, CheckOutcome } from '../lib/types'

function killedEvidence(obs: Observations): string[] {
  const s = present(obs.shutdown)
  return s?.killed
    ? [`docker stop waited ${s.graceS} s, then killed the container (exit ${s.exitCode})`]
    : []
}

/** True when a `command` override runs the server through `sh -c` without exec. */
function overrideUsesShell(command: string[]): boolean {
  const program = (command[0] ?? '').split('/').pop() ?? ''
  return roleOf(program) === 'shell' && command[1] === '-c' && !/^\s*exec\s/.test(command[2] ?? '')
}

/** image.exec-form: SIGTERM sent to PID 1 reaches the server. */
function judge(obs: Observations): CheckOutcome {
  const override = obs.run.commandOverride
  const shellStep = shellFormStep(obs)
  const processes = present(obs.processes) ?? []
  const sp = signalPath(processes)

  if (sp.path === 'direct' && sp.pid1 !== undefined) {
    const name = sp.server ? serverName(sp.server) : 'the server'
    const who =
      roleOf(sp.pid1.args) === 'init'
        ? `PID 1 is an init (${clip(sp.pid1.args, 40)}) that forwards SIGTERM to ${name}`
        : `PID 1 is ${name} itself, so docker stop's SIGTERM reaches it`
    const note = shellStep
      ? ` (the shell-form ${shellStep.keyword} on line ${shellStep.line} works only because this image's /bin/sh execs it; prefer the JSON form)`
      : ''
    return { status: 'passed', summary: who + note, evidence: [processLine(sp.pid1)] }
  }

  if (sp.path === 'indirect' && sp.pid1 !== undefined) {
    const child = sp.server
      ? `${serverName(sp.server)} runs as its child`
      : 'the server runs as its child'
    const script = roleOf(sp.pid1.args) === 'shell' && !argWords(sp.pid1.args).includes('-c')
    const step = shellStep ?? commandInstruction(obs)
    const fix = override
      ? 'start the server directly in the `command` input, or with exec inside `sh -c`'
      : shellStep
        ? jsonFormFix(shellStep)
        : script
          ? 'end the entry script with `exec gunicorn ...` so the server replaces the shell as PID 1'
          : 'make the server PID 1 (exec it), or run it under an init such as tini'
    return {
      status: 'failed',
      summary: `PID 1 is \`${clip(sp.pid1.args, 60)}\`; ${child} and never receives SIGTERM`,
      evidence: [
        processLine(sp.pid1),
        ...(sp.server ? [processLine(sp.server.master)] : []),
        ...(step ? [instructionLine(step)] : []),
        ...(override ? [`command input: ${clip(override.join(' '), 160)}`] : []),
        ...killedEvidence(obs),
      ],
      fix,
      location: step && !override ? dockerfileAt(obs, step.line) : undefined,
    }
  }

  // No usable process table: judge the command as written.
  const basis = ' (judged from the command; process table not available)'
  if (override !== undefined) {
    if (!overrideUsesShell(override))
      return {
        status: 'passed',
        summary: `the command input runs ${clip(override.join(' '), 80)} directly${basis}`,
      }
    return {
      status: 'failed',
      summary: `the command input runs the server through ${override[0]} -c without exec${basis}`,
      evidence: [`command input: ${clip(override.join(' '), 160)}`, ...killedEvidence(obs)],
      fix: 'start the server directly in the `command` input, or prefix it with exec inside `sh -c`',
    }
  }
  if (shellStep !== undefined) {
    return {
      status: 'failed',
      summary: `${shellStep.keyword} on line ${shellStep.line} is in shell form: /bin/sh -c starts the server as a child that may never receive SIGTERM`,
      evidence: [instructionLine(shellStep), ...killedEvidence(obs)],
      fix: jsonFormFix(shellStep),
      location: dockerfileAt(obs, shellStep.line),
    }
  }
  const image = present(obs.image)
  const command = [...(image?.entrypoint ?? []), ...(image?.cmd ?? [])]
  if (command.length >= 2 && roleOf(command[0]) === 'shell' && command[1] === '-c') {
    return {
      status: 'failed',
      summary: `the image command runs through ${command[0]} -c${basis}`,
      evidence: [`image command: ${clip(JSON.stringify(command), 160)}`, ...killedEvidence(obs)],
      fix: 'use the JSON (exec) form for CMD/ENTRYPOINT so the server is PID 1',
    }
  }
  return {
    status: 'passed',
    summary: `the image command is in exec form${basis}`,
    evidence: command.length > 0 ? [`image command: ${clip(JSON.stringify(command), 160)}`] : [],
  }
}

export const imageExecForm: Check = {
  id: 'image.exec-form',
  title: 'Server receives SIGTERM (exec form / PID 1)',
  severity: 'warning',
  needs: ['image'],
  passesWhen: 'the server is PID 1 or reached by `exec`, so SIGTERM reaches it',
  run: judge,
}
