/**
 * Readiness is noticed soon after the port first answers: a local server that starts listening
 * late stands in for the app, a stub for the engine (no docker needed).
 */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Docker } from '../../src/docker/docker'
import type { RunResult } from '../../src/exec'
import { waitReady } from '../../src/runtime/readiness'
import { recordingLogger } from './helpers'

const ok = (stdout = ''): Promise<RunResult> =>
  Promise.resolve({ exitCode: 0, stdout, stderr: '', ms: 1, timedOut: false, truncated: false })

const engine = {
  // The container never exits during the test.
  wait: () => new Promise<RunResult>(() => undefined),
  logs: () => ok(''),
  execIn: () => ok('  sl  local_address rem_address   st\n'),
  inspect: () => ok('[{"State":{"Running":true,"Pid":0}}]'),
} as unknown as Docker

async function freePort(): Promise<number> {
  const s = http.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const { port } = s.address() as AddressInfo
  await new Promise((r) => s.close(r))
  return port
}

/** How long after the server starts listening waitReady reports the app ready. */
async function lateness(delayMs: number): Promise<number> {
  const port = await freePort()
  const server = http.createServer((_req, res) => res.end('ok'))
  const startedAt = Date.now()
  let listeningAt = 0
  const late = setTimeout(() => {
    server.listen(port, '127.0.0.1', () => (listeningAt = Date.now()))
  }, delayMs)
  try {
    const boot = await waitReady(
      engine,
      { name: 'fdc-test-app', hostPort: port, startedAt },
      {
        appPort: 8000,
        healthPath: '/healthz',
        timeoutMs: 10_000,
        log: recordingLogger(),
        listenCheckAfterMs: 60_000,
      },
    )
    expect(boot).toMatchObject({ ready: true, firstStatus: 200 })
    expect(listeningAt).toBeGreaterThan(0)
    return startedAt + boot.ms - listeningAt
  } finally {
    clearTimeout(late)
    await new Promise((r) => server.close(r))
  }
}

test('the first answer is noticed well within 100 ms of the port starting to answer', async () => {
  const late: number[] = []
  for (const delay of [300, 330, 360, 390, 420]) late.push(await lateness(delay))
  late.sort((a, b) => a - b)
  // The median, not the worst: a loaded machine delays any timer now and then.
  expect(late[2]).toBeLessThan(50)
  expect(late[0]).toBeGreaterThanOrEqual(0)
})
