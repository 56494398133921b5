/**
 * The engine API answers the chatty verbs as the docker CLI does: the same parsed facts from a
 * real container both ways (docker engine required).
 */
import { Docker } from '../../src/docker/docker'
import { networkGateway, removeRun } from '../../src/docker/stack'
import {
  parseContainerState,
  parseHistory,
  parseHostPort,
  parseImageInspect,
  parseProcNetTcp,
  parseTimestampedLogs,
  parseTop,
} from '../../src/facts/parse'
import { BASE_IMAGE, containersOfRun, newRunId } from '../runtime/helpers'

jest.setTimeout(60_000)

const api = new Docker()
process.env.FDC_DOCKER_API = '0'
const cli = new Docker()
delete process.env.FDC_DOCKER_API
const runId = newRunId('engine')
const name = `fdc-${runId}-app`
const network = `fdc-${runId}`

beforeAll(async () => {
  expect((await cli.networkCreate(network, runId)).exitCode).toBe(0)
  const script = 'echo out-1; echo err-1 >&2; python3 -m http.server 8000 & echo out-2; wait'
  const res = await cli.runDetached({
    name,
    image: BASE_IMAGE,
    runId,
    publish: ['127.0.0.1::8000'],
    env: [],
    network,
    entrypoint: 'sh',
    command: ['-c', script],
  })
  expect(res.exitCode).toBe(0)
  // Until the server listens, /proc/net/tcp differs from one look to the next.
  for (let i = 0; i < 50; i++) {
    const tcp = await cli.execIn(name, ['cat', '/proc/net/tcp'])
    if (parseProcNetTcp(tcp.stdout).some((l) => l.port === 8000)) break
    await new Promise((r) => setTimeout(r, 100))
  }
})

afterAll(async () => {
  await removeRun(runId, api)
  expect(containersOfRun(runId)).toEqual([])
})

test('inspect, port, top and logs read the same through both', async () => {
  const [a, c] = await Promise.all([api.inspect(name), cli.inspect(name)])
  expect(a.exitCode).toBe(0)
  expect(parseContainerState(a.stdout)).toEqual(parseContainerState(c.stdout))
  const pid = parseContainerState(a.stdout).pid
  expect(parseHostPort((await api.port(name, 8000)).stdout)).toBe(
    parseHostPort((await cli.port(name, 8000)).stdout),
  )
  expect(parseHostPort((await api.port(name, 8000)).stdout)).toBeGreaterThan(0)
  const topA = parseTop((await api.top(name)).stdout, pid)
  expect(topA.length).toBeGreaterThanOrEqual(2)
  expect(topA).toEqual(parseTop((await cli.top(name)).stdout, pid))
  const [la, lc] = await Promise.all([api.logs(name), cli.logs(name, 5)])
  expect(parseTimestampedLogs(la.stdout, la.stderr)).toEqual(
    parseTimestampedLogs(lc.stdout, lc.stderr),
  )
  expect(parseTimestampedLogs(la.stdout, la.stderr).stderr).toContain('err-1')
})

test('exec gives the command its output streams and exit code', async () => {
  const argv = ['cat', '/proc/net/tcp']
  const [a, c] = await Promise.all([api.execIn(name, argv), cli.execIn(name, argv)])
  expect(a.exitCode).toBe(0)
  expect(parseProcNetTcp(a.stdout)).toEqual(parseProcNetTcp(c.stdout))
  const failing = await api.execIn(name, ['sh', '-c', 'echo to-out; echo to-err >&2; exit 3'])
  expect(failing).toMatchObject({ exitCode: 3, stdout: 'to-out\n', stderr: 'to-err\n' })
  const missing = await api.execIn(name, ['/no/such/binary'])
  expect(missing.exitCode).toBe((await cli.execIn(name, ['/no/such/binary'])).exitCode)
})

test('image inspect, history and network inspect read the same through both', async () => {
  const [a, c] = await Promise.all([api.imageInspect(BASE_IMAGE), cli.imageInspect(BASE_IMAGE)])
  expect(parseImageInspect(a.stdout).facts).toEqual(parseImageInspect(c.stdout).facts)
  const [ha, hc] = await Promise.all([api.history(BASE_IMAGE), cli.history(BASE_IMAGE)])
  expect(ha.stdout.trim().split('\n').length).toBeGreaterThan(0)
  expect(parseHistory(ha.stdout, ['PATH'])).toEqual(parseHistory(hc.stdout, ['PATH']))
  expect(await networkGateway(api, network)).toBe(await networkGateway(cli, network))
  expect((await api.psByLabel(`flask-deploy-check.run=${runId}`)).stdout).toBe(
    (await cli.psByLabel(`flask-deploy-check.run=${runId}`)).stdout,
  )
})

test('a missing container is refused in the CLI words', async () => {
  const a = await api.inspect(`${name}-missing`)
  expect(a.exitCode).toBe(1)
  expect(a.stderr).toMatch(/No such container/i)
  expect((await api.rm([`${name}-missing`])).stderr).toMatch(/No such container/i)
})

test('stop, then wait gives the exit code; a deadline is a timeout, not a hang', async () => {
  const waiting = api.wait(name, 30_000)
  const short = await api.wait(name, 200)
  expect(short).toMatchObject({ exitCode: 124, timedOut: true })
  expect((await api.stop(name, 1)).exitCode).toBe(0)
  const waited = await waiting
  expect(waited.exitCode).toBe(0)
  expect(waited.stdout.trim()).toBe(
    String(parseContainerState((await api.inspect(name)).stdout).exitCode),
  )
  // Stopping a stopped container succeeds, as `docker stop` does.
  expect((await api.stop(name, 1)).exitCode).toBe(0)
})
