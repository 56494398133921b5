/**
 * Runs the bundled action (`node dist/index.js`) exactly as a GitHub runner does, and the CLI
 * twin, for the end-to-end tests.
 *
 * The runner contract reproduced here: every input declared in action.yml arrives as
 * INPUT_<NAME> (upper-case, dashes kept) with its default unless the workflow sets it; outputs,
 * the job summary and saved state go to the files named by GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and
 * GITHUB_STATE (`name<<DELIMITER` blocks); the post step gets each saved state entry back as
 * STATE_<name>; workflow commands (`::error file=...::message`) come on stdout.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DEFAULT_PROXY_IMAGE } from '../../src/options'
import type { Report } from '../../src/report/report'

export const ROOT = path.resolve(__dirname, '..', '..')
/** The label on every container and network the tool creates. */
export const LABEL = 'flask-deploy-check=1'
/** FROM of the fixtures: python:3.12-slim with a registry, the offline stand-in without. */
export const BASE_IMAGE = process.env.FDC_BASE_IMAGE || 'flask-deploy-check/python:bookworm'
/** Where the suite's session data lives (written by global-setup.js, read by global-teardown.js). */
export const SESSION_DIR = path.join(ROOT, '.fdc-tmp', 'e2e')

const DEFAULT_TIMEOUT_MS = 5 * 60_000

/** Runs docker synchronously; throws with its stderr when it fails. */
export function docker(args: string[]): string {
  const r = spawnSync('docker', args, { encoding: 'utf8' })
  if (r.status !== 0) {
    throw new Error(
      `docker ${args.join(' ')} failed (${r.status}): ${(r.stderr || r.error?.message || '').trim()}`,
    )
  }
  return r.stdout
}

let proxyImage: string | undefined
/**
 * The proxy image given as the `proxy-image` input: $FDC_PROXY_IMAGE, else the action's default
 * when the engine has it, else the offline stand-in scripts/provision.sh makes.
 */
export function proxyImageForTests(): string {
  if (proxyImage !== undefined) return proxyImage
  const fallback = 'flask-deploy-check/nginx:bookworm'
  const official = DEFAULT_PROXY_IMAGE
  proxyImage =
    process.env.FDC_PROXY_IMAGE ||
    (spawnSync('docker', ['image', 'inspect', official], { stdio: 'ignore' }).status === 0
      ? official
      : fallback)
  return proxyImage
}

let defaults: Record<string, string> | undefined
/**
 * The inputs of action.yml with their defaults, as the runner passes them. Reads the flat
 * `inputs:` mapping (name, then `default:` one level deeper); enough for this file's layout.
 */
export function actionDefaults(): Record<string, string> {
  if (defaults !== undefined) return defaults
  const text = fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')
  const result: Record<string, string> = {}
  let section = ''
  let current: string | undefined
  for (const line of text.split(/\r?\n/)) {
    const top = /^([A-Za-z][\w-]*):/.exec(line)
    if (top) {
      section = top[1]
      current = undefined
      continue
    }
    if (section !== 'inputs') continue
    const input = /^ {2}([A-Za-z][\w-]*):\s*$/.exec(line)
    if (input) {
      current = input[1]
      result[current] = ''
      continue
    }
    const def = /^ {4}default:\s*(.*)$/.exec(line)
    if (def && current !== undefined) result[current] = yamlScalar(def[1])
  }
  if (Object.keys(result).length === 0) throw new Error('action.yml declares no inputs')
  defaults = result
  return result
}

function yamlScalar(raw: string): string {
  const v = raw.trim()
  if (v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1).replace(/''/g, "'")
  if (v.startsWith('"') && v.endsWith('"')) return JSON.parse(v) as string
  return v.replace(/\s+#.*$/, '')
}

/** Parses a GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV file (`name<<DELIM` blocks or `name=value`). */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line === '') continue
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i])
      if (i >= lines.length)
        throw new Error(`'${name}' is not closed by its delimiter ${delimiter}`)
      out[name] = value.join('\n')
      continue
    }
    const eq = line.indexOf('=')
    if (eq <= 0) throw new Error(`not a command-file line: ${JSON.stringify(line)}`)
    out[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return out
}

/** A workflow command on stdout that the runner turns into an annotation. */
export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  message: string
  /** file, line, title, ... (unescaped). */
  properties: Record<string, string>
}

const unescapeData = (s: string): string =>
  s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
const unescapeProperty = (s: string): string =>
  unescapeData(s.replace(/%3A/g, ':').replace(/%2C/g, ','))

/** The `::error|warning|notice ...::message` commands of a step's stdout, in order. */
export function parseAnnotations(stdout: string): Annotation[] {
  const found: Annotation[] = []
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line)
    if (!m) continue
    const properties: Record<string, string> = {}
    for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=')
      if (eq > 0) properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1))
    }
    found.push({ level: m[1] as Annotation['level'], message: unescapeData(m[3]), properties })
  }
  return found
}

/**
 * The step log as the runner shows it: each `::add-mask::VALUE` command hides VALUE (as ***) in
 * every later line, and is not shown itself.
 */
export function runnerLog(stdout: string): string {
  const masks: string[] = []
  const shown: string[] = []
  for (const line of stdout.split('\n')) {
    const mask = /^::add-mask::(.*)$/.exec(line)
    if (mask) {
      const value = unescapeData(mask[1]).trim()
      if (value !== '') masks.push(value)
      continue
    }
    shown.push(masks.reduce((l, m) => l.split(m).join('***'), line))
  }
  return shown.join('\n')
}

/** The runner files of one job step (all in a fresh temp dir). */
export interface RunnerFiles {
  dir: string
  runnerTemp: string
  output: string
  summary: string
  state: string
  env: string
  path: string
  event: string
}

function newRunnerFiles(): RunnerFiles {
  // Under the session dir (cleared by global-setup.js) so a failed run's files can be read after.
  const parent = fs.existsSync(SESSION_DIR) ? SESSION_DIR : os.tmpdir()
  const dir = fs.mkdtempSync(path.join(parent, 'step-'))
  const runnerTemp = path.join(dir, 'runner-temp')
  fs.mkdirSync(runnerTemp)
  const files: RunnerFiles = {
    dir,
    runnerTemp,
    output: path.join(dir, 'github-output'),
    summary: path.join(dir, 'step-summary.md'),
    state: path.join(dir, 'github-state'),
    env: path.join(dir, 'github-env'),
    path: path.join(dir, 'github-path'),
    event: path.join(dir, 'event.json'),
  }
  for (const f of [files.output, files.summary, files.state, files.env, files.path])
    fs.writeFileSync(f, '')
  const event = {
    ref: 'refs/heads/main',
    before: '0000000000000000000000000000000000000000',
    after: 'e2e0000000000000000000000000000000000001',
    repository: {
      full_name: 'octo-org/flask-app',
      name: 'flask-app',
      owner: { login: 'octo-org' },
    },
    pusher: { name: 'octocat' },
    sender: { login: 'octocat' },
  }
  fs.writeFileSync(files.event, JSON.stringify(event, null, 2))
  return files
}

/** Environment of the job step: the caller's, minus anything a real runner would set itself. */
function runnerEnv(files: RunnerFiles): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)/.test(k)) continue
    env[k] = v
  }
  return {
    ...env,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: ROOT,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: 'octo-org/flask-app',
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_SHA: 'e2e0000000000000000000000000000000000001',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_NUMBER: '7',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'deploy-check',
    GITHUB_JOB: 'check',
    GITHUB_ACTION: '__flask-deploy-check',
    GITHUB_ACTOR: 'octocat',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
    RUNNER_TEMP: files.runnerTemp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'e2e-runner',
  }
}

/** Inputs the tests pass unless they override them (on top of action.yml's defaults). */
export function testInputs(): Record<string, string> {
  return {
    'build-args': `BASE=${BASE_IMAGE}`,
    'proxy-image': proxyImageForTests(),
    'github-token': 'ghs_e2eFakeTokenNeverValid000000000000',
    comment: 'false',
  }
}

/** The INPUT_* variables for the given inputs, as the runner names them. */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return env
}

export interface ActionRunOptions {
  /** Inputs by their action.yml names; merged over action.yml's defaults and testInputs(). */
  inputs?: Record<string, string>
  /** Extra environment (e.g. STATE_* for the post step). */
  env?: Record<string, string>
  /** Kill the step after this long (SIGTERM, then SIGKILL 20 s later; the post step then cleans up). */
  timeoutMs?: number
  /** Runner files to reuse (the post step shares its job's files). */
  files?: RunnerFiles
  /** Name in the suite's run log. */
  label?: string
}

export interface ActionResult {
  exitCode: number | null
  signal: NodeJS.Signals | null
  /** Raw stdout, workflow commands included (see `log` for what the runner displays). */
  stdout: string
  stderr: string
  /** The step log as the runner displays it: stdout with add-mask applied. */
  log: string
  /** GITHUB_OUTPUT, parsed. */
  outputs: Record<string, string>
  /** GITHUB_STATE, parsed: what the post step will receive as STATE_<name>. */
  state: Record<string, string>
  /** GITHUB_STEP_SUMMARY's text. */
  summary: string
  /** The JSON report at the `report-path` output, when there is one. */
  report?: Report
  annotations: Annotation[]
  durationMs: number
  files: RunnerFiles
}

/** A started step: the child process, its files, and its result once it ends. */
export interface RunningAction {
  child: ChildProcess
  files: RunnerFiles
  result: Promise<ActionResult>
}

function readIfExists(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

function collect(
  files: RunnerFiles,
  stdout: string,
  stderr: string,
  code: number | null,
  signal: NodeJS.Signals | null,
  durationMs: number,
): ActionResult {
  const outputs = parseCommandFile(readIfExists(files.output))
  const reportPath = outputs['report-path']
  let report: Report | undefined
  if (reportPath && fs.existsSync(reportPath)) {
    report = JSON.parse(fs.readFileSync(reportPath, 'utf8')) as Report
  }
  return {
    exitCode: code,
    signal,
    stdout,
    stderr,
    log: runnerLog(stdout),
    outputs,
    state: parseCommandFile(readIfExists(files.state)),
    summary: readIfExists(files.summary),
    report,
    annotations: parseAnnotations(stdout),
    durationMs,
    files,
  }
}

/** Appends one line per step to the suite's run log (global-teardown.js prints it). */
function logRun(label: string, r: ActionResult): void {
  if (!fs.existsSync(SESSION_DIR)) return
  const line = {
    label,
    runId: r.state.runId ?? '',
    exitCode: r.exitCode,
    signal: r.signal,
    verdict: r.outputs.verdict ?? '',
    ms: r.durationMs,
  }
  fs.appendFileSync(path.join(SESSION_DIR, 'runs.jsonl'), `${JSON.stringify(line)}\n`)
}

const tail = (s: string, n = 30): string => s.split('\n').slice(-n).join('\n')

/** Starts `node dist/index.js` as a job step; see ActionRunOptions. */
export function startAction(options: ActionRunOptions = {}): RunningAction {
  const files = options.files ?? newRunnerFiles()
  const inputs = { ...actionDefaults(), ...testInputs(), ...options.inputs }
  const env = { ...runnerEnv(files), ...inputEnv(inputs), ...options.env }
  const started = Date.now()
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'index.js')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  let timedOut = false
  let killTimer: NodeJS.Timeout | undefined
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGTERM')
    killTimer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  }, timeoutMs)
  const result = new Promise<ActionResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (killTimer) clearTimeout(killTimer)
      const r = collect(files, stdout, stderr, code, signal, Date.now() - started)
      logRun(options.label ?? (options.env?.STATE_isPost ? 'post' : 'main'), r)
      if (!timedOut) return resolve(r)
      // Leave nothing behind even when the main step hung: run its post step, then fail loudly.
      const isMain = options.env?.STATE_isPost === undefined
      const cleanup = isMain && r.state.isPost === 'true' ? runPost(r) : Promise.resolve(undefined)
      cleanup.then(
        () =>
          reject(
            new Error(
              `the action did not finish in ${timeoutMs} ms\n--- stdout\n${tail(stdout)}\n--- stderr\n${tail(stderr)}`,
            ),
          ),
        reject,
      )
    })
  })
  return { child, files, result }
}

/** Runs the main step to completion. */
export function runAction(options: ActionRunOptions = {}): Promise<ActionResult> {
  return startAction(options).result
}

/**
 * Runs the post step of a finished (or killed) main step: the same job files and inputs, and
 * every entry the main step saved in GITHUB_STATE as STATE_<name>.
 */
export function runPost(
  main: Pick<ActionResult, 'state' | 'files'>,
  options: ActionRunOptions = {},
): Promise<ActionResult> {
  const stateEnv: Record<string, string> = {}
  for (const [name, value] of Object.entries(main.state)) stateEnv[`STATE_${name}`] = value
  const files = { ...main.files, state: path.join(main.files.dir, 'github-state-post') }
  fs.writeFileSync(files.state, '')
  return startAction({
    ...options,
    files,
    env: { ...options.env, ...stateEnv },
    label: options.label ?? 'post',
  }).result
}

export interface CliResult {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  durationMs: number
}

/** Runs `node bin/flask-deploy-check.js ARGS` from the repository root, without a TTY. */
export function runCli(args: string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  for (const k of Object.keys(env)) if (/^(INPUT_|STATE_|GITHUB_)/.test(k)) delete env[k]
  const started = Date.now()
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin', 'flask-deploy-check.js'), ...args],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs)
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer)
      const r = { exitCode, signal, stdout, stderr, durationMs: Date.now() - started }
      if (fs.existsSync(SESSION_DIR)) {
        const line = {
          label: `cli ${args.slice(0, 2).join(' ')}`,
          runId: '',
          exitCode,
          signal,
          ms: r.durationMs,
        }
        fs.appendFileSync(path.join(SESSION_DIR, 'runs.jsonl'), `${JSON.stringify(line)}\n`)
      }
      resolve(r)
    })
  })
}

/** A container or network labelled flask-deploy-check=1. */
export interface LabelledObject {
  kind: 'container' | 'network'
  id: string
  name: string
  labels: string
}

/** Labelled containers and networks on the engine; with runId, only those that carry it. */
export function labelledObjects(runId?: string): LabelledObject[] {
  const containers = docker([
    'ps',
    '-a',
    '--filter',
    `label=${LABEL}`,
    '--format',
    '{{.ID}}\t{{.Names}}\t{{.Labels}}',
  ])
  const networks = docker([
    'network',
    'ls',
    '--filter',
    `label=${LABEL}`,
    '--format',
    '{{.ID}}\t{{.Name}}\t{{.Labels}}',
  ])
  const rows = (kind: LabelledObject['kind'], text: string): LabelledObject[] =>
    text
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [id, name, labels] = l.split('\t')
        return { kind, id, name, labels: labels ?? '' }
      })
  const all = [...rows('container', containers), ...rows('network', networks)]
  return runId === undefined
    ? all
    : all.filter((o) => o.name.includes(runId) || o.labels.includes(runId))
}

/** Number of labelled containers the engine created between two times (ms since the epoch). */
export function containersCreatedBetween(fromMs: number, toMs: number): number {
  const out = docker([
    'events',
    '--since',
    String(Math.floor(fromMs / 1000)),
    '--until',
    String(Math.ceil(toMs / 1000) + 1),
    '--filter',
    'type=container',
    '--filter',
    'event=create',
    '--filter',
    `label=${LABEL}`,
    '--format',
    '{{.TimeNano}}',
  ])
  // --since counts whole seconds: drop what the previous test created earlier in that second.
  return out
    .split('\n')
    .filter(Boolean)
    .filter((ns) => Number(BigInt(ns) / 1_000_000n) >= fromMs).length
}
