/**
 * A unit file read into what host mode runs (UnitSpec, with values) and what the checks judge
 * (UnitFacts, without them). Pure: the caller reads the files (the unit, EnvironmentFile=s in
 * the repository) and Gunicorn's own view of its settings.
 */
import { isUrlWithCredentials } from './dockerfile'
import { parseEnvFile } from './env-file'
import type {
  GunicornView,
  UnitBind,
  UnitEnvFile,
  UnitEnvVar,
  UnitFacts,
  UnitSetting,
} from './systemd-types'

export type { GunicornView } from './systemd-types'
import { lastOf, listOf, parseUnit, type ParsedUnit } from './systemd-unit'
import { environmentAssignments, execLine } from './unit-words'
import { uwsgiArgBind } from './uwsgi-config'
import { serverOfProgram } from './wsgi'

const SERVICE = 'Service'

/** What host mode needs to start the unit's command (values included: never report these). */
export interface UnitSpec {
  /** ExecStart= with $VARs expanded from the unit's environment. */
  argv: string[]
  /** Environment= and the repository's EnvironmentFile=s, in systemd's order (later wins). */
  env: [string, string][]
  workingDirectory?: string
  /** Index in argv of the program that is the WSGI server (after a wrapper such as `env`). */
  serverIndex: number
}

export interface ReadUnit {
  facts: UnitFacts
  /** Undefined when the unit has no usable ExecStart=. */
  spec?: UnitSpec
}

export interface UnitInput {
  text: string
  /** Repository-relative path of the unit (forward slashes). */
  path: string
  /** Reads an EnvironmentFile= that lies in the repository (undefined: outside it, or missing). */
  readRepoFile: (path: string) => { text: string } | undefined
  /** True when an EnvironmentFile= path names a file of the repository. */
  inRepo: (path: string) => boolean
}

function setting(unit: ParsedUnit, key: string): UnitSetting | undefined {
  const a = lastOf(unit, SERVICE, key)
  return a && { value: a.value, line: a.line }
}

function envVar(name: string, value: string, line: number): UnitEnvVar {
  return { name, valueLength: value.length, urlWithCredentials: isUrlWithCredentials(value), line }
}

/** Reads the unit; never throws (what systemd would refuse is in facts.problems). */
export function readUnit(input: UnitInput): ReadUnit {
  const unit = parseUnit(input.text)
  const problems = unit.ignored.map((i) => ({ line: i.line, message: i.reason }))
  const environment: UnitEnvVar[] = []
  const env = new Map<string, string>()
  for (const a of listOf(unit, SERVICE, 'Environment')) {
    const parsed = environmentAssignments(a.value)
    if (parsed.error) problems.push({ line: a.line, message: `Environment=: ${parsed.error}` })
    if (parsed.invalid)
      problems.push({
        line: a.line,
        message: `Environment=: ${parsed.invalid} invalid assignment(s)`,
      })
    for (const [k, v] of parsed.vars) {
      environment.push(envVar(k, v, a.line))
      env.set(k, v)
    }
  }
  // systemd reads EnvironmentFile= after Environment=: the files win.
  const environmentFiles: UnitEnvFile[] = []
  for (const a of listOf(unit, SERVICE, 'EnvironmentFile')) {
    const optional = a.value.startsWith('-')
    const file = optional ? a.value.slice(1) : a.value
    const entry: UnitEnvFile = { path: file, optional, line: a.line, inRepo: input.inRepo(file) }
    const read = entry.inRepo ? input.readRepoFile(file) : undefined
    if (read) {
      const vars = parseEnvFile(read.text)
      entry.vars = vars.map(([k, v]) => envVar(k, v, a.line))
      for (const [k, v] of vars) env.set(k, v)
    }
    environmentFiles.push(entry)
  }
  const facts: UnitFacts = { path: input.path, environment, environmentFiles, problems }
  for (const [key, field] of [
    ['User', 'user'],
    ['Group', 'group'],
    ['Restart', 'restart'],
    ['WorkingDirectory', 'workingDirectory'],
  ] as const) {
    const s = setting(unit, key)
    if (s) facts[field] = s
  }
  const execs = listOf(unit, SERVICE, 'ExecStart')
  const exec = execs[execs.length - 1]
  if (!exec) return { facts }
  if (execs.length > 1)
    problems.push({
      line: exec.line,
      message: 'more than one ExecStart= (only Type=oneshot allows it)',
    })
  const raw = execLine(exec.value, new Map())
  const expanded = execLine(exec.value, env)
  if ('error' in raw || 'error' in expanded) {
    problems.push({ line: exec.line, message: `ExecStart=: ${'error' in raw ? raw.error : ''}` })
    return { facts }
  }
  facts.execStart = { argv: raw.argv, line: exec.line, privileged: raw.privileged }
  const serverIndex = expanded.argv.findIndex((w, i) =>
    serverOfProgram(w, expanded.argv.slice(i + 1)),
  )
  const kind =
    serverIndex >= 0
      ? serverOfProgram(expanded.argv[serverIndex], expanded.argv.slice(serverIndex + 1))
      : undefined
  facts.server = kind === 'gunicorn' || kind === 'uwsgi' || kind === 'waitress' ? kind : 'other'
  const bind = argvBind(expanded.argv.slice(serverIndex + 1), facts.server)
  if (bind) facts.bind = { addresses: bind, source: 'ExecStart', file: input.path, line: exec.line }
  const spec: UnitSpec = {
    argv: expanded.argv,
    env: [...env],
    serverIndex: Math.max(0, serverIndex),
  }
  if (facts.workingDirectory) spec.workingDirectory = facts.workingDirectory.value
  return { facts, spec }
}

const ADDRESS_FLAGS: Record<string, string[]> = {
  gunicorn: ['-b', '--bind'],
  waitress: ['--listen'],
  other: ['-b', '--bind'],
}

/** The addresses the server's own arguments bind (Gunicorn's full view comes from Gunicorn). */
function argvBind(args: string[], server: UnitFacts['server']): string[] | undefined {
  if (server === 'uwsgi') {
    const b = uwsgiArgBind(args)
    return b ? [b.address] : undefined
  }
  const flags = ADDRESS_FLAGS[server ?? 'other'] ?? []
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    for (const f of flags) {
      if (args[i] === f && args[i + 1] !== undefined) out.push(args[i + 1])
      else if (args[i].startsWith(`${f}=`)) out.push(args[i].slice(f.length + 1))
      else if (f.length === 2 && args[i].startsWith(f) && args[i].length > 2)
        out.push(args[i].slice(2))
    }
  }
  if (server === 'waitress' && out.length === 0) {
    const host = args.find((a) => a.startsWith('--host='))?.slice(7)
    if (host) out.push(host)
  }
  return out.length ? out : undefined
}

/** The unit's bind as Gunicorn itself resolved it, located at the setting that decided it. */
export function gunicornBind(facts: UnitFacts, view: GunicornView, envLine?: number): UnitBind {
  const bind: UnitBind = { addresses: view.bind, source: view.bindSource, file: facts.path }
  if (view.bindSource === 'ExecStart') bind.line = facts.execStart?.line
  else if (view.bindSource === 'GUNICORN_CMD_ARGS') bind.line = envLine
  else if (view.bindSource !== 'default' && view.configFile) {
    bind.file = view.configFile
    if (view.bindLine !== undefined) bind.line = view.bindLine
  } else bind.line = facts.execStart?.line
  return bind
}
