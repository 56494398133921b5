/** The whole observation plan against real containers (docker engine required). */
import * as os from 'node:os'
import { collect } from '../../src/runtime/collect'
import type {
  BootFacts,
  HttpExchange,
  LogFacts,
  ProcessFacts,
  ShutdownFacts,
} from '../../src/facts/types'
import {
  containersOfRun,
  GUNICORN_DOCKERFILE,
  newRunId,
  options,
  project,
  recordingLogger,
  removeProjects,
  removeTestImages,
} from './helpers'

jest.setTimeout(120_000)

const runIds: string[] = []
afterAll(() => {
  removeTestImages(runIds)
  removeProjects()
})

function run(tag: string): string {
  const id = newRunId(tag)
  runIds.push(id)
  return id
}

const dockerfile = { unavailable: 'not parsed in this test' }

test('a Gunicorn app: built, ready, observed, stopped gracefully, removed', async () => {
  const dir = project(GUNICORN_DOCKERFILE)
  const log = recordingLogger()
  const runId = run('good')
  const {
    observations: obs,
    timings,
    image,
  } = await collect(options(dir, { routes: '/\n/missing-route' }), log, {
    runId,
    dockerfile,
  })

  expect(image).toBe(`flask-deploy-check/app:${runId}`)
  expect(obs.build).toMatchObject({ mode: 'built', ok: true, exitCode: 0 })
  expect(obs.run).toMatchObject({
    port: 8000,
    portSource: 'bind-argument',
    dockerfilePath: 'Dockerfile',
    secretInjected: true,
  })
  expect(obs.image).toMatchObject({ user: '', exposedPorts: [8000], workingDir: '/app' })

  const boot = obs.boot as BootFacts
  expect(boot).toMatchObject({ ready: true, firstStatus: 200 })
  expect(boot.listening).toContainEqual({ address: '0.0.0.0', port: 8000 })

  const procs = obs.processes as ProcessFacts[]
  expect(procs.filter((p) => p.isInit)).toHaveLength(1)
  expect(procs.find((p) => p.isInit)?.args).toMatch(/gunicorn -b 0.0.0.0:8000 -w 2 app:app/)
  // Master + 2 workers, counted after forking settled.
  expect(procs.filter((p) => /gunicorn/.test(p.args))).toHaveLength(3)

  const http = obs.http as HttpExchange[]
  expect(
    http.map((e) => [
      e.purpose,
      e.request.path.startsWith('/flask-deploy-check-') ? 'random' : e.request.path,
      e.response?.status,
    ]),
  ).toEqual([
    ['health', '/healthz', 200],
    ['route', '/', 200],
    ['route', '/missing-route', 404],
    ['not-found', 'random', 404],
    ['debugger', '/?__debugger__=yes&cmd=resource&f=debugger.js', 200],
  ])
  expect(http[0].response?.headers.server).toEqual([expect.stringMatching(/gunicorn/)])
  expect(http[0].response?.body).toBe('ok')

  const logs = obs.logs as LogFacts
  expect(logs.stderr.join('\n')).toMatch(/Booting worker/)
  expect(logs.truncated).toBe(false)

  const shutdown = obs.shutdown as ShutdownFacts
  expect(shutdown).toMatchObject({ graceS: 10, exitCode: 0, killed: false })
  expect(shutdown.ms).toBeLessThan(5000)

  expect(timings.build).toBeGreaterThan(0)
  expect(timings.boot).toBe(boot.ms)
  expect(containersOfRun(runId)).toEqual([])

  // The injected SECRET_KEY and the probe token were registered and never reached a logged line.
  expect(log.secrets).toHaveLength(2)
  for (const secret of log.secrets) expect(log.lines.some((l) => l.includes(secret))).toBe(false)
  const runLine = log.lines.find((l) =>
    l.startsWith(`debug: $ docker run -d --name fdc-${runId}-app `),
  )
  expect(runLine).toContain(
    `--label flask-deploy-check=1 --label flask-deploy-check.run=${runId} --cap-drop ALL`,
  )
  expect(runLine).toContain(
    `--security-opt no-new-privileges --memory 512m --memory-swap 512m --pids-limit 256 --cpus ${Math.min(2, os.cpus().length)} -p 127.0.0.1::8000`,
  )
  expect(runLine).toContain(`--network fdc-${runId} --network-alias app`)
  expect(runLine).toMatch(/ -e SECRET_KEY /)
})

test('an app that crashes at boot: reported at once with exit code and log tail', async () => {
  const dir = project(GUNICORN_DOCKERFILE)
  const runId = run('crash')
  const { observations: obs } = await collect(
    options(dir, { env: 'BOOM=1\nBOOM_DELAY=1' }),
    recordingLogger(),
    {
      runId,
      dockerfile,
    },
  )
  const boot = obs.boot as BootFacts
  expect(boot.ready).toBe(false)
  // Gunicorn exits 3 or 1 after a worker fails to boot (racy): any non-zero code.
  expect(boot.exited?.exitCode).toBeGreaterThan(0)
  expect(boot.ms).toBeLessThan(10_000)
  expect(boot.logTail.join('\n')).toMatch(/RuntimeError: boom/)
  const reason = `container did not become ready: the container exited with code ${boot.exited?.exitCode}`
  // Each part names the cause and the check whose failure it is: the report groups them under it.
  const blocked = { unavailable: expect.stringContaining(reason), blockedBy: 'boot.ready' }
  expect(obs.processes).toEqual(blocked)
  expect(obs.http).toEqual(blocked)
  expect(obs.shutdown).toEqual(blocked)
  // The logs are still there: the container was not removed before they were read.
  expect((obs.logs as LogFacts).stderr.join('\n')).toMatch(/Worker failed to boot/)
  expect(obs.run.envNames).toEqual(['BOOM', 'BOOM_DELAY'])
  expect(containersOfRun(runId)).toEqual([])
})

test("Gunicorn's default bind (127.0.0.1): named as the cause without waiting out the timeout", async () => {
  const dir = project(GUNICORN_DOCKERFILE)
  const runId = run('loop')
  const started = Date.now()
  const { observations: obs } = await collect(
    options(dir, { command: 'gunicorn app:app', 'boot-timeout': '60' }),
    recordingLogger(),
    { runId, dockerfile },
  )
  expect(Date.now() - started).toBeLessThan(15_000)
  expect(obs.run).toMatchObject({
    port: 8000,
    portSource: 'expose',
    commandOverride: ['gunicorn', 'app:app'],
  })
  const boot = obs.boot as BootFacts
  // On a user-defined network Docker's embedded DNS also listens, on 127.0.0.11 at a random port.
  expect(boot.ready).toBe(false)
  expect(boot.listening?.filter((l) => l.port === 8000)).toEqual([
    { address: '127.0.0.1', port: 8000 },
  ])
  expect(boot.timedOut).toBeUndefined()
  expect(boot.ms).toBeLessThan(5000)
  expect(obs.http).toEqual({
    unavailable:
      'container did not become ready: the server listens only on 127.0.0.1 port 8000 inside the container',
    blockedBy: 'boot.ready',
  })
  expect(containersOfRun(runId)).toEqual([])
})

test('a build that fails: every later part says the image did not build', async () => {
  const dir = project('FROM BASE\nRUN echo about to fail && exit 7\n')
  const runId = run('bfail')
  const { observations: obs, timings } = await collect(options(dir), recordingLogger(), {
    runId,
    dockerfile,
  })
  expect(obs.build).toMatchObject({ mode: 'built', ok: false })
  expect(obs.build.exitCode).not.toBe(0)
  // The legacy builder says 'returned a non-zero code: 7'; BuildKit 'exit code: 7'.
  expect(obs.build.error).toMatch(/returned a non-zero code: 7|exit code: 7/)
  expect(obs.build.logTail.join('\n')).toMatch(/about to fail/)
  for (const part of ['image', 'boot', 'processes', 'http', 'logs', 'shutdown'] as const) {
    expect(obs[part]).toEqual({ unavailable: 'the image did not build', blockedBy: 'build.image' })
  }
  expect(timings.boot).toBe(0)
  expect(containersOfRun(runId)).toEqual([])
})

test('an abort while waiting for the app still removes the container', async () => {
  const dir = project(GUNICORN_DOCKERFILE)
  const built = run('abortimg')
  // Build once through collect, then reuse the image through the `image` option.
  // keep-image: the run removes the image it built otherwise.
  const first = await collect(
    options(dir, { command: 'true', 'keep-image': 'true' }),
    recordingLogger(),
    {
      runId: built,
      dockerfile,
    },
  )
  const runId = run('abort')
  const controller = new AbortController()
  setTimeout(() => controller.abort(new Error('test abort')), 1500)
  const started = Date.now()
  await expect(
    collect(options(dir, { image: first.image, command: 'sleep 60' }), recordingLogger(), {
      runId,
      dockerfile,
      signal: controller.signal,
    }),
  ).rejects.toThrow()
  expect(Date.now() - started).toBeLessThan(8000)
  expect(containersOfRun(runId)).toEqual([])
})
