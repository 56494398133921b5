import type { ImageFacts, Observations } from '../../src/facts/types'
import { check, part, recorded, withDockerfile, withPart, withProcesses } from './observations'

const good = recorded('good')
const shellForm = recorded('shell-form')

/** The good recording's image facts with more variables (no recording bakes these). */
function withImageVars(vars: Pick<ImageFacts, 'env' | 'historyVars'>): Observations {
  const image = part(good, 'image')
  return withPart(good, 'image', {
    ...image,
    env: [...image.env, ...vars.env],
    historyVars: [...image.historyVars, ...vars.historyVars],
  })
}

/** A recording without its process table. */
const noTable = (obs: Observations): Observations =>
  withPart(obs, 'processes', { unavailable: 'docker top failed' })

describe('image.no-baked-secrets', () => {
  test('the recorded good image passes', () => {
    expect(check('image.no-baked-secrets', good).status).toBe('passed')
  })

  test('ENV SECRET_KEY in the image fails at its Dockerfile line, naming the variable, never the value', () => {
    const r = check('image.no-baked-secrets', recorded('baked-secret'))
    expect(r.status).toBe('failed')
    expect(r.summary).toBe('secret baked into the image: SECRET_KEY (values not shown)')
    expect(r.location).toEqual({ file: '__tests__/fixtures/baked-secret/Dockerfile', line: 6 })
    expect(r.evidence?.[0]).toBe(
      'SECRET_KEY: a 32-character value in the image config (ENV) and the build history (docker history) (Dockerfile line 6)',
    )
    expect(r.fix).toMatch(/pass them at run time/)
  })

  test('a URL with a password under any name, and build args in the history, are found', () => {
    const vars = withImageVars({
      env: [
        { name: 'DATABASE_URL', valueLength: 34, urlWithCredentials: true },
        { name: 'GPG_KEY', valueLength: 40, urlWithCredentials: false }, // python images: not a secret
      ],
      historyVars: [{ name: 'PIP_TOKEN', valueLength: 7, urlWithCredentials: false }],
    })
    const obs = withDockerfile(
      vars,
      'FROM python:3.12-slim\nARG PIP_TOKEN\nRUN pip install --no-cache-dir -r requirements.txt\n',
    )
    const r = check('image.no-baked-secrets', obs)
    expect(r.summary).toBe(
      'secrets baked into the image: DATABASE_URL, PIP_TOKEN (values not shown)',
    )
    expect(r.evidence).toContain('DATABASE_URL: a URL with a password in the image config (ENV)')
    expect(r.evidence).toContain(
      'PIP_TOKEN: a 7-character value in the build history (docker history) (Dockerfile line 2)',
    )
  })

  test('an ARG default in the Dockerfile counts even when the image does not show it', () => {
    const obs = withDockerfile(
      good,
      'ARG API_KEY=abc123\nFROM python:3.12-slim\nARG API_KEY\nARG VERSION=1\n',
    )
    const r = check('image.no-baked-secrets', obs)
    expect(r).toMatchObject({ status: 'failed', location: { line: 3 } })
    expect(r.summary).toMatch(/API_KEY/)
    expect(r.summary).not.toMatch(/VERSION/)
  })

  test('ENV SECRET_KEY=$SECRET_KEY that the image holds empty is not a finding', () => {
    const vars = withImageVars({
      env: [{ name: 'SECRET_KEY', valueLength: 0, urlWithCredentials: false }],
      historyVars: [],
    })
    const obs = withDockerfile(
      vars,
      'FROM python:3.12-slim\nARG SECRET_KEY\nENV SECRET_KEY=$SECRET_KEY\n',
    )
    expect(check('image.no-baked-secrets', obs).status).toBe('passed')
  })
})

describe('image.non-root', () => {
  test('processes running as uid 10001 pass', () => {
    const r = check('image.non-root', good)
    expect(r).toMatchObject({ status: 'passed', summary: 'Gunicorn runs as uid 10001, not root' })
  })

  test('Gunicorn as uid 0 fails with the USER fix', () => {
    const r = check('image.non-root', recorded('root-user'))
    expect(r.status).toBe('failed')
    expect(r.summary).toBe('Gunicorn runs as root (uid 0)')
    expect(r.evidence).toEqual([
      'image user: (none, so root)',
      'uid 0: /usr/bin/python3 /usr/bin/gunicorn -w 2 -b 0.0.0.0:8000 --access-logfile - app:create_app() (PID 1)',
      '2 workers: uid 0',
    ])
    expect(r.fix).toMatch(/USER app/)
    expect(r.location).toEqual({ file: '__tests__/fixtures/root-user/Dockerfile' })
  })

  test('the process table wins over the image user: a root master with dropped workers still fails', () => {
    // The good recording's table as Gunicorn -u nobody runs it: master root, workers 65534.
    const obs = withProcesses(good, (_, i) => ({
      uid: i === 0 ? 0 : 65534,
      args: '/usr/bin/python3 /usr/bin/gunicorn -w 2 -u nobody app:app',
    }))
    const r = check('image.non-root', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'Gunicorn runs as root: 1 of its 3 processes have uid 0',
    })
  })

  test('without a process table the image user decides, and USER root is the location', () => {
    // The root-user recording written with an explicit USER root (the fixture has no USER).
    const root = noTable(recorded('root-user'))
    const explicit = withPart(root, 'image', { ...part(root, 'image'), user: 'root' })
    const obs = withDockerfile(
      explicit,
      'FROM python:3.12-slim\nUSER root\nCMD ["gunicorn", "app:app"]\n',
    )
    const r = check('image.non-root', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'the image runs as root: USER root',
      location: { line: 2 },
    })
    expect(check('image.non-root', noTable(good)).summary).toBe(
      'the image runs as user app (process table not available)',
    )
  })
})

describe('image.exec-form', () => {
  test('Gunicorn as PID 1 passes', () => {
    const r = check('image.exec-form', good)
    expect(r).toMatchObject({
      status: 'passed',
      summary: "PID 1 is Gunicorn itself, so docker stop's SIGTERM reaches it",
    })
  })

  test('a shell-form CMD under dash fails at the CMD line with the JSON form to use, confirmed by the kill', () => {
    const r = check('image.exec-form', shellForm)
    expect(r.status).toBe('failed')
    expect(r.summary).toMatch(
      /^PID 1 is `\/bin\/sh -c gunicorn .*`; Gunicorn runs as its child and never receives SIGTERM$/,
    )
    expect(r.location).toEqual({ file: '__tests__/fixtures/shell-form/Dockerfile', line: 11 })
    expect(r.fix).toBe(
      'use the JSON (exec) form: CMD ["gunicorn", "-w", "2", "-b", "0.0.0.0:8000", "--access-logfile", "-", "app:create_app()"]',
    )
    expect(r.evidence).toContain('docker stop waited 10 s, then killed the container (exit 137)')
  })

  test('an entry script that does not exec the server fails with the exec advice', () => {
    // The shell-form recording's table (a shell PID 1, Gunicorn its child) as an entry script.
    const script = withProcesses(shellForm, (_, i) =>
      i === 0 ? { args: '/bin/sh /app/entrypoint.sh' } : {},
    )
    const obs = withDockerfile(script, 'FROM python:3.12-slim\nENTRYPOINT ["/app/entrypoint.sh"]\n')
    const r = check('image.exec-form', obs)
    expect(r).toMatchObject({ status: 'failed', location: { line: 2 } })
    expect(r.fix).toMatch(/^end the entry script with `exec gunicorn/)
  })

  test('tini as PID 1 forwards the signal and passes', () => {
    // The good recording's table under tini: PID 1 tini as root, Gunicorn its child.
    const obs = withProcesses(
      good,
      (_, i) =>
        i === 0
          ? { uid: 0, args: '/usr/bin/tini -- gunicorn app:app' }
          : { args: 'gunicorn app:app' },
      2,
    )
    expect(check('image.exec-form', obs).summary).toBe(
      'PID 1 is an init (/usr/bin/tini -- gunicorn app:app) that forwards SIGTERM to Gunicorn',
    )
  })

  test('a shell that execs the server (bash, ash) passes, with a note on the shell form', () => {
    // The shell-form recording with the good recording's table: Gunicorn itself as PID 1.
    const obs = withPart(shellForm, 'processes', part(good, 'processes'))
    const r = check('image.exec-form', obs)
    expect(r.status).toBe('passed')
    expect(r.summary).toMatch(
      /shell-form CMD on line 11 works only because this image's \/bin\/sh execs it/,
    )
  })

  test('without a process table the shell-form CMD line decides', () => {
    const obs = withPart(noTable(shellForm), 'shutdown', { unavailable: 'not stopped' })
    const r = check('image.exec-form', obs)
    expect(r).toMatchObject({ status: 'failed', location: { line: 11 } })
    expect(r.summary).toMatch(/^CMD on line 11 is in shell form/)
  })

  test('a shell-form CMD handed to a JSON ENTRYPOINT is blamed too', () => {
    const obs = withDockerfile(
      noTable(good),
      'FROM python:3.12-slim\nENTRYPOINT ["/entrypoint.sh"]\nCMD gunicorn -b 0.0.0.0:8000 app:app\n',
    )
    const r = check('image.exec-form', obs)
    expect(r).toMatchObject({ status: 'failed', location: { line: 3 } })
    expect(r.fix).toBe(
      'use the JSON (exec) form: CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]',
    )
  })

  test('with a command override the Dockerfile line is not blamed', () => {
    const obs = withPart(shellForm, 'run', {
      ...shellForm.run,
      commandOverride: ['sh', '-c', 'gunicorn -b 0.0.0.0:8000 app:app'],
    })
    const r = check('image.exec-form', obs)
    expect(r.status).toBe('failed')
    expect(r.location).toBeUndefined()
    expect(r.fix).toMatch(/`command` input/)
    expect(r.evidence).toContain('command input: sh -c gunicorn -b 0.0.0.0:8000 app:app')
  })
})
