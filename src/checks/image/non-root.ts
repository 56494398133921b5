/** image.non-root: the server's processes do not run as uid 0. */
import type { Observations } from '../../facts/types'
import { dockerfileAt, present } from '../lib/parts'
import { findServer, processLine, serverName } from '../lib/processes'
import { imageInstructions, instructionLine } from '../lib/stages'
import { plural } from '../lib/text'
import type { Check, CheckOutcome } from '../lib/types'

function isRootUser(user: string): boolean {
  const name = user.split(':')[0].trim()
  return name === '' || name === 'root' || name === '0'
}

const USER_FIX =
  'create an unprivileged user and switch to it before CMD: RUN useradd --create-home app, then USER app'

/** image.non-root: the server does not run as uid 0 (the process table decides when available). */
function judge(obs: Observations): CheckOutcome {
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

export const imageNonRoot: Check = {
  id: 'image.non-root',
  title: 'Server does not run as root',
  severity: 'warning',
  needs: ['image'],
  passesWhen: 'the server processes do not run as uid 0',
  run: judge,
}
