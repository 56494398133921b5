import {
  check,
  gunicornTable,
  processTable,
  recorded,
  variant,
  withDockerfile,
} from './observations'

describe('image.no-baked-secrets', () => {
  test('the recorded good image passes', () => {
    expect(check('image.no-baked-secrets', recorded('good')).status).toBe('passed')
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
    const obs = variant('good', (o) => {
      if ('unavailable' in o.image) throw new Error('recorded image missing')
      o.image.env.push({ name: 'DATABASE_URL', valueLength: 34, urlWithCredentials: true })
      o.image.env.push({ name: 'GPG_KEY', valueLength: 40, urlWithCredentials: false }) // python images: not a secret
      o.image.historyVars.push({ name: 'PIP_TOKEN', valueLength: 7, urlWithCredentials: false })
    })
    withDockerfile(
      obs,
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
      recorded('good'),
      'ARG API_KEY=abc123\nFROM python:3.12-slim\nARG API_KEY\nARG VERSION=1\n',
    )
    const r = check('image.no-baked-secrets', obs)
    expect(r).toMatchObject({ status: 'failed', location: { line: 3 } })
    expect(r.summary).toMatch(/API_KEY/)
    expect(r.summary).not.toMatch(/VERSION/)
  })

  test('ENV SECRET_KEY=$SECRET_KEY that the image holds empty is not a finding', () => {
    const obs = variant('good', (o) => {
      if ('unavailable' in o.image) throw new Error('recorded image missing')
      o.image.env.push({ name: 'SECRET_KEY', valueLength: 0, urlWithCredentials: false })
    })
    withDockerfile(obs, 'FROM python:3.12-slim\nARG SECRET_KEY\nENV SECRET_KEY=$SECRET_KEY\n')
    expect(check('image.no-baked-secrets', obs).status).toBe('passed')
  })
})

describe('image.non-root', () => {
  test('processes running as uid 10001 pass', () => {
    const r = check('image.non-root', recorded('good'))
    expect(r).toMatchObject({ status: 'passed', summary: 'Gunicorn runs as uid 10001, not root' })
  })

  test('Gunicorn as uid 0 fails with the USER fix', () => {
    const r = check('image.non-root', recorded('root'))
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
    const obs = variant('good', (o) => {
      o.processes = gunicornTable('-w 2 -u nobody app:app', 2, 65534)
      o.processes[0].uid = 0
    })
    const r = check('image.non-root', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'Gunicorn runs as root: 1 of its 3 processes have uid 0',
    })
  })

  test('without a process table the image user decides, and USER root is the location', () => {
    const obs = variant('root', (o) => {
      o.processes = { unavailable: 'docker top failed' }
    })
    withDockerfile(obs, 'FROM python:3.12-slim\nUSER root\nCMD ["gunicorn", "app:app"]\n')
    if (!('unavailable' in obs.image)) obs.image.user = 'root'
    const r = check('image.non-root', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'the image runs as root: USER root',
      location: { line: 2 },
    })
    const named = variant('good', (o) => {
      o.processes = { unavailable: 'docker top failed' }
    })
    expect(check('image.non-root', named).summary).toBe(
      'the image runs as user app (process table not available)',
    )
  })
})

describe('image.exec-form', () => {
  test('Gunicorn as PID 1 passes', () => {
    const r = check('image.exec-form', recorded('good'))
    expect(r).toMatchObject({
      status: 'passed',
      summary: "PID 1 is Gunicorn itself, so docker stop's SIGTERM reaches it",
    })
  })

  test('a shell-form CMD under dash fails at the CMD line with the JSON form to use, confirmed by the kill', () => {
    const r = check('image.exec-form', recorded('shell-form'))
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
    const obs = variant('good', (o) => {
      o.processes = processTable(
        [100, 90, 10001, '/bin/sh /app/entrypoint.sh'],
        [120, 100, 10001, '/usr/bin/python3 /usr/bin/gunicorn -w 2 -b 0.0.0.0:8000 app:app'],
        [121, 120, 10001, '/usr/bin/python3 /usr/bin/gunicorn -w 2 -b 0.0.0.0:8000 app:app'],
      )
    })
    withDockerfile(obs, 'FROM python:3.12-slim\nENTRYPOINT ["/app/entrypoint.sh"]\n')
    const r = check('image.exec-form', obs)
    expect(r).toMatchObject({ status: 'failed', location: { line: 2 } })
    expect(r.fix).toMatch(/^end the entry script with `exec gunicorn/)
  })

  test('tini as PID 1 forwards the signal and passes', () => {
    const obs = variant('good', (o) => {
      o.processes = processTable(
        [1, 0, 0, '/usr/bin/tini -- gunicorn app:app'],
        [7, 1, 10001, 'gunicorn app:app'],
      )
    })
    expect(check('image.exec-form', obs).summary).toBe(
      'PID 1 is an init (/usr/bin/tini -- gunicorn app:app) that forwards SIGTERM to Gunicorn',
    )
  })

  test('a shell that execs the server (bash, ash) passes, with a note on the shell form', () => {
    const obs = variant('shell-form', (o) => {
      o.processes = gunicornTable('-w 2 -b 0.0.0.0:8000 app:app', 2)
    })
    const r = check('image.exec-form', obs)
    expect(r.status).toBe('passed')
    expect(r.summary).toMatch(
      /shell-form CMD on line 11 works only because this image's \/bin\/sh execs it/,
    )
  })

  test('without a process table the shell-form CMD line decides', () => {
    const obs = variant('shell-form', (o) => {
      o.processes = { unavailable: 'docker top failed' }
      o.shutdown = { unavailable: 'not stopped' }
    })
    const r = check('image.exec-form', obs)
    expect(r).toMatchObject({ status: 'failed', location: { line: 11 } })
    expect(r.summary).toMatch(/^CMD on line 11 is in shell form/)
  })

  test('a shell-form CMD handed to a JSON ENTRYPOINT is blamed too', () => {
    const obs = variant('good', (o) => {
      o.processes = { unavailable: 'docker top failed' }
    })
    withDockerfile(
      obs,
      'FROM python:3.12-slim\nENTRYPOINT ["/entrypoint.sh"]\nCMD gunicorn -b 0.0.0.0:8000 app:app\n',
    )
    const r = check('image.exec-form', obs)
    expect(r).toMatchObject({ status: 'failed', location: { line: 3 } })
    expect(r.fix).toBe(
      'use the JSON (exec) form: CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]',
    )
  })

  test('with a command override the Dockerfile line is not blamed', () => {
    const obs = variant('shell-form', (o) => {
      o.run.commandOverride = ['sh', '-c', 'gunicorn -b 0.0.0.0:8000 app:app']
    })
    const r = check('image.exec-form', obs)
    expect(r.status).toBe('failed')
    expect(r.location).toBeUndefined()
    expect(r.fix).toMatch(/`command` input/)
    expect(r.evidence).toContain('command input: sh -c gunicorn -b 0.0.0.0:8000 app:app')
  })
})
