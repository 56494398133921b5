import type { HttpExchange, Observations } from '../../src/facts/types'
import {
  answered,
  check,
  exchange,
  recorded,
  withDockerfile,
  withPart,
  withProbe,
} from './observations'

const DEBUGGER_PAGE = `<!doctype html>
<html lang=en>
  <head>
    <title>ZeroDivisionError: division by zero
 // Werkzeug Debugger</title>
    <link rel="stylesheet" href="?__debugger__=yes&amp;cmd=resource&amp;f=style.css">
    <script src="?__debugger__=yes&amp;cmd=resource&amp;f=debugger.js"></script>
  </head>
  <body>
  <h1>ZeroDivisionError</h1>
  <p>The debugger caught an exception in your WSGI application.</p>`

const DEBUGGER_JS = 'docReady(() => {\n  if (!EVALEX_TRUSTED) {\n    initPinBox();\n  }\n'

const good = recorded('good')

/**
 * The good recording with only these exchanges. No recording serves the debugger or a
 * traceback (debug-true runs under Gunicorn), so each is a recorded exchange with another answer.
 */
function withExchanges(...exchanges: HttpExchange[]): Observations {
  return withPart(good, 'http', exchanges)
}

/** The good recording's exchange via `via` for `purpose`, answered `status` with `body`. */
function served(
  via: 'app' | 'proxy',
  purpose: string,
  status: number,
  body: string,
  reqPath?: string,
): HttpExchange {
  const x = exchange(good, via, purpose)
  if (reqPath !== undefined) x.request.path = reqPath
  return answered(x, { status, body })
}

describe('config.debug-off', () => {
  test('plain responses and app.debug False from the probe pass', () => {
    const r = check('config.debug-off', recorded('good'))
    expect(r.status).toBe('passed')
    expect(r.summary).toBe(
      'no Werkzeug debugger or traceback served, and the probe reports app.debug is False',
    )
    expect(r.evidence).toContain('the probe: app.debug is False')
  })

  test('without the probe, the summary says only the black-box part was checked', () => {
    const obs = withPart(good, 'probe', { unavailable: 'introspect is false' })
    expect(check('config.debug-off', obs).summary).toBe(
      'no Werkzeug debugger or traceback served (black-box only: DEBUG=True under Gunicorn is invisible from outside)',
    )
  })

  test('app.debug True under Gunicorn fails on the probe alone', () => {
    const r = check('config.debug-off', recorded('debug-true'))
    expect(r).toMatchObject({
      status: 'failed',
      summary:
        'app.debug is True (FLASK_DEBUG / DEBUG=True) even though Gunicorn hides the debugger',
    })
    expect(r.evidence?.[0]).toBe('the probe (app port): app.debug is True under gunicorn/20.1.0')
    expect(r.fix).toMatch(/no FLASK_DEBUG=1 .* no DEBUG=True in the config/)
  })

  test('app.debug True points at ENV FLASK_DEBUG in the Dockerfile; other servers are not named Gunicorn', () => {
    // The debug-true recording, its probe reporting Waitress (no recording runs Waitress) and
    // an ENV FLASK_DEBUG=1 in the Dockerfile (the fixture sets DEBUG in its config instead).
    const waitress = withProbe(recorded('debug-true'), () => ({ serverSoftware: 'waitress' }))
    const obs = withDockerfile(
      waitress,
      'FROM python:3.12-slim\nENV FLASK_DEBUG=1\nCMD ["waitress-serve", "app:app"]\n',
    )
    const r = check('config.debug-off', obs)
    expect(r.summary).toBe('app.debug is True (FLASK_DEBUG / DEBUG=True)')
    expect(r.location).toEqual({ file: '__tests__/fixtures/debug-true/Dockerfile', line: 2 })
  })

  test('the debugger resource URL serving debugger.js fails', () => {
    const x = served('app', 'debugger', 200, DEBUGGER_JS)
    const obs = withExchanges(
      answered(x, { headers: { 'content-type': ['text/javascript; charset=utf-8'] } }),
    )
    const r = check('config.debug-off', obs)
    expect(r.status).toBe('failed')
    expect(r.summary).toBe(
      'GET /?__debugger__=yes&cmd=resource&f=debugger.js served the Werkzeug debugger script (debugger.js): debug mode is on',
    )
    expect(r.fix).toMatch(/no app\.run\(debug=True\) or flask run --debug/)
  })

  test('an error page with the interactive debugger fails, naming every response that leaked', () => {
    const obs = withExchanges(
      exchange(good, 'app', 'health'),
      served('app', 'route', 500, DEBUGGER_PAGE, '/divide'),
      exchange(good, 'app', 'not-found'),
    )
    const r = check('config.debug-off', obs)
    expect(r.evidence).toEqual([
      'GET /divide -> 500: the Werkzeug debugger page ("Werkzeug Debugger")',
    ])
  })

  test('a Python traceback in a body fails', () => {
    const body =
      'Traceback (most recent call last):\n  File "/app/app.py", line 12, in index\nKeyError: x'
    const r = check('config.debug-off', withExchanges(served('app', 'route', 500, body)))
    expect(r.summary).toBe(
      'GET / served a Python traceback ("Traceback (most recent call last)"): debug mode is on',
    )
  })

  test('an app echoing the requested URL is not mistaken for the debugger', () => {
    const path = '/?__debugger__=yes&cmd=resource&f=debugger.js'
    const echo = served('app', 'debugger', 200, `<a href="${path}">home</a>`)
    expect(check('config.debug-off', withExchanges(echo)).status).toBe('passed')
  })

  test('flask run --debug in the Dockerfile is the location', () => {
    const obs = withDockerfile(
      withExchanges(served('app', 'debugger', 200, DEBUGGER_JS)),
      'FROM python:3.12-slim\nENV FLASK_DEBUG=1\nCMD ["flask", "run", "--host=0.0.0.0", "--debug"]\n',
    )
    const r = check('config.debug-off', obs)
    expect(r.location).toEqual({ file: '__tests__/fixtures/good/Dockerfile', line: 3 })
    expect(r.evidence).toContain(
      'probable cause: line 3: CMD ["flask", "run", "--host=0.0.0.0", "--debug"]',
    )
  })

  test('a traceback served through the proxy fails too, and says where it was seen', () => {
    const viaProxy = served('proxy', 'not-found', 500, DEBUGGER_PAGE, '/missing')
    const r = check('config.debug-off', withExchanges(viaProxy))
    expect(r.summary).toBe(
      'GET /missing (through the proxy) served the Werkzeug debugger page ("Werkzeug Debugger"): debug mode is on',
    )
  })

  test('the list of responses checked never cuts a request line (a token in it stays whole)', () => {
    const token = '63628049a5b8342e3702ae3d1cdd7e41'
    const many = Array.from({ length: 8 }, (_, i) => {
      const x = exchange(good, 'proxy', 'not-found')
      x.request.path = `/flask-deploy-check-${token}-missing-${i}`
      return x
    })
    const r = check('config.debug-off', withExchanges(...many))
    const line = r.evidence?.[0] ?? ''
    expect(line).toMatch(/^checked 8 responses: GET \/flask-deploy-check-.* and \d+ more$/)
    expect(line.split(token).length - 1).toBe(line.split('GET ').length - 1)
  })

  test('exchanges made for other purposes are not judged here', () => {
    const echo = served('proxy', 'static', 200, DEBUGGER_PAGE, '/static/x.txt')
    expect(check('config.debug-off', withExchanges(echo)).status).toBe('passed')
  })
})
