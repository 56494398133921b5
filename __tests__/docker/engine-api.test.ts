/** The engine client's pure parts: which socket it talks to, and the multiplexed stream. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { demux, engineSocket } from '../../src/docker/engine-api'

function frame(kind: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text)
  const header = Buffer.alloc(8)
  header[0] = kind
  header.writeUInt32BE(payload.length, 4)
  return Buffer.concat([header, payload])
}

describe('demux', () => {
  test('splits frames by stream, in order within each', () => {
    const buf = Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n')])
    const { stdout, stderr } = demux(buf)
    expect(stdout.toString()).toBe('out 1\nout 2\n')
    expect(stderr.toString()).toBe('err 1\n')
  })

  test('a frame cut by the body cap keeps what arrived', () => {
    const buf = Buffer.concat([frame(2, 'whole\n'), frame(1, 'cut here')]).subarray(0, 14 + 8 + 3)
    const { stdout, stderr } = demux(buf)
    expect(stderr.toString()).toBe('whole\n')
    expect(stdout.toString()).toBe('cut')
  })

  test('output without frame headers (a TTY) is all stdout', () => {
    const { stdout, stderr } = demux(Buffer.from('plain text from a tty\n'))
    expect(stdout.toString()).toBe('plain text from a tty\n')
    expect(stderr.length).toBe(0)
  })
})

describe('engineSocket', () => {
  const noConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-docker-config-'))
  afterAll(() => fs.rmSync(noConfig, { recursive: true, force: true }))

  test('DOCKER_HOST naming a unix socket is used as is', () => {
    expect(engineSocket({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toBe(
      '/run/user/1000/docker.sock',
    )
  })

  test('DOCKER_HOST over TCP or SSH leaves everything to the CLI', () => {
    expect(engineSocket({ DOCKER_HOST: 'tcp://10.0.0.5:2376' })).toBeUndefined()
    expect(engineSocket({ DOCKER_HOST: 'ssh://builder' })).toBeUndefined()
  })

  test('a selected non-default context leaves everything to the CLI', () => {
    expect(engineSocket({ DOCKER_CONTEXT: 'desktop-linux', DOCKER_CONFIG: noConfig })).toBe(
      undefined,
    )
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-docker-config-'))
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ currentContext: 'remote' }))
    expect(engineSocket({ DOCKER_CONFIG: dir })).toBeUndefined()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  test('FDC_DOCKER_API=0 turns the API off', () => {
    expect(engineSocket({ FDC_DOCKER_API: '0', DOCKER_HOST: 'unix:///x.sock' })).toBeUndefined()
  })

  test('otherwise the default socket, when it exists', () => {
    const expected = fs.existsSync('/var/run/docker.sock') ? '/var/run/docker.sock' : undefined
    expect(engineSocket({ DOCKER_CONFIG: noConfig })).toBe(expected)
  })
})
