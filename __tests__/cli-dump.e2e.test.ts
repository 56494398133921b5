/**
 * End to end: `--dump-observations` on a real run of the good fixture. The secrets of the run are
 * read where the engine holds them (the app container's environment: the injected SECRET_KEY, the
 * probe token, the `--env` value) while the CLI runs; none may be in the file it writes.
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Observations } from '../src/facts/types'
import { PARTS } from './data/observations/load'
import { BASE_IMAGE, LABEL, proxyImageForTests, runCli } from './e2e/run-action'

const RUN_MS = 4 * 60_000
const ENV_VALUE = 'postgres://app:dump-canary-pw@db:5432/app'

/** NAME=value of every container of the tool running now. */
function containerEnv(): string[] {
  const ids = spawnSync('docker', ['ps', '-q', '--filter', `label=${LABEL}`], { encoding: 'utf8' })
  return ids.stdout
    .split('\n')
    .filter(Boolean)
    .flatMap((id) => {
      const r = spawnSync('docker', ['inspect', '--format', '{{json .Config.Env}}', id], {
        encoding: 'utf8',
      })
      return r.status === 0 ? ((JSON.parse(r.stdout) as string[] | null) ?? []) : []
    })
}

describe('--dump-observations on the good fixture', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-dump-'))
  const file = path.join(dir, 'obs.json')
  const seen = new Map<string, string>()
  let exitCode: number | null = null
  let stdout = ''

  beforeAll(async () => {
    const watch = setInterval(() => {
      for (const pair of containerEnv()) {
        const eq = pair.indexOf('=')
        const name = pair.slice(0, eq)
        if (['SECRET_KEY', 'FDC_PROBE_TOKEN', 'DATABASE_URL'].includes(name))
          seen.set(name, pair.slice(eq + 1))
      }
    }, 150)
    try {
      const r = await runCli([
        '--context',
        '__tests__/fixtures/good',
        '--build-arg',
        `BASE=${BASE_IMAGE}`,
        '--proxy-image',
        proxyImageForTests(),
        '--env',
        `DATABASE_URL=${ENV_VALUE}`,
        '--report-path',
        path.join(dir, 'report.json'),
        '--dump-observations',
        file,
      ])
      exitCode = r.exitCode
      stdout = r.stdout
    } finally {
      clearInterval(watch)
    }
  }, RUN_MS)
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  test('passes and says where the observations are', () => {
    expect(exitCode).toBe(0)
    expect(stdout).toContain(`observations: ${file}`)
  })

  test('writes every part of the observations', () => {
    const obs = JSON.parse(fs.readFileSync(file, 'utf8')) as Observations
    expect(Object.keys(obs).sort()).toEqual([...PARTS].sort())
    expect(obs.run).toMatchObject({ secretInjected: true, envNames: ['DATABASE_URL'] })
  })

  test('holds none of the secrets the app container was given', () => {
    // The values must have been caught, or this test proves nothing.
    expect([...seen.keys()].sort()).toEqual(['DATABASE_URL', 'FDC_PROBE_TOKEN', 'SECRET_KEY'])
    expect(seen.get('DATABASE_URL')).toBe(ENV_VALUE)
    const text = fs.readFileSync(file, 'utf8')
    const leaked = [...seen].filter(([, v]) => text.includes(v)).map(([k]) => k)
    expect(leaked).toEqual([])
  })
})
