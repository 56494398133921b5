/**
 * Runs the bundled action (ncc build of src/index.ts into a temp dir, once per test file) in
 * `mode: comment-only` against the fake API, with a real event payload file and the runner's
 * GITHUB_* environment, and collects exit code, outputs, summary and workflow commands.
 */
import { spawn, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { CheckResult } from '../../src/checks/lib/types'
import type { Report } from '../../src/report/report'
import {
  ROOT,
  actionDefaults,
  inputEnv,
  parseAnnotations,
  parseCommandFile,
  type Annotation,
} from '../e2e/run-action'
import { sampleReport } from '../report/sample'
import { OWNER_REPO } from './fake-api'

export const HEAD_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
export const NEW_SHA = 'f0e1d2c3b4a5968778695a4b3c2d1e0f98765432'
export const PR_NUMBER = 17

/** Bundles src/index.ts into a fresh temp dir; returns the dir (remove it when done). */
export function buildBundle(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-github-dist-'))
  const r = spawnSync('npx', ['ncc', 'build', 'src/index.ts', '-o', dir, '-q'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  if (r.status !== 0) throw new Error(`ncc build failed: ${r.stderr}`)
  return dir
}

/** The pull_request event payload of the fixture, with overrides. */
export function pullRequestEvent(o: { headSha?: string; headRepo?: string } = {}): unknown {
  const file = path.join(__dirname, 'events', 'pull_request.synchronize.json')
  const event = JSON.parse(fs.readFileSync(file, 'utf8'))
  if (o.headSha) event.pull_request.head.sha = o.headSha
  if (o.headRepo) event.pull_request.head.repo.full_name = o.headRepo
  return event
}

/** A push event payload for `sha`. */
export function pushEvent(sha: string): unknown {
  const file = path.join(__dirname, 'events', 'push.json')
  const event = JSON.parse(fs.readFileSync(file, 'utf8'))
  event.after = sha
  event.head_commit.id = sha
  return event
}

/** The sample report for target `name` (fails tls.hsts, an error). */
export function reportFor(name: string, extra: Record<string, Partial<CheckResult>> = {}): Report {
  const r = sampleReport(extra)
  return { ...r, target: { ...r.target, name } }
}

export interface StepResult {
  exitCode: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  annotations: Annotation[]
}

export interface StepOptions {
  bundle: string
  apiUrl: string
  report: Report
  event: unknown
  eventName?: string
  sha?: string
  inputs?: Record<string, string>
}

/** Runs the bundled action once as a job step in comment-only mode. */
export async function runStep(o: StepOptions): Promise<StepResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-github-step-'))
  const f = (n: string): string => path.join(dir, n)
  for (const n of ['output', 'summary', 'state', 'env', 'path']) fs.writeFileSync(f(n), '')
  fs.writeFileSync(f('event.json'), JSON.stringify(o.event))
  fs.writeFileSync(f('report.json'), JSON.stringify(o.report))
  const inputs = {
    ...actionDefaults(),
    'github-token': 'ghs_fakeTokenForTheLocalApi0000000000',
    mode: 'comment-only',
    'report-file': f('report.json'),
    ...o.inputs,
  }
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME }
  Object.assign(env, inputEnv(inputs), {
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: ROOT,
    GITHUB_OUTPUT: f('output'),
    GITHUB_STEP_SUMMARY: f('summary'),
    GITHUB_STATE: f('state'),
    GITHUB_ENV: f('env'),
    GITHUB_PATH: f('path'),
    GITHUB_EVENT_NAME: o.eventName ?? 'pull_request',
    GITHUB_EVENT_PATH: f('event.json'),
    GITHUB_REPOSITORY: OWNER_REPO,
    GITHUB_SHA: o.sha ?? 'dddddddddddddddddddddddddddddddddddddddd',
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: o.apiUrl,
    RUNNER_TEMP: dir,
  })
  const child = spawn(process.execPath, [path.join(o.bundle, 'index.js')], { cwd: ROOT, env })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const exitCode = await new Promise<number | null>((r) => child.on('close', (c) => r(c)))
  const result = {
    exitCode,
    stdout,
    stderr,
    outputs: parseCommandFile(fs.readFileSync(f('output'), 'utf8')),
    summary: fs.readFileSync(f('summary'), 'utf8'),
    annotations: parseAnnotations(stdout),
  }
  fs.rmSync(dir, { recursive: true, force: true })
  return result
}
