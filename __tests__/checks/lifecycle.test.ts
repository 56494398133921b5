import type { Observations } from '../../src/facts/types'
import { check, exchange, part, recorded, withPart, withProcesses } from './observations'

const good = recorded('good')
const noAccessLog = recorded('no-access-log')
const shellForm = recorded('shell-form')
const WAITRESS = '/usr/local/bin/python /usr/local/bin/waitress-serve --port=8000 app:app'

/** A recording's table as waitress-serve alone as PID 1 (no recording runs Waitress). */
const asWaitress = (obs: Observations): Observations =>
  withProcesses(obs, () => ({ args: WAITRESS }), 1)

/** A recording with only its app-port `purpose` request and these log lines (stdout, stderr). */
function onlyRequest(
  obs: Observations,
  purpose: string,
  stdout: string[],
  stderr: string[],
): Observations {
  const one = withPart(obs, 'http', [exchange(obs, 'app', purpose)])
  return withPart(one, 'logs', { ...part(obs, 'logs'), stdout, stderr })
}

describe('logs.stdout', () => {
  test('Gunicorn access-log lines for the requests made pass', () => {
    const r = check('logs.stdout', good)
    expect(r).toMatchObject({
      status: 'passed',
      summary: 'access-log lines found for 5 of 5 requests',
    })
    expect(r.evidence?.[1]).toBe('log lines seen: 41 (36 on stdout, 5 on stderr)')
  })

  test("Werkzeug's coloured request lines count too (and evidence carries no escape codes)", () => {
    const r = check('logs.stdout', recorded('dev-server'))
    expect(r.status).toBe('passed')
    expect(JSON.stringify(r.evidence)).not.toMatch(/\\u001b/)
  })

  test('Gunicorn without --access-logfile fails with that fix at the CMD line', () => {
    const r = check('logs.stdout', noAccessLog)
    expect(r.status).toBe('failed')
    expect(r.summary).toBe('no access-log line for any of the 4 requests made')
    expect(r.fix).toBe(
      'add --access-logfile - to the gunicorn command (or accesslog = "-" in gunicorn.conf.py)',
    )
    expect(r.location).toEqual({ file: '__tests__/fixtures/no-access-log/Dockerfile', line: 11 })
    expect(r.evidence?.[1]).toBe('log lines seen: 14 (9 on stdout, 5 on stderr)')
  })

  test('Waitress gets the TransLogger / after_request fix', () => {
    const r = check('logs.stdout', asWaitress(noAccessLog))
    expect(r.fix).toMatch(/^Waitress writes no access log: wrap the app in paste's TransLogger/)
    expect(r.location).toBeUndefined()
  })

  test("uWSGI's request lines are recognised", () => {
    // The no-access-log recording's health request, logged as uWSGI logs it (none runs uWSGI).
    const obs = onlyRequest(
      noAccessLog,
      'health',
      [],
      [
        '[pid: 7|app: 0|req: 1/1] 172.17.0.1 () {28 vars in 312 bytes} [Tue Nov 24 16:27:13 2026] GET /healthz => generated 2 bytes in 0 msecs (HTTP/1.1 200) 2 headers in 79 bytes',
      ],
    )
    expect(check('logs.stdout', obs).status).toBe('passed')
  })

  test('a longer path that starts with the same text is not a match', () => {
    const obs = onlyRequest(noAccessLog, 'route', ['"GET /static/style.css HTTP/1.1" 200'], [])
    expect(check('logs.stdout', obs).status).toBe('failed')
  })
})

describe('shutdown.graceful', () => {
  test('exit 0 soon after SIGTERM passes', () => {
    expect(check('shutdown.graceful', good)).toMatchObject({
      status: 'passed',
      summary: expect.stringMatching(/^exited 0 \d+\.\d s after SIGTERM$/),
    })
  })

  test('a kill after the grace period names the shell-form CMD under dash, with the JSON fix', () => {
    const r = check('shutdown.graceful', shellForm)
    expect(r.status).toBe('failed')
    expect(r.summary).toBe('still running 10 s after SIGTERM: docker stop killed it (exit 137)')
    expect(r.evidence?.[1]).toMatch(
      /^PID 1 is `\/bin\/sh -c gunicorn .*`: dash \(Debian's \/bin\/sh\) does not exec the command, so SIGTERM never reaches Gunicorn$/,
    )
    expect(r.fix).toMatch(/^use the JSON \(exec\) form: CMD \["gunicorn"/)
    expect(r.location).toEqual({ file: '__tests__/fixtures/shell-form/Dockerfile', line: 11 })
  })

  test('waitress-serve as PID 1 is named, with the init fix', () => {
    const r = check('shutdown.graceful', asWaitress(shellForm))
    expect(r.evidence?.[1]).toBe(
      'PID 1 is waitress-serve, which installs no SIGTERM handler; PID 1 ignores unhandled signals',
    )
    expect(r.fix).toMatch(/tini/)
    expect(r.location).toBeUndefined()
  })

  test('without a process table the likely causes are listed', () => {
    // The good recording (exec-form CMD) without its table, stopped as shell-form was: killed.
    const noTable = withPart(good, 'processes', { unavailable: 'docker top failed' })
    const obs = withPart(noTable, 'shutdown', part(shellForm, 'shutdown'))
    expect(check('shutdown.graceful', obs).evidence?.[1]).toMatch(
      /^likely causes: a shell-form CMD under dash, an entry script without exec/,
    )
  })

  test('a non-zero exit fails and says what the code means', () => {
    // The good recording's stop, with the code of a server that did not handle SIGTERM.
    const obs = withPart(good, 'shutdown', { ...part(good, 'shutdown'), exitCode: 143 })
    const r = check('shutdown.graceful', obs)
    expect(r).toMatchObject({
      status: 'failed',
      summary: 'exited with code 143 after SIGTERM, not 0',
    })
    expect(r.evidence).toContain('exit 143 = terminated by SIGTERM without handling it')
  })
})
