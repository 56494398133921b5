/**
 * The Dockerfile as the final image sees it: the instructions of the final stage and of the
 * stages it is built FROM, in build order, and which CMD/ENTRYPOINT the image ends up with.
 */
import { plainWords } from '../../facts/shell-words'
import type { DockerfileFacts, DockerInstruction, Observations } from '../../facts/types'
import { present } from './parts'

/** Stage indexes from the first ancestor to the final stage (`FROM builder` follows builder). */
function stageChain(df: DockerfileFacts): number[] {
  const chain: number[] = []
  let stage = df.finalStage
  while (stage >= 0 && !chain.includes(stage)) {
    chain.unshift(stage)
    const from = df.instructions.find((i) => i.keyword === 'FROM' && i.stage === stage)
    const image = from?.args[0]?.toLowerCase() ?? ''
    stage = df.stageNames.findIndex(
      (n, idx) => idx < stage && n !== '' && n.toLowerCase() === image,
    )
  }
  return chain
}

/** Instructions that built the final image's layers, in order (stage FROM chain, no global ARGs). */
export function imageInstructions(df: DockerfileFacts): DockerInstruction[] {
  const chain = stageChain(df)
  return df.instructions.filter((i) => chain.includes(i.stage))
}

/** The ENTRYPOINT and CMD instructions the final image keeps (either may be absent). */
export interface ImageCommand {
  entrypoint?: DockerInstruction
  cmd?: DockerInstruction
}

/**
 * The ENTRYPOINT and CMD the image keeps. A shell-form ENTRYPOINT ignores CMD, and setting an
 * ENTRYPOINT drops a CMD inherited from an earlier stage (Docker's documented rule).
 */
export function imageCommand(df: DockerfileFacts): ImageCommand {
  const result: ImageCommand = {}
  for (const i of imageInstructions(df)) {
    if (i.keyword === 'ENTRYPOINT') {
      result.entrypoint = i
      if (result.cmd !== undefined && result.cmd.stage !== i.stage) delete result.cmd
    } else if (i.keyword === 'CMD') {
      result.cmd = i
    }
  }
  if (result.entrypoint?.jsonForm === false) delete result.cmd
  return result
}

/**
 * The Dockerfile instruction that starts the server, when the run used the image's own command:
 * the one naming `program` (e.g. /gunicorn/), else the ENTRYPOINT, else the CMD.
 */
export function commandInstruction(
  obs: Observations,
  program?: RegExp,
): DockerInstruction | undefined {
  if (obs.run.commandOverride !== undefined) return undefined
  const df = present(obs.dockerfile)
  if (df === undefined) return undefined
  const { entrypoint, cmd } = imageCommand(df)
  const candidates = [cmd, entrypoint].filter((i): i is DockerInstruction => i !== undefined)
  const named = program ? candidates.find((i) => program.test(i.raw)) : undefined
  return named ?? entrypoint ?? cmd
}

/** `line 12: CMD gunicorn app:app` for evidence. */
export function instructionLine(i: DockerInstruction): string {
  return `line ${i.line}: ${i.keyword} ${i.raw.replace(/\s+/g, ' ').trim()}`.slice(0, 200)
}

/** The shell-form ENTRYPOINT/CMD the image starts with, when the run used the image's command. */
export function shellFormStep(obs: Observations): DockerInstruction | undefined {
  const df = present(obs.dockerfile)
  if (df === undefined || obs.run.commandOverride !== undefined) return undefined
  const { entrypoint, cmd } = imageCommand(df)
  if (entrypoint?.jsonForm === false) return entrypoint
  // A shell-form CMD reaches a JSON ENTRYPOINT as `/bin/sh -c ...`: an `exec "$@"` runs the shell.
  return cmd?.jsonForm === false ? cmd : undefined
}

/** The JSON form of a shell-form step when it is a plain command, else the exec advice. */
export function jsonFormFix(step: DockerInstruction): string {
  const words = plainWords(step.raw)
  if (words === undefined) {
    return `start the server with exec in the ${step.keyword} (\`... && exec gunicorn ...\`), or move it to a script that ends with exec`
  }
  return `use the JSON (exec) form: ${step.keyword} [${words.map((w) => JSON.stringify(w)).join(', ')}]`
}
