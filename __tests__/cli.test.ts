/**
 * The CLI's own flags, without Docker: a bad value stops it with one line (exit 2), and
 * --dump-observations writes the observations with every secret of the run masked.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { cli, toRawInputs, writeObservations } from '../src/cli'
import { makeRedactor } from '../src/report/sanitize'
import { recorded } from './data/observations/load'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-cli-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

/** Runs the CLI in this process; its exit code and what it wrote to stderr. */
async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = ''
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk)
    return true
  })
  try {
    return { code: await cli(['--context', '__tests__/fixtures/good', ...args]), stderr }
  } finally {
    spy.mockRestore()
  }
}

describe('--dump-observations', () => {
  const missingDir = path.join(tmp, 'no-such-dir')
  test.each([
    [
      path.join(missingDir, 'obs.json'),
      `a file path in an existing directory (looked for ${missingDir})`,
    ],
    [tmp, `a file path (${tmp} is not a file)`],
    ['', 'a file path'],
  ])('refuses %j in one line before anything starts (exit 2)', async (value, accepted) => {
    const r = await run([`--dump-observations=${value}`])
    expect(r).toEqual({
      code: 2,
      stderr: `flask-deploy-check: option '--dump-observations' has invalid value '${value}': ${accepted}\n`,
    })
  })

  test('needs a value', async () => {
    const r = await run(['--dump-observations'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^flask-deploy-check: .*--dump-observations/)
  })
})

test('an input refused by the options is named as the CLI flag', async () => {
  expect(await run(['--fail-on', 'sometimes'])).toEqual({
    code: 2,
    stderr:
      "flask-deploy-check: option '--fail-on' has invalid value 'sometimes': 'error', 'warning' or 'never'\n",
  })
})

describe('writeObservations', () => {
  // The recording had the run's token redacted to ***: putting a token back gives what the run
  // held before redaction, and a key and an env value are planted where an app could print them.
  const token = '0f1e2d3c4b5a69788796a5b4c3d2e1f0'
  const secretKey = '5be1c0ffee5be1c0ffee5be1c0ffee5be1c0ffee5be1c0ffee5be1c0ffee0001'
  const envValue = 'postgres://app:pa55-w0rd-canary@db:5432/app'
  const good = recorded('good')
  // The proxy stage's own token (not a secret, so not redacted) names the missing page: put ***
  // there too, so the run token stands where the recording's redaction left it.
  const masked = JSON.stringify(good).replace(
    /flask-deploy-check-[0-9a-f]{32}-missing/g,
    'flask-deploy-check-***-missing',
  )
  const base = JSON.parse(masked) as typeof good
  const unredacted = JSON.parse(masked.split('***').join(token)) as typeof good
  if ('unavailable' in unredacted.logs) throw new Error('the good recording has logs')
  unredacted.logs.stdout.push(`config: SECRET_KEY=${secretKey} DATABASE_URL=${envValue}`)
  unredacted.logs.stderr.push(
    `{"db": ${JSON.stringify(envValue)}, "key": "${secretKey.slice(0, 20)}"}`,
  )
  const file = path.join(tmp, 'obs.json')
  writeObservations(file, unredacted, makeRedactor([token, secretKey, envValue]))
  const text = fs.readFileSync(file, 'utf8')

  test('the run tokens were really in the observations (the test can fail)', () => {
    expect(JSON.stringify(unredacted)).toContain(`/flask-deploy-check-${token}-missing`)
  })

  test('no token, key or env value is in the file, whole or cut', () => {
    const found = [token, secretKey, envValue, secretKey.slice(0, 20), 'pa55-w0rd-canary'].filter(
      (s) => text.includes(s),
    )
    expect(found).toEqual([])
  })

  test('the file is the observations as pretty JSON, each secret ***', () => {
    expect(text.endsWith('}\n')).toBe(true)
    const back = JSON.parse(text) as typeof base
    expect(back.http).toEqual(base.http)
    if ('unavailable' in back.logs) throw new Error('logs lost')
    expect(back.logs.stdout.at(-1)).toBe('config: SECRET_KEY=*** DATABASE_URL=***')
    expect(back.logs.stderr.at(-1)).toBe('{"db": "***", "key": "***"}')
  })
})

test('repeated flags become one input line each, --env read once', () => {
  expect(
    toRawInputs({
      env: ['A=1', 'B=2'],
      route: ['/docs'],
      routes: ['/'],
      'build-arg': ['BASE=x'],
      'skip-check': ['tls.hsts'],
      port: '8000',
    }),
  ).toEqual({
    env: 'A=1\nB=2',
    routes: '/\n/docs',
    'build-args': 'BASE=x',
    'skip-checks': 'tls.hsts',
    port: '8000',
  })
})
