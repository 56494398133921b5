/**
 * Issue 11, point 1: faults of the app under test and of the runner, each on the real engine
 * with the outcome a user reads. The hostile app is __tests__/e2e/hostile-server.py run by the
 * base image (`image` + `command`: nothing to build); the build failure is a two-line
 * Dockerfile in a temp dir. A never-listening app and SIGKILL mid-run are in action.e2e.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { createdBetween, runLeftovers, rssMiB } from './engine-objects'
import { spawn } from 'node:child_process'
import {
  BASE_IMAGE,
  ROOT,
  SESSION_DIR,
  labelledObjects,
  proxyImageForTests,
  runAction,
  runCli,
  startAction,
} from './run-action'
import { check, reportOf } from './report-checks'

const RUN_MS = 4 * 60_000
const SERVER = fs.readFileSync(path.join(__dirname, 'hostile-server.py'), 'utf8')
/** The hostile server as the `command` input (a JSON array), in `mode` (serve or crash). */
const hostile = (mode = 'serve'): Record<string, string> => ({
  image: BASE_IMAGE,
  command: JSON.stringify(['python', '-c', SERVER, mode]),
  'boot-timeout': '20',
})

describe('routes that misbehave', () => {
  it(
    'each fails routes.answer with its cause; the read is capped and memory stays flat',
    async () => {
      const running = startAction({
        label: 'hostile routes',
        inputs: { ...hostile(), routes: '/\n/endless\n/never\n/huge-headers\n/garbage' },
      })
      let peak = 0
      const poll = setInterval(() => {
        peak = Math.max(peak, rssMiB(running.child.pid ?? 0))
      }, 100)
      const run = await running.result.finally(() => clearInterval(poll))
      const r = check(run, 'routes.answer')
      expect({ exitCode: run.exitCode, status: r.status }).toEqual({
        exitCode: 1,
        status: 'failed',
      })
      const evidence = r.evidence.join('\n')
      expect(evidence).toMatch(/GET \/endless .*on the app port.*response larger than 8 MiB/)
      expect(evidence).toMatch(/GET \/never .*no response within the per-request timeout of 5 s/)
      expect(evidence).toMatch(/GET \/huge-headers .*on the app port.*header block too large/)
      expect(evidence).toMatch(/GET \/garbage .*on the app port.*malformed HTTP response/)
      // An endless body read whole would take the process past any limit within seconds.
      expect(peak).toBeGreaterThan(0)
      expect(peak).toBeLessThan(300)
      // The rest of the run went on: the health endpoint and the proxy were still judged.
      expect(check(run, 'health.endpoint').status).toBe('passed')
      expect(runLeftovers(run.state.runId)).toEqual([])
    },
    RUN_MS,
  )
})

describe('an app killed mid-run', () => {
  it(
    'blocks every later check with that cause, fails the verdict and still writes the report',
    async () => {
      const run = await runAction({
        label: 'killed mid-run',
        inputs: { ...hostile(), routes: '/\n/die\n/after' },
      })
      const report = reportOf(run)
      const r = check(run, 'routes.answer')
      expect(r.status).toBe('failed')
      // The routes are requested a few at a time, so /after may be answered while /die kills
      // the server: the last answer is either, and the app's own log names the cause.
      expect(r.summary).toMatch(
        /^the app exited with code 9 during the run \(its last answer: GET \/(die|after) on the app port\)$/,
      )
      expect(r.evidence.join('\n')).toMatch(/killed by a request to \/die/)
      const blocked = report.checks.filter((c) => c.blocked_by === 'routes.answer')
      expect(blocked.map((c) => c.id)).toEqual(
        expect.arrayContaining(['proxy.forwarded-headers', 'tls.hsts', 'shutdown.graceful']),
      )
      for (const c of blocked) expect(c.summary).toMatch(/exited with code 9 during the run/)
      expect({ exitCode: run.exitCode, verdict: report.verdict }).toEqual({
        exitCode: 1,
        verdict: 'fail',
      })
      expect(runLeftovers(run.state.runId)).toEqual([])
    },
    RUN_MS,
  )
})

describe('a crash at boot', () => {
  it(
    'is reported within 2 s of the exit, with the log tail',
    async () => {
      const dump = path.join(SESSION_DIR, 'crash-observations.json')
      const r = await runCli([
        '--image',
        BASE_IMAGE,
        '--command',
        JSON.stringify(['python', '-c', SERVER, 'crash']),
        '--report-path',
        path.join(SESSION_DIR, 'crash-report.json'),
        '--dump-observations',
        dump,
      ])
      expect(r.exitCode).toBe(1)
      expect(r.stdout).toMatch(/boot\.ready.*exited with code 3/)
      expect(r.stdout).toMatch(/boom: the database URL is not set/)
      const boot = (JSON.parse(fs.readFileSync(dump, 'utf8')) as { boot: BootDump }).boot
      expect(boot.exited?.exitCode).toBe(3)
      expect(boot.ms - (boot.exited?.afterMs ?? Infinity)).toBeLessThan(2000)
    },
    RUN_MS,
  )
})

interface BootDump {
  ms: number
  exited?: { exitCode: number; afterMs: number }
}

describe('a build that fails', () => {
  it(
    'fails build.image with the build log tail; nothing is started',
    async () => {
      const dir = fs.mkdtempSync(path.join(SESSION_DIR, 'build-fails-'))
      fs.writeFileSync(
        path.join(dir, 'Dockerfile'),
        'ARG BASE=python:3.12-slim\nFROM ${BASE}\nRUN echo "compiling assets" && echo "error: asset pipeline failed" >&2 && exit 7\n',
      )
      const from = Date.now()
      const run = await runAction({ label: 'build fails', inputs: { context: dir } })
      const b = check(run, 'build.image')
      expect({ exitCode: run.exitCode, status: b.status }).toEqual({
        exitCode: 1,
        status: 'failed',
      })
      expect(b.evidence.join('\n')).toMatch(/error: asset pipeline failed/)
      expect(createdBetween(from, Date.now()).filter((o) => o.startsWith('container'))).toEqual([])
      expect(runLeftovers(run.state.runId)).toEqual([])
    },
    RUN_MS,
  )
})

describe('no reachable Docker engine', () => {
  const env = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }
  it('the action fails in one line with the environment-error exit code (3)', async () => {
    const run = await runAction({
      label: 'no engine',
      inputs: { context: '__tests__/fixtures/good' },
      env,
      timeoutMs: 60_000,
    })
    const errors = run.annotations.filter((a) => a.level === 'error').map((a) => a.message)
    expect({ exitCode: run.exitCode, errors, report: run.report }).toEqual({
      exitCode: 3,
      errors: [
        expect.stringMatching(
          /^flask-deploy-check could not complete: no reachable Docker engine at unix:\/\/\/nonexistent\/docker\.sock: [^\n]+$/,
        ),
      ],
      report: undefined,
    })
  }, 90_000)

  it('the CLI prints one line and exits 3', async () => {
    const r = await runCliWithEnv(['--context', '__tests__/fixtures/good'], env)
    expect(r.exitCode).toBe(3)
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^flask-deploy-check could not complete: no reachable Docker engine/),
    ])
  }, 90_000)
})

/** runCli with extra environment (DOCKER_HOST), restored afterwards. */
async function runCliWithEnv(
  args: string[],
  env: Record<string, string>,
): Promise<Awaited<ReturnType<typeof runCli>>> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
  Object.assign(process.env, env)
  try {
    return await runCli(args, 60_000)
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
}

describe('the CLI killed by SIGKILL mid-run', () => {
  it(
    'leaves nothing: its watcher removes the run by label once the process is gone',
    async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
      const child = spawn(
        process.execPath,
        [
          path.join(ROOT, 'bin', 'flask-deploy-check.js'),
          ...['--context', '__tests__/fixtures/good', '--build-arg', `BASE=${BASE_IMAGE}`],
          ...[
            '--proxy-image',
            proxyImageForTests(),
            '--report-path',
            path.join(SESSION_DIR, 'killed-cli.json'),
          ],
        ],
        { cwd: ROOT, env, stdio: 'ignore' },
      )
      // The run id is in the app container's name: wait for it.
      let runId = ''
      const deadline = Date.now() + 3 * 60_000
      while (!runId && Date.now() < deadline && child.exitCode === null) {
        const app = labelledObjects().find((o) => o.kind === 'container' && o.name.endsWith('-app'))
        runId = /^fdc-([0-9a-f]+)-app$/.exec(app?.name ?? '')?.[1] ?? ''
        if (!runId) await new Promise((r) => setTimeout(r, 150))
      }
      expect(runId).not.toBe('')
      child.kill('SIGKILL')
      await new Promise((r) => child.once('close', r))
      const gone = Date.now() + 30_000
      while (runLeftovers(runId).length > 0 && Date.now() < gone)
        await new Promise((r) => setTimeout(r, 500))
      expect(runLeftovers(runId)).toEqual([])
    },
    RUN_MS,
  )
})
