/** Checks on the image and its main process: image.no-baked-secrets, image.non-root, image.exec-form. */
import type { Observations, ProcessFacts } from '../observe/types'
import type { CheckOutcome } from './types'
import { clip, dockerfileAt, present } from './common'
import { imageNoBakedSecrets } from './image-secrets'
import { findServer, roleOf, signalPath, tokens } from './processes'
import {
  commandInstruction,
  imageInstructions,
  instructionLine,
  jsonFormFix,
  shellFormStep,
} from './stages'

function processLine(p: ProcessFacts): string {
  return `uid ${p.uid}: ${clip(p.args, 160)}${p.isInit ? ' (PID 1)' : ''}`
}

function isRootUser(user: string): boolean {
  const name = user.split(':')[0].trim()
  return name === '' || name === 'root' || name === '0'
}

const USER_FIX =
  'create an unprivileged user and switch to it before CMD: RUN useradd --create-home app, then USER app'

/** image.non-root: the server does not run as uid 0 (the process table decides when available). */
export function imageNonRoot(obs: Observations): CheckOutcome {
  const image = present(obs.image)
  if (image === undefined) return { status: 'skipped', summary: 'the image was not inspected' }
  const df = present(obs.dockerfile)
  const userStep = df
    ? imageInstructions(df)
        .filter((i) => i.keyword === 'USER')
        .pop()
    : undefined
  const imageUser = `image user: ${image.user === '' ? '(none, so root)' : image.user}`
  const location =
    userStep && isRootUser(userStep.args[0] ?? '')
      ? dockerfileAt(obs, userStep.line)
      : df
        ? dockerfileAt(obs)
        : undefined

  const processes = present(obs.processes) ?? []
  if (processes.length > 0) {
    const server = findServer(processes)
    const subject = server ? server.all : processes
    const root = subject.filter((p) => p.uid === 0)
    const evidence = [imageUser, ...subject.slice(0, 4).map(processLine)]
    if (root.length === 0) {
      const uids = [...new Set(subject.map((p) => p.uid))].join(', ')
      return {
        status: 'passed',
        summary: `the ${server?.kind ?? 'container'} processes run as uid ${uids}`,
        evidence,
      }
    }
    const others = subject.filter((p) => p.uid !== 0)
    const who = server
      ? `${server.kind} runs as root (uid 0)`
      : "the container's processes run as root (uid 0)"
    const partly =
      others.length > 0
        ? `; only ${others.length} of ${subject.length} processes drop to uid ${others[0].uid}`
        : ''
    return { status: 'failed', summary: who + partly, evidence, fix: USER_FIX, location }
  }

  if (!isRootUser(image.user)) {
    return {
      status: 'passed',
      summary: `the image runs as user ${image.user} (process table not available)`,
      evidence: [imageUser],
    }
  }
  return {
    status: 'failed',
    summary: `the image runs as root: ${image.user === '' ? 'no USER instruction' : `USER ${image.user}`}`,
    evidence: [imageUser, ...(userStep ? [instructionLine(userStep)] : [])],
    fix: USER_FIX,
    location,
  }
}

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
export function imageExecForm(obs: Observations): CheckOutcome {
  const override = obs.run.commandOverride
  const shellStep = shellFormStep(obs)
  const processes = present(obs.processes) ?? []
  const sp = signalPath(processes)

  if (sp.path === 'direct' && sp.pid1 !== undefined) {
    const role = roleOf(sp.pid1.args)
    const via =
      role === 'init' ? `, which forwards SIGTERM to ${sp.server?.kind ?? 'the server'}` : ''
    const note = shellStep
      ? ` (the shell-form ${shellStep.keyword} on line ${shellStep.line} works only because this image's /bin/sh execs it; prefer the JSON form)`
      : ''
    return {
      status: 'passed',
      summary: `PID 1 is ${clip(sp.pid1.args, 80)}${via}${note}`,
      evidence: [processLine(sp.pid1)],
    }
  }

  if (sp.path === 'indirect' && sp.pid1 !== undefined) {
    const child = sp.server
      ? `${sp.server.kind} runs as a child (${clip(sp.server.master.args, 60)})`
      : 'the server runs as a child'
    const script = roleOf(sp.pid1.args) === 'shell' && !tokens(sp.pid1.args).includes('-c')
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
      summary: `PID 1 is ${clip(sp.pid1.args, 80)}; ${child} that never receives SIGTERM`,
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

export const imageChecks = {
  'image.no-baked-secrets': imageNoBakedSecrets,
  'image.non-root': imageNonRoot,
  'image.exec-form': imageExecForm,
}
