/**
 * Checks on the Flask app's configuration: config.debug-off (black-box part). secret.from-env and
 * secret.strength are not implemented yet.
 */
import type { DockerInstruction, HttpExchange, Observations } from '../observe/types'
import type { CheckOutcome } from './types'
import { appExchanges, dockerfileAt, plural, present, requestLine } from './common'
import { commandInstruction, imageInstructions, instructionLine } from './stages'

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

/** config.debug-off (black-box): no Werkzeug debugger or traceback is served on the app port. */
export function configDebugOff(obs: Observations): CheckOutcome {
  const exchanges = appExchanges(obs, PURPOSES).filter((x) => x.response !== undefined)
  if (exchanges.length === 0) {
    return {
      status: 'skipped',
      summary: 'no error page, debugger or route request was answered on the app port',
    }
  }
  const leaks = exchanges
    .map((x) => ({ x, what: leak(x) }))
    .filter((l): l is { x: HttpExchange; what: string } => l.what !== undefined)
  if (leaks.length === 0) {
    return {
      status: 'passed',
      summary:
        'no Werkzeug debugger or traceback served on the app port (black-box only: DEBUG=True under Gunicorn is invisible from outside)',
      evidence: [
        `checked ${plural(exchanges.length, 'response')}: ${exchanges.map(requestLine).join(', ')}`.slice(
          0,
          200,
        ),
      ],
    }
  }
  const first = leaks[0]
  const step = debugStep(obs)
  return {
    status: 'failed',
    summary: `${requestLine(first.x)} served ${first.what}: debug mode is on`,
    evidence: [
      ...leaks.map((l) => `${requestLine(l.x)} -> ${l.x.response?.status}: ${l.what}`),
      ...(step ? [`probable cause: ${instructionLine(step)}`] : []),
    ],
    fix: 'turn debug off in the image: no app.run(debug=True) or flask run --debug, no FLASK_DEBUG=1; serve with Gunicorn',
    location: step ? dockerfileAt(obs, step.line) : undefined,
  }
}

/** The app family, by check id (registered in registry.ts). */
export const appChecks = {
  'config.debug-off': configDebugOff,
}
