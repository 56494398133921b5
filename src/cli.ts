/**
 * The command-line twin: argv -> the same Options -> the same pipeline -> a checklist on the
 * terminal and the same JSON report. Exit 0 pass, 1 fail verdict, 2 usage error, 3 could not run.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import type { Observations } from './facts/types'
import type { Logger } from './log'
import { INPUT_NAMES, UsageError, parseOptions, type InputName, type RawInputs } from './options'
import { newRunId, runPipeline } from './pipeline'
import { REAP_FLAG, reap, startReaper } from './reaper'
import { baselineLines, exceptionLines } from './report/adoption'
import { observatoryLine } from './report/observatory/render'
import { renderTerminal } from './report/terminal'
import { version } from './report/version'

/** Repeatable flags that feed a multi-line input, by their singular CLI names too. */
const MULTI: Partial<Record<InputName, string>> = {
  'build-args': 'build-arg',
  env: 'env',
  routes: 'route',
  'skip-checks': 'skip-check',
  'proxy-env': 'proxy-env',
  'compose-file': 'compose-file',
}

const USAGE = `usage: flask-deploy-check --context DIR [options]

Builds the app's image, boots it, checks it and prints the checklist.
Options (same names as the action's inputs):
  --context DIR          build context (default .)
  --file PATH            Dockerfile (default <context>/Dockerfile)
  --build-arg K=V        build argument (repeatable)
  --target STAGE         build stage
  --image REF            check an existing image instead of building
  --command CMD          override the container command
  --port N               app port in the container (default: detected)
  --env K=V              variable for the app container (repeatable; value masked)
  --health-path PATH     health endpoint (default /healthz)
  --route PATH           path to request (repeatable; default /); auto: the app's GET rules
  --nginx-config PATH    nginx config to put in front (default: auto-detect)
  --caddy-config PATH    Caddyfile to put in front instead of nginx (default: auto-detect)
  --server-name HOST     public host name
  --proxy-image REF      image that runs the proxy
  --tls-termination WHERE  nginx (default; TLS added as certbot does when the config has none) | upstream
  --proxy-env KEY=VALUE  variable for nginx config templates (repeatable)
  --introspect BOOL      inject the in-container probe (default true)
  --boot-timeout S       seconds to wait for HTTP (default 60)
  --fail-on LEVEL        error | warning | never (default error)
  --skip-check ID        check id to skip (repeatable)
  --name LABEL           label of this target
  --report-path PATH     where to write the JSON report
  --policy-file PATH     policy file (default: .flask-deploy-check.yml when present)
  --baseline-report PATH earlier JSON report to compare with, check by check
  --fail-on-new-only BOOL fail only for regressions against the baseline (default false)
  --sarif-path PATH      where to write a SARIF 2.1.0 log of the located findings
  --compose-file FILE    compose file (repeatable, -f order): check a service of that project
  --compose-service NAME the compose service that runs the app (default: auto)
  --json                 print the JSON report instead of the checklist
  --dump-observations FILE  write the facts the checks judged as JSON (for tests, bug reports)
  --verbose              show build output and debug lines
  --no-color             no ANSI colours
  -h, --help             this text
  --version              print the version`

export type ParsedValues = Record<string, string | boolean | string[] | undefined>

/** The parsed flags as the raw inputs parseOptions takes (repeated flags one per line). */
export function toRawInputs(values: ParsedValues): RawInputs {
  const raw: RawInputs = {}
  for (const name of INPUT_NAMES) {
    // `--env` is its own singular: read each flag once.
    const many = [...new Set([name, MULTI[name]])].flatMap((flag) => {
      const v = flag === undefined ? undefined : values[flag]
      return v === undefined ? [] : Array.isArray(v) ? v : [String(v)]
    })
    if (many.length > 0) raw[name] = many.join('\n')
  }
  return raw
}

/** The --dump-observations target (absolute), or a one-line reason it cannot be written. */
function dumpTarget(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const abs = path.resolve(value)
  const dir = path.dirname(abs)
  let problem: string | undefined
  if (value.trim() === '') problem = 'a file path'
  else if (fs.existsSync(abs) && !fs.statSync(abs).isFile())
    problem = `a file path (${abs} is not a file)`
  else if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    problem = `a file path in an existing directory (looked for ${dir})`
  if (problem !== undefined)
    throw new UsageError(`option '--dump-observations' has invalid value '${value}': ${problem}`)
  return abs
}

/** Every string of a JSON value redacted, keys too (text-level masking could break the JSON). */
function redactStrings(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value)
  if (Array.isArray(value)) return value.map((v) => redactStrings(v, redact))
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [redact(k), redactStrings(v, redact)]),
  )
}

/**
 * Writes the run's observations as pretty JSON. They are meant to hold no secret values, yet the
 * run's token names pages and hosts in them: the run's redactor goes over every string.
 */
export function writeObservations(
  file: string,
  observations: Observations,
  redact: (text: string) => string,
): void {
  fs.writeFileSync(file, `${JSON.stringify(redactStrings(observations, redact), null, 2)}\n`)
}

/** A terminal logger: one progress line per stage, details only with --verbose. */
function consoleLogger(verbose: boolean, out: NodeJS.WriteStream): Logger {
  const secrets: string[] = []
  const mask = (m: string): string => secrets.reduce((s, v) => s.split(v).join('***'), m)
  return {
    debug: (m) => verbose && out.write(`  ${mask(m)}\n`),
    info: (m) => verbose && out.write(`  ${mask(m)}\n`),
    warning: (m) => out.write(`warning: ${mask(m)}\n`),
    secret: (v) => v.length > 0 && secrets.push(v),
    stage: async (title, fn) => {
      const started = Date.now()
      out.write(`→ ${title}...\n`)
      try {
        return await fn()
      } finally {
        out.write(`  ${title} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`)
      }
    },
  }
}

/** Runs the CLI with the given argv (without node and script); resolves to the exit code. */
export async function cli(argv: string[], opts: { watchdog?: boolean } = {}): Promise<number> {
  const stdout = process.stdout
  const options: Record<
    string,
    { type: 'string' | 'boolean'; multiple?: boolean; short?: string }
  > = {
    json: { type: 'boolean' },
    verbose: { type: 'boolean' },
    'no-color': { type: 'boolean' },
    'dump-observations': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
  }
  for (const name of INPUT_NAMES) {
    if (['github-token', 'comment', 'mode', 'report-file'].includes(name)) continue
    options[name] = { type: 'string', multiple: MULTI[name] !== undefined }
    const singular = MULTI[name]
    if (singular !== undefined && singular !== name)
      options[singular] = { type: 'string', multiple: true }
  }
  let values: ParsedValues
  try {
    values = parseArgs({ args: argv, options, allowPositionals: false, strict: true })
      .values as ParsedValues
  } catch (err) {
    process.stderr.write(`flask-deploy-check: ${(err as Error).message}\n${USAGE.split('\n')[0]}\n`)
    return 2
  }
  if (values.help) {
    stdout.write(`${USAGE}\n`)
    return 0
  }
  if (values.version) {
    stdout.write(`${version}\n`)
    return 0
  }
  let parsed
  let dumpFile: string | undefined
  try {
    dumpFile = dumpTarget(values['dump-observations'] as string | undefined)
    parsed = parseOptions(
      { ...toRawInputs(values), comment: 'false' },
      { workspace: process.cwd() },
    )
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(
        `flask-deploy-check: ${err.message.replace(/^input '([^']+)'/, "option '--$1'")}\n`,
      )
      return 2
    }
    throw err
  }
  const color = !values['no-color'] && stdout.isTTY === true && !process.env.NO_COLOR
  const log = consoleLogger(Boolean(values.verbose), stdout)
  const controller = new AbortController()
  const onSignal = (sig: NodeJS.Signals): void => {
    process.stderr.write(`\n${sig}: stopping and removing containers...\n`)
    controller.abort(new Error(`interrupted by ${sig}`))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const runId = newRunId()
  // Only the real command starts the watcher (it re-runs process.argv[1]; in a test that is jest).
  const reaper = opts.watchdog ? startReaper(runId, parsed.keepImage) : { stop: () => undefined }
  try {
    const { report, observations, redact } = await runPipeline(parsed, log, {
      runId,
      signal: controller.signal,
    })
    if (dumpFile !== undefined) writeObservations(dumpFile, observations, redact)
    if (values.json) stdout.write(`${JSON.stringify(report, null, 2)}\n`)
    else {
      const dumped = dumpFile === undefined ? '' : `observations: ${dumpFile}\n`
      const adoption = [
        ...baselineLines(report),
        ...exceptionLines(report),
        observatoryLine(report),
      ]
      const notes = adoption
        .filter((l) => l !== '')
        .map((l) => `${l}\n`)
        .join('')
      stdout.write(
        `\n${renderTerminal(report, { color })}\n${notes}report: ${parsed.reportPath}\n${dumped}`,
      )
    }
    return report.verdict === 'fail' ? 1 : 0
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`flask-deploy-check: ${err.message}\n`)
      return 2
    }
    process.stderr.write(`flask-deploy-check could not complete: ${(err as Error).message}\n`)
    return 3
  } finally {
    reaper.stop()
  }
}

/** Runs the CLI on process.argv and exits with its code (bin/flask-deploy-check.js calls this). */
export function runCli(): void {
  if (process.argv[2] === REAP_FLAG) {
    void reap(process.argv.slice(3)).then(() => process.exit(0))
    return
  }
  cli(process.argv.slice(2), { watchdog: true }).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`flask-deploy-check: ${(err as Error).stack ?? String(err)}\n`)
      process.exit(3)
    },
  )
}
