/** Checks on the image and its main process: image.no-baked-secrets, image.non-root, image.exec-form. */
import type { Observations, ProcessFacts } from '../facts/types'
import type { CheckOutcome } from './lib/types'
import { clip, dockerfileAt, plural, present } from './common'
import { imageNoBakedSecrets } from './image-secrets'
import { findServer, roleOf, serverName, signalPath, tokens } from './processes'
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
    const uids = [...new Set(subject.map((p) => p.uid))].join(', ')
    const who = server ? serverName(server) : "the container's processes"
    // One line for the master and one for its workers: they share the same args.
    const evidence = server
      ? [
          imageUser,
          processLine(server.master),
          ...(server.workers.length > 0
            ? [
                `${plural(server.workers.length, 'worker')}: uid ${[...new Set(server.workers.map((p) => p.uid))].join(', ')}`,
              ]
            : []),
        ]
      : [imageUser, ...processes.slice(0, 3).map(processLine)]
    const root = subject.filter((p) => p.uid === 0)
    if (root.length === 0) {
      return { status: 'passed', summary: `${who} runs as uid ${uids}, not root`, evidence }
    }
    const partly =
      root.length < subject.length
        ? `: ${root.length} of its ${subject.length} processes have uid 0`
        : ' (uid 0)'
    return {
      status: 'failed',
      summary: `${who} runs as root${partly}`,
      evidence,
      fix: USER_FIX,
      location,
    }
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

/** The image family, by check id (registered in registry.ts). */
export const imageChecks = {
  'image.no-baked-secrets': imageNoBakedSecrets,
  'image.non-root': imageNonRoot,
  'image.exec-form': imageExecForm,
}
