import { appExchange, check, processTable, recorded, variant } from './observations'

describe('logs.stdout', () => {
  test('Gunicorn access-log lines for the requests made pass', () => {
    const r = check('logs.stdout', recorded('good'))
    expect(r).toMatchObject({
      status: 'passed',
      summary: 'access-log lines found for 4 of 4 requests',
    })
    expect(r.evidence?.[1]).toBe('log lines seen: 14 (9 on stdout, 5 on stderr)')
  })

  test("Werkzeug's coloured request lines count too (and evidence carries no escape codes)", () => {
    const r = check('logs.stdout', recorded('dev-server'))
    expect(r.status).toBe('passed')
    expect(JSON.stringify(r.evidence)).not.toMatch(/\\u001b/)
  })

  test('Gunicorn without --access-logfile fails with that fix at the CMD line', () => {
    const r = check('logs.stdout', recorded('no-access-log'))
    expect(r.status).toBe('failed')
    expect(r.summary).toBe('no access-log line for any of the 4 requests made')
    expect(r.fix).toBe(
      'add --access-logfile - to the gunicorn command (or accesslog = "-" in gunicorn.conf.py)',
    )
    expect(r.location).toEqual({ file: '__tests__/fixtures/no-access-log/Dockerfile', line: 11 })
    expect(r.evidence?.[1]).toBe('log lines seen: 9 (4 on stdout, 5 on stderr)')
  })

  test('Waitress gets the TransLogger / after_request fix', () => {
    const obs = variant('no-access-log', (o) => {
      o.processes = processTable([
        10,
        1,
        10001,
        '/usr/local/bin/python /usr/local/bin/waitress-serve --port=8000 app:app',
      ])
    })
    const r = check('logs.stdout', obs)
    expect(r.fix).toMatch(/^Waitress writes no access log: wrap the app in paste's TransLogger/)
    expect(r.location).toBeUndefined()
  })

  test("uWSGI's request lines are recognised", () => {
    const obs = variant('no-access-log', (o) => {
      o.http = [appExchange('health', '/healthz', 200)]
      o.logs = {
        stdout: [],
        stderr: [
          '[pid: 7|app: 0|req: 1/1] 172.17.0.1 () {28 vars in 312 bytes} [Tue Nov 24 16:27:13 2026] GET /healthz => generated 2 bytes in 0 msecs (HTTP/1.1 200) 2 headers in 79 bytes',
        ],
        truncated: false,
      }
    })
    expect(check('logs.stdout', obs).status).toBe('passed')
  })

  test('a longer path that starts with the same text is not a match', () => {
    const obs = variant('no-access-log', (o) => {
      o.http = [appExchange('route', '/', 200)]
      o.logs = { stdout: ['"GET /static/style.css HTTP/1.1" 200'], stderr: [], truncated: false }
    })
    expect(check('logs.stdout', obs).status).toBe('failed')
  })
})

describe('shutdown.graceful', () => {
  test('exit 0 soon after SIGTERM passes', () => {
    expect(check('shutdown.graceful', recorded('good'))).toMatchObject({
      status: 'passed',
      summary: 'exited 0 1.0 s after SIGTERM',
    })
  })

  test('a kill after the grace period names the shell-form CMD under dash, with the JSON fix', () => {
    const r = check('shutdown.graceful', recorded('shell-form'))
    expect(r.status).toBe('failed')
    expect(r.summary).toBe('still running 10 s after SIGTERM: docker stop killed it (exit 137)')
    expect(r.evidence?.[1]).toMatch(
      /^PID 1 is `\/bin\/sh -c gunicorn .*`: dash \(Debian's \/bin\/sh\) does not exec the command, so SIGTERM never reaches Gunicorn$/,
    )
    expect(r.fix).toMatch(/^use the JSON \(exec\) form: CMD \["gunicorn"/)
    expect(r.location).toEqual({ file: '__tests__/fixtures/shell-form/Dockerfile', line: 11 })
  })

  test('waitress-serve as PID 1 is named, with the init fix', () => {
    const obs = variant('shell-form', (o) => {
      o.processes = processTable([
        10,
        1,
        10001,
        '/usr/local/bin/python /usr/local/bin/waitress-serve --port=8000 app:app',
      ])
    })
    const r = check('shutdown.graceful', obs)
    expect(r.evidence?.[1]).toBe(
      'PID 1 is waitress-serve, which installs no SIGTERM handler; PID 1 ignores unhandled signals',
    )
    expect(r.fix).toMatch(/tini/)
    expect(r.location).toBeUndefined()
  })

  test('without a process table the likely causes are listed', () => {
    const obs = variant('good', (o) => {
      o.processes = { unavailable: 'docker top failed' }
      o.shutdown = { graceS: 10, ms: 10_150, exitCode: 137, killed: true }
    })
    expect(check('shutdown.graceful', obs).evidence?.[1]).toMatch(
      /^likely causes: a shell-form CMD under dash, an entry script without exec/,
    )
  })

  test('a non-zero exit fails and says what the code means', () => {
    const obs = variant('good', (o) => {
      o.shutdown = { graceS: 10, ms: 120, exitCode: 143, killed: false }
    })
    const r = check('shutdown.graceful', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'exited with code 143 after SIGTERM, not 0',
    })
    expect(r.evidence).toContain('exit 143 = terminated by SIGTERM without handling it')
  })
})
