/** The app container lifecycle and readiness on a real engine (docker engine required). */
import { Docker } from '../../src/docker/docker'
import { waitReady, readListening } from '../../src/runtime/readiness'
import { removeRun, startApp, stopApp, type AppSpec } from '../../src/docker/stack'
import { parseContainerState } from '../../src/facts/parse'
import {
  containersOfRun,
  GUNICORN_DOCKERFILE,
  newRunId,
  project,
  recordingLogger,
  removeProjects,
  removeTestImages,
} from './helpers'

jest.setTimeout(60_000)

const docker = new Docker()
const imageRunId = newRunId('stackimg')
const image = `flask-deploy-check/app:${imageRunId}`
const runIds: string[] = []

beforeAll(async () => {
  const dir = project(GUNICORN_DOCKERFILE)
  const built = await docker.build({
    context: dir,
    file: `${dir}/Dockerfile`,
    tag: image,
    runId: imageRunId,
    buildArgs: [],
    timeoutMs: 300_000,
  })
  expect(built.exitCode).toBe(0)
})

afterAll(async () => {
  for (const id of runIds) {
    await removeRun(id, docker)
    expect(containersOfRun(id)).toEqual([])
  }
  removeTestImages([imageRunId])
  removeProjects()
})

function spec(command: string[], env: [string, string][] = []): AppSpec {
  const runId = newRunId('stack')
  runIds.push(runId)
  return { runId, image, port: 8000, env, command }
}

const ready = { appPort: 8000, healthPath: '/healthz', timeoutMs: 30_000, log: recordingLogger() }

test('a container that exits while we poll is reported within 2 s of its exit', async () => {
  const s = spec(['sh', '-c', 'echo starting; sleep 1.5; echo dying >&2; exit 3'])
  const handle = await startApp(docker, s)
  const boot = await waitReady(docker, handle, ready)
  const reportedAt = Date.now()
  const state = parseContainerState((await docker.inspect(handle.name)).stdout)
  const latency = reportedAt - Date.parse(state.finishedAt)
  expect(boot).toMatchObject({
    ready: false,
    exited: { exitCode: 3 },
    logTail: ['starting', 'dying'],
  })
  expect(boot.exited?.afterMs).toBeGreaterThanOrEqual(1500)
  expect(latency).toBeLessThan(2000)
  console.log(
    `crash detection: exit -> report ${latency} ms (exit ${boot.exited?.afterMs} ms after docker run)`,
  )
  await removeRun(s.runId, docker)
  expect(containersOfRun(s.runId)).toEqual([])
})

test('readiness is an HTTP answer: a slow import is waited for, not mistaken for a TCP accept', async () => {
  const s = spec(['gunicorn', '-b', '0.0.0.0:8000', 'app:app'], [['SLOW', '3']])
  const handle = await startApp(docker, s)
  const boot = await waitReady(docker, handle, ready)
  expect(boot).toMatchObject({
    ready: true,
    firstStatus: 200,
    listening: [{ address: '0.0.0.0', port: 8000 }],
  })
  expect(boot.ms).toBeGreaterThanOrEqual(3000)
  expect(boot.ms).toBeLessThan(8000)
})

test('nothing ever answers: gives up at the boot timeout', async () => {
  const s = spec(['sleep', '60'])
  const handle = await startApp(docker, s)
  const boot = await waitReady(docker, handle, { ...ready, timeoutMs: 2500 })
  expect(boot).toMatchObject({ ready: false, timedOut: true, listening: [] })
  expect(boot.exited).toBeUndefined()
  expect(boot.ms).toBeGreaterThanOrEqual(2500)
  expect(boot.ms).toBeLessThan(4000)
})

test('docker run failing (missing executable) is a boot failure, not an exception', async () => {
  const s = spec(['no-such-server', '--bind', '0.0.0.0:8000'])
  const handle = await startApp(docker, s)
  expect(handle.startError?.exitCode).toBe(127)
  const boot = await waitReady(docker, handle, ready)
  expect(boot).toMatchObject({ ready: false, exited: { exitCode: 127 } })
  expect(boot.logTail.join('\n')).toMatch(/no-such-server/)
  expect(await removeRun(s.runId, docker)).toBe(1)
  expect(await removeRun(s.runId, docker)).toBe(0)
})

test('a shell-form command (dash as PID 1) is killed after the 10 s grace, exit 137', async () => {
  const s = spec(['/bin/sh', '-c', 'gunicorn -b 0.0.0.0:8000 app:app'])
  const handle = await startApp(docker, s)
  const boot = await waitReady(docker, handle, ready)
  expect(boot.ready).toBe(true)
  const shutdown = await stopApp(docker, handle)
  expect(shutdown).toMatchObject({ graceS: 10, exitCode: 137, killed: true })
  expect(shutdown.ms).toBeGreaterThanOrEqual(10_000)
  expect(shutdown.ms).toBeLessThan(14_000)
  console.log(`shell-form boot ${boot.ms} ms, stop ${shutdown.ms} ms`)
})

test('sockets are read from the host when the image cannot run cat (and PATH reaches the app, not docker)', async () => {
  // PATH is also a variable the docker CLI reads: it must travel by --env-file, not by docker's own env.
  const s = spec(
    ['/usr/bin/python3', '/usr/bin/gunicorn', '-b', '0.0.0.0:8000', 'app:app'],
    [['PATH', '/nowhere']],
  )
  const handle = await startApp(docker, s)
  const boot = await waitReady(docker, handle, ready)
  expect(boot.ready).toBe(true)
  const exec = await docker.execIn(handle.name, ['cat', '/proc/net/tcp'])
  expect(exec.exitCode).not.toBe(0)
  expect(await readListening(docker, handle.name)).toEqual([{ address: '0.0.0.0', port: 8000 }])
})
