/**
 * UwsgiProbe against real uWSGI (Debian's uwsgi with its python3 plugin, in the base image):
 * `socket = :8080` speaks the binary uwsgi protocol, which HTTP cannot talk to.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import * as path from 'node:path'
import { UWSGI_GOT_HTTP } from '../../src/probe/app-probe'
import { HttpProbe } from '../../src/probe/http'
import { UwsgiProbe } from '../../src/probe/uwsgi'

const BASE = process.env.FDC_BASE_IMAGE ?? 'flask-deploy-check/python:bookworm'
const name = `fdc-uwsgi-probe-${process.pid}`
let port = 0

beforeAll(async () => {
  const dir = path.join(__dirname, '..', 'data', 'uwsgi')
  execFileSync('docker', [
    'run',
    '-d',
    '--rm',
    '--name',
    name,
    '-p',
    '127.0.0.1::8080',
    '-v',
    `${dir}:/app:ro`,
    '-w',
    '/app',
    BASE,
    'uwsgi',
    '--plugin',
    'python3',
    '--socket',
    ':8080',
    '--module',
    'app:app',
    '--need-app',
  ])
  port = Number(/:(\d+)\s*$/.exec(execFileSync('docker', ['port', name, '8080']).toString())?.[1])
  const probe = new UwsgiProbe({ via: 'app', host: '127.0.0.1', port })
  for (let i = 0; i < 100; i++) {
    const x = await probe.exchange({ purpose: 'boot', path: '/hello', timeoutMs: 1000 })
    if (x.response) return
    await new Promise((r) => setTimeout(r, 100))
  }
}, 30_000)

afterAll(() => {
  execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' })
})

test('a request in the uwsgi protocol gets the raw HTTP response: status, headers, body', async () => {
  const probe = new UwsgiProbe({ via: 'app', host: '127.0.0.1', port, hostHeader: 'example.com' })
  const x = await probe.exchange({
    purpose: 'route',
    path: '/hello?q=1',
    headers: { 'x-test': 'yes' },
  })
  expect(x.error).toBeUndefined()
  expect(x.response).toMatchObject({ status: 200, body: 'hi example.com q=1 x=yes' })
  expect(x.response?.headers['x-app']).toEqual(['1'])
  const missing = await probe.exchange({ purpose: 'not-found', path: '/missing' })
  expect(missing.response?.status).toBe(404)
})

test('HTTP sent to the uwsgi socket gets no HTTP answer, and uWSGI logs the block size', async () => {
  const http = new HttpProbe({ via: 'app', host: '127.0.0.1', port })
  const x = await http.exchange({ purpose: 'boot', path: '/hello', timeoutMs: 2000 })
  await http.close()
  expect(x.response).toBeUndefined()
  await new Promise((r) => setTimeout(r, 300))
  const logs = spawnSync('docker', ['logs', name], { encoding: 'utf8' })
  expect(`${logs.stdout}${logs.stderr}`).toMatch(UWSGI_GOT_HTTP)
})
