/**
 * Dockerfile facts: what checks need to know about the Dockerfile, parsed with dockerfile-ast.
 * ENV/ARG values are never kept (only their length and whether they are a URL with a
 * password), and URL passwords elsewhere (RUN pip --index-url https://u:p@...) are masked, so the
 * facts can be dumped and quoted as evidence.
 */
import {
  Arg,
  DockerfileParser,
  Env,
  From,
  ModifiableInstruction,
  type Instruction,
  type Property,
} from 'dockerfile-ast'
import { looksSecret } from './secret-names'
import type { DockerfileFacts, DockerInstruction, Part } from './types'

/** Instructions whose arguments may be written in JSON (exec) form. */
const JSON_FORM_KEYWORDS = new Set(['CMD', 'ENTRYPOINT', 'RUN', 'SHELL'])

/** scheme://user:password@ with a literal password (a `$VAR` reference is not a baked secret). */
const URL_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^/@:\s]*:([^/@\s]+)@/i

/** True when the value holds a URL with a literal password, e.g. postgres://app:hunter2@db/app. */
export function isUrlWithCredentials(value: string): boolean {
  const m = URL_CREDENTIALS.exec(value)
  return m !== null && !m[1].startsWith('$')
}

/** Replaces the password of every URL in the text with `***`. */
export function maskUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^/@:\s]*:)([^/@\s]+)@/gi, '$1***@')
}

/**
 * Docker's own rule: the arguments are the exec form when they parse as a JSON array of strings;
 * anything else (including `['single', 'quotes']`) runs through `/bin/sh -c`.
 */
function jsonArray(content: string): string[] | undefined {
  const text = content.trim()
  if (!text.startsWith('[')) return undefined
  try {
    const value: unknown = JSON.parse(text)
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value
  } catch {
    // not JSON: shell form
  }
  return undefined
}

/**
 * Joins continuation lines as Docker does: comment lines inside a continuation are dropped and
 * escaped newlines removed (dockerfile-ast keeps indented comments in getArgumentsContent).
 * Newlines that remain belong to heredocs.
 */
function joinLines(raw: string, escapeChar: string): string {
  const kept = raw.split(/\r?\n/).filter((line, i) => i === 0 || !/^\s*#/.test(line))
  const escaped = new RegExp(`${escapeChar === '`' ? '`' : '\\\\'}[ \\t]*\\n`, 'g')
  return kept.join('\n').replace(escaped, '')
}

function variablesOf(properties: Property[]): NonNullable<DockerInstruction['variables']> {
  return properties.map((p) => {
    const value = p.getValue()
    return {
      name: p.getName(),
      hasValue: value !== null,
      valueLength: value?.length ?? 0,
      urlWithCredentials: value !== null && isUrlWithCredentials(value),
    }
  })
}

function flagsOf(instruction: Instruction): string[] {
  return instruction instanceof ModifiableInstruction
    ? instruction.getFlags().map((f) => f.toString())
    : []
}

function toFacts(instruction: Instruction, stage: number, escapeChar: string): DockerInstruction {
  const keyword = instruction.getKeyword()
  const line = instruction.getRange().start.line + 1
  const flags = flagsOf(instruction)

  if (instruction instanceof Env || instruction instanceof Arg) {
    const variables = variablesOf(instruction.getProperties())
    // Values stay out of the facts: name=*** stands for a value, a bare name for none.
    const args = variables.map((v) =>
      v.valueLength > 0 ? `${v.name}=***` : v.hasValue ? `${v.name}=` : v.name,
    )
    return { keyword, line, raw: args.join(' '), args, variables, stage }
  }

  const content = joinLines(instruction.getRawArgumentsContent() ?? '', escapeChar)
  const raw = maskUrlCredentials([...flags, content].filter((s) => s.length > 0).join(' '))
  const json = jsonArray(content)
  const args = (json ?? instruction.getArguments().map((a) => a.getValue())).map(maskUrlCredentials)
  const facts: DockerInstruction = { keyword, line, raw, args, stage }
  if (JSON_FORM_KEYWORDS.has(keyword)) facts.jsonForm = json !== undefined
  const from = flags.find((f) => f.startsWith('--from='))
  if ((keyword === 'COPY' || keyword === 'ADD') && from !== undefined) facts.from = from.slice(7)
  return facts
}

/** Index of the stage called `name` (stage names are case-insensitive in Docker), or -1. */
export function stageIndex(stageNames: readonly string[], name: string): number {
  return stageNames.findIndex((s) => s !== '' && s.toLowerCase() === name.toLowerCase())
}

/**
 * Parses Dockerfile text into facts. Instructions before the first FROM (global ARGs) get
 * stage -1. finalStage is the `target` stage when it exists, else the last stage.
 */
export function parseDockerfile(text: string, path: string, target?: string): DockerfileFacts {
  const dockerfile = DockerfileParser.parse(text)
  const instructions: DockerInstruction[] = []
  const stageNames: string[] = []
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction instanceof From) stageNames.push(instruction.getBuildStage() ?? '')
    instructions.push(toFacts(instruction, stageNames.length - 1, dockerfile.getEscapeCharacter()))
  }
  const targetIndex = target ? stageIndex(stageNames, target) : -1
  const finalStage = targetIndex >= 0 ? targetIndex : stageNames.length - 1
  return { path, instructions, finalStage, stageNames }
}

/**
 * Facts of the Dockerfile text (undefined: the file could not be read, for `unreadable`);
 * locations use repoRelativePath. No FROM, or no stage named `target`, is unavailable.
 */
export function dockerfileFacts(
  text: string | { unreadable: string },
  repoRelativePath: string,
  target?: string,
): Part<DockerfileFacts> {
  if (typeof text !== 'string')
    return { unavailable: `cannot read Dockerfile ${repoRelativePath}: ${text.unreadable}` }
  const facts = parseDockerfile(text, repoRelativePath, target)
  if (facts.stageNames.length === 0) {
    return { unavailable: `Dockerfile ${repoRelativePath} has no FROM instruction` }
  }
  if (target && stageIndex(facts.stageNames, target) < 0) {
    return { unavailable: `Dockerfile ${repoRelativePath} has no build stage named "${target}"` }
  }
  return facts
}

/**
 * The literal values of secret-looking ENV/ARG defaults (and URL passwords) in the Dockerfile.
 * The runtime registers them as secrets before `docker build`, whose log prints them
 * (`Step 5/13 : ENV SECRET_KEY=...`); they never enter the facts.
 */
export function secretValuesIn(text: string): string[] {
  const values: string[] = []
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (!(instruction instanceof Env || instruction instanceof Arg)) continue
    for (const p of instruction.getProperties()) {
      const value = p.getValue()
      if (value === null || value.startsWith('$')) continue
      const url = URL_CREDENTIALS.exec(value)
      if (url !== null && !url[1].startsWith('$')) values.push(url[1])
      if (looksSecret(p.getName(), value.length, false)) values.push(value)
    }
  }
  return values
}
