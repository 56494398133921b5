/**
 * config.debug-off: no Werkzeug debugger or traceback is served on the app port or through the
 * proxy (black-box), and the probe reports app.debug False.
 */
import type { DockerInstruction, HttpExchange, Observations } from '../facts/types'
import { serverOfSoftware } from '../facts/wsgi'
import { appExchanges, proxyExchanges, requestLine } from './lib/http'
import { dockerfileAt, present } from './lib/parts'
import { probeAnswers } from './lib/probe'
import { commandInstruction, imageInstructions, instructionLine } from './lib/stages'
import { listOf, plural } from './lib/text'
import type { Check, CheckOutcome } from './lib/types'

const PURPOSES = ['not-found', 'debugger', 'route', 'health']

/** What in a response body gives the debugger or a traceback away, or undefined. */
function leak(x: HttpExchange): string | undefined {
  const body = x.response?.body ?? ''
  if (body.includes('Werkzeug Debugger')) return 'the Werkzeug debugger page ("Werkzeug Debugger")'
  if (body.includes('The debugger caught an exception'))
    return 'the Werkzeug debugger page ("The debugger caught an exception")'
  // debugger.js reads these globals; an app echoing the request URL cannot produce them.
  if (/\bEVALEX(_TRUSTED)?\b/.test(body)) return 'the Werkzeug debugger script (debugger.js)'
  // The debugger page links its resources with ?__debugger__=yes; only count it when the
  // request itself did not carry that string (an echoed URL is not the debugger).
  if (body.includes('__debugger__') && !x.request.path.includes('__debugger__')) {
    return 'a link to the Werkzeug debugger (__debugger__)'
  }
  if (body.includes('Traceback (most recent call last)'))
    return 'a Python traceback ("Traceback (most recent call last)")'
  return undefined
}

/** The Dockerfile line that turns debug on, when one visibly does (FLASK_DEBUG, --debug). */
function debugStep(obs: Observations): DockerInstruction | undefined {
  const df = present(obs.dockerfile)
  const env = df
    ? imageInstructions(df).find(
        (i) =>
          i.keyword === 'ENV' &&
          (i.variables ?? []).some((v) => v.name === 'FLASK_DEBUG' && v.valueLength > 0),
      )
    : undefined
  const command = commandInstruction(obs)
  // The value of FLASK_DEBUG is not observed (it could be 0), so a --debug flag is the better lead.
  return command && /--debug\b|debug=True/.test(command.raw) ? command : env
}

function where(x: HttpExchange): string {
  return x.via === 'proxy' ? ' (through the proxy)' : ''
}

/** config.debug-off: no debugger or traceback served (app port and proxy), app.debug False (probe). */
function judge(obs: Observations): CheckOutcome {
  const exchanges = [...appExchanges(obs, PURPOSES), ...proxyExchanges(obs, PURPOSES)].filter(
    (x) => x.response !== undefined,
  )
  const answers = probeAnswers(obs)
  const debugOn = answers.find((a) => a.debug)
  if (exchanges.length === 0 && answers.length === 0) {
    return {
      status: 'skipped',
      summary:
        'no error page, debugger or route request was answered, and the probe did not answer',
    }
  }
  const leaks = exchanges
    .map((x) => ({ x, what: leak(x) }))
    .filter((l): l is { x: HttpExchange; what: string } => l.what !== undefined)
  const checked = `checked ${plural(exchanges.length, 'response')}: ${listOf([...new Set(exchanges.map(requestLine))])}`
  const probeLine = debugOn
    ? `the probe (${debugOn.via === 'proxy' ? 'through the proxy' : 'app port'}): app.debug is True under ${debugOn.serverSoftware || 'the WSGI server'}`
    : answers.length > 0
      ? 'the probe: app.debug is False'
      : undefined
  if (leaks.length === 0 && debugOn === undefined) {
    return {
      status: 'passed',
      summary:
        answers.length > 0
          ? 'no Werkzeug debugger or traceback served, and the probe reports app.debug is False'
          : 'no Werkzeug debugger or traceback served (black-box only: DEBUG=True under Gunicorn is invisible from outside)',
      evidence: [checked, ...(probeLine ? [probeLine] : [])],
    }
  }
  const step = debugStep(obs)
  const cause = step ? [`probable cause: ${instructionLine(step)}`] : []
  const location = step ? dockerfileAt(obs, step.line) : undefined
  if (leaks.length === 0 && debugOn) {
    const hidden =
      serverOfSoftware(debugOn.serverSoftware) === 'gunicorn'
        ? ' even though Gunicorn hides the debugger'
        : ''
    return {
      status: 'failed',
      summary: `app.debug is True (FLASK_DEBUG / DEBUG=True)${hidden}`,
      evidence: [probeLine ?? '', checked, ...cause],
      fix: 'turn debug off in production: no FLASK_DEBUG=1 in the image or environment, no DEBUG=True in the config, no app.debug = True',
      location,
    }
  }
  const first = leaks[0]
  return {
    status: 'failed',
    summary: `${requestLine(first.x)}${where(first.x)} served ${first.what}: debug mode is on`,
    evidence: [
      ...leaks.map((l) => `${requestLine(l.x)}${where(l.x)} -> ${l.x.response?.status}: ${l.what}`),
      ...(debugOn && probeLine ? [probeLine] : []),
      ...cause,
    ],
    fix: 'turn debug off in the image: no app.run(debug=True) or flask run --debug, no FLASK_DEBUG=1; serve with Gunicorn',
    location,
  }
}

export const configDebugOff: Check = {
  id: 'config.debug-off',
  title: 'DEBUG is off',
  severity: 'error',
  needs: ['http'],
  passesWhen:
    'no Werkzeug debugger or traceback is served (app port and proxy), and the probe reports `app.debug` False',
  run: judge,
}
