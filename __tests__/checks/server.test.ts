import type { BootFacts, Observations } from '../../src/facts/types'
import {
  answered,
  check,
  exchange,
  part,
  recorded,
  result,
  withPart,
  withProcesses,
} from './observations'

const good = recorded('good')
const devServer = recorded('dev-server')
const loopback = recorded('loopback-bind')
const WAITRESS = '/usr/local/bin/python /usr/local/bin/waitress-serve --port=8000 app:app'

/** A recording with its boot facts changed. */
const withBoot = (obs: Observations, change: Partial<BootFacts>): Observations =>
  withPart(obs, 'boot', { ...part(obs, 'boot'), ...change })

/** A recording's process table with one command line on every row (`count` rows). */
const running = (obs: Observations, args: string, count?: number): Observations =>
  withProcesses(obs, () => ({ args }), count)

/** A recording with only its app-port health request, answered with these headers. */
const healthOnly = (obs: Observations, headers: Record<string, string[]>): Observations =>
  withPart(obs, 'http', [answered(exchange(obs, 'app', 'health'), { headers })])

describe('boot.ready', () => {
  test('an answer on the app port passes with the time it took', () => {
    const r = check('boot.ready', good)
    expect(r).toMatchObject({
      status: 'passed',
      summary: expect.stringMatching(/^answered HTTP 200 on port 8000 after \d+\.\d s$/),
    })
  })

  test('a container that exits reports its code, time and the first error of the log', () => {
    const r = check('boot.ready', recorded('crash-on-boot'))
    expect(r.status).toBe('failed')
    expect(r.summary).toMatch(
      /^container exited with code 3 after \d+\.\d s: ModuleNotFoundError: No module named 'flask_sqlalchemy'$/,
    )
    expect(r.evidence?.[0]).toBe(
      "first error: ModuleNotFoundError: No module named 'flask_sqlalchemy'",
    )
    // The whole tail the user needs to see, up to 40 lines of it.
    expect(r.evidence?.[1]).toBe('last lines of the container log:')
    expect(r.evidence?.length).toBeLessThanOrEqual(42)
    expect(r.evidence?.slice(2)).toEqual(
      (recorded('crash-on-boot').boot as BootFacts).logTail
        .filter((l) => l.trim() !== '')
        .slice(-40)
        .map((l) => expect.stringContaining(l.trim().slice(0, 60))),
    )
    expect(r.fix).toBe(
      'install flask_sqlalchemy in the image (add it to the requirements) or fix the import',
    )
  })

  test('exit 127 (command not found) says the server is not installed', () => {
    // The crash-on-boot recording as a missing server ends it (no recording lacks the server).
    const crashed = recorded('crash-on-boot')
    const line = '/bin/sh: 1: gunicorn: not found'
    const obs = withPart(
      withBoot(crashed, { exited: { exitCode: 127, afterMs: 80 }, logTail: [line] }),
      'logs',
      { stdout: [], stderr: [line], truncated: false },
    )
    expect(check('boot.ready', obs).fix).toMatch(/^the command is not installed in the image/)
  })

  test("Gunicorn's default loopback bind is named as the cause, with the -b fix at the CMD line", () => {
    const r = check('boot.ready', loopback)
    expect(r.status).toBe('failed')
    expect(r.summary).toBe(
      'the server listens on 127.0.0.1:8000 inside the container; bind 0.0.0.0',
    )
    expect(r.fix).toBe(
      "bind all interfaces: gunicorn -b 0.0.0.0:8000 (Gunicorn's default bind is 127.0.0.1:8000)",
    )
    expect(r.location).toEqual({ file: '__tests__/fixtures/loopback-bind/Dockerfile', line: 11 })
  })

  test('IPv6 loopback is loopback too', () => {
    // The loopback-bind recording with the IPv6 loopback instead (this engine has no IPv6).
    const obs = withBoot(loopback, { listening: [{ address: '::1', port: 8000 }] })
    expect(check('boot.ready', obs).summary).toBe(
      'the server listens on [::1]:8000 inside the container; bind 0.0.0.0',
    )
  })

  test('a server on another port is named, and a plain timeout says how long it waited', () => {
    // The loopback-bind recording's boot as a server on another port, then as a silent one.
    const other = withBoot(loopback, { listening: [{ address: '0.0.0.0', port: 5000 }] })
    expect(check('boot.ready', other).summary).toBe(
      'nothing listens on port 8000; the container listens on 0.0.0.0:5000',
    )
    const silent = withPart(
      withBoot(loopback, { listening: [], timedOut: true, ms: 60_000 }),
      'run',
      { ...loopback.run, bootTimeoutS: 60 },
    )
    const r = check('boot.ready', silent)
    expect(r.summary).toBe('no HTTP response on port 8000 within 60 s')
    expect(r.evidence?.[0]).toBe('waited 60.0 s for an HTTP response on port 8000')
  })
})

describe('server.production-wsgi', () => {
  test('Gunicorn passes, with PID 1 and the Server header as evidence', () => {
    const r = check('server.production-wsgi', good)
    expect(r).toMatchObject({ status: 'passed', summary: 'HTTP is served by Gunicorn' })
    expect(r.evidence).toContain('Server: gunicorn (app port)')
  })

  test('app.run() is recognised by its Server header and fails at the CMD line', () => {
    const r = check('server.production-wsgi', devServer)
    expect(r.status).toBe('failed')
    expect(r.summary).toBe('HTTP is served by the Werkzeug development server')
    expect(r.evidence).toEqual([
      'PID 1: python serve.py',
      'Server: Werkzeug/2.2.2 Python/3.11.2 (app port)',
      'line 11: CMD ["python", "serve.py"]',
    ])
    expect(r.fix).toMatch(/^serve the app with Gunicorn: CMD \["gunicorn"/)
    expect(r.location).toEqual({ file: '__tests__/fixtures/dev-server/Dockerfile', line: 11 })
  })

  test('flask run is recognised from the process table alone', () => {
    // The dev-server recording as flask run, without its Server headers.
    const flaskRun = running(
      devServer,
      '/usr/local/bin/python /usr/local/bin/flask run --host=0.0.0.0',
    )
    const obs = withPart(flaskRun, 'http', [])
    expect(check('server.production-wsgi', obs).summary).toBe(
      'HTTP is served by the Werkzeug development server (flask run)',
    )
  })

  test('Waitress and uWSGI pass; an unrecognised server is skipped, not failed', () => {
    // No recording runs Waitress or uWSGI: the dev-server and good recordings as they would.
    const waitress = healthOnly(running(devServer, WAITRESS), { server: ['waitress'] })
    expect(check('server.production-wsgi', waitress).summary).toBe('HTTP is served by Waitress')
    const uwsgi = healthOnly(
      running(good, 'uwsgi --http 0.0.0.0:8000 --master -p 4 -w app:app', 1),
      {},
    )
    expect(check('server.production-wsgi', uwsgi).summary).toBe('HTTP is served by uWSGI')
    const unknown = healthOnly(devServer, {})
    expect(check('server.production-wsgi', unknown).status).toBe('skipped')
    expect(result('server.production-wsgi', unknown).skip_reason).toBe('blocked')
  })
})

describe('server.workers', () => {
  /**
   * The good recording's table (one master, then workers) as `gunicorn <args>` with `count`
   * workers. Its boot log says "Using worker: sync"; these variations start differently.
   */
  const gunicorn = (
    args: string,
    count: number,
    edit?: (o: Observations) => Observations,
  ): Observations => {
    const table = running(good, `/usr/bin/python3 /usr/bin/gunicorn ${args}`, count + 1)
    const noBootLog = withPart(withBoot(table, { logTail: [] }), 'logs', {
      ...part(good, 'logs'),
      stderr: [],
    })
    return edit ? edit(noBootLog) : noBootLog
  }
  const workers = (
    args: string,
    count: number,
    edit?: (o: Observations) => Observations,
  ): ReturnType<typeof check> => check('server.workers', gunicorn(args, count, edit))

  test('the development server has no workers to count: blocked behind server.production-wsgi', () => {
    const dev = devServer
    expect(result('server.production-wsgi', dev).status).toBe('failed')
    expect(result('server.workers', dev)).toMatchObject({
      status: 'skipped',
      summary: 'no production WSGI server to count workers for (see server.production-wsgi)',
      skip_reason: 'blocked',
      blocked_by: 'server.production-wsgi',
    })
  })

  test('two counted Gunicorn workers pass, with threads, class and the 2 x cores + 1 guide', () => {
    const r = check('server.workers', good)
    expect(r.summary).toBe('2 Gunicorn workers (sync, 1 thread each); guide for 2 CPUs: 5')
    expect(r.evidence).toEqual([
      'workers: 2 (counted 2 worker processes; -w 2)',
      'threads per worker: 1',
      'worker class: sync',
      'guide: 2 x 2 CPUs + 1 = 5 workers',
    ])
  })

  test('one sync worker fails at the CMD line with the guide in the fix', () => {
    const r = workers('-b 0.0.0.0:8000 app:app', 1)
    expect(r.status).toBe('failed')
    expect(r.summary).toBe(
      '1 Gunicorn worker (sync, 1 thread each): one slow request blocks every other',
    )
    expect(r.fix).toBe(
      'run more workers: gunicorn -w 5 (2 x cores + 1), or add threads with --threads 4',
    )
    expect(r.location).toEqual({ file: '__tests__/fixtures/good/Dockerfile', line: 10 })
  })

  test.each([
    ['--workers=3', 1, '3 Gunicorn workers (sync, 1 thread each)'],
    ['-w3', 3, '3 Gunicorn workers (sync, 1 thread each)'],
    ['-w 1 --threads 4', 1, '1 Gunicorn worker (gthread, 4 threads each)'],
    ['-w 1 -k gevent', 1, '1 Gunicorn worker (gevent, 1 thread each)'],
    ['--worker-class=eventlet', 1, '1 Gunicorn worker (eventlet, 1 thread each)'],
  ])('%s passes', (args, count, summary) => {
    const r = workers(`${args} app:app`, count)
    expect(r.status).toBe('passed')
    expect(r.summary).toMatch(new RegExp(`^${summary.replace(/[()]/g, '\\$&')}`))
  })

  test('workers set through GUNICORN_CMD_ARGS are counted in the process table', () => {
    const r = workers('app:app', 4)
    expect(r).toMatchObject({ status: 'passed' })
    expect(r.evidence?.[0]).toBe('workers: 4 (counted 4 worker processes)')
  })

  test('the worker class from the boot log counts when the arguments do not show it', () => {
    const r = workers('-c gunicorn.conf.py app:app', 1, (o) =>
      withPart(o, 'logs', {
        ...part(o, 'logs'),
        stderr: ['[2026-11-24 16:26:40 +0000] [1] [INFO] Using worker: gthread'],
      }),
    )
    expect(r.status).toBe('passed')
  })

  test('uWSGI processes and Waitress threads', () => {
    // The good recording's table as uWSGI (a master and one worker) and as Waitress.
    const uwsgi = check(
      'server.workers',
      running(good, 'uwsgi --http :8000 --master --processes 1 -w app:app', 2),
    )
    expect(uwsgi).toMatchObject({
      status: 'failed',
      summary: '1 uWSGI worker (prefork, 1 thread each): one slow request blocks every other',
    })
    const waitress = check('server.workers', running(good, WAITRESS, 1))
    expect(waitress).toMatchObject({
      status: 'passed',
      summary: 'Waitress serves with 4 threads in one process (its default)',
    })
  })
})
