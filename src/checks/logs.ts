/** logs.stdout: the access-log lines of the requests made show up in the container's output. */
import type { Observations } from '../facts/types'
import { appExchanges, logged, requestLine } from './lib/http'
import { dockerfileAt, present } from './lib/parts'
import { findServer } from './lib/processes'
import { commandInstruction } from './lib/stages'
import { clip, lastLines, plural } from './lib/text'
import type { Check, CheckOutcome } from './lib/types'

/** logs.stdout: the access-log lines of the requests made show up in the container's output. */
function judge(obs: Observations): CheckOutcome {
  const logs = present(obs.logs)
  if (logs === undefined) return { status: 'skipped', summary: 'the container logs were not read' }
  const requests = appExchanges(obs).filter((x) => x.response !== undefined)
  if (requests.length === 0)
    return { status: 'skipped', summary: 'no request was answered on the app port' }
  const lines = [...logs.stdout, ...logs.stderr]
  const found = requests.filter((x) => logged(x, lines))
  const evidence = [
    clip(`requests made on the app port: ${[...new Set(requests.map(requestLine))].join(', ')}`),
    `log lines seen: ${lines.length} (${logs.stdout.length} on stdout, ${logs.stderr.length} on stderr)${logs.truncated ? ', capped' : ''}`,
  ]
  if (found.length > 0) {
    return {
      status: 'passed',
      summary: `access-log lines found for ${found.length} of ${plural(requests.length, 'request')}${obs.run.runtime === 'host' ? ' on stdout/stderr' : ''}`,
      evidence: [
        ...evidence,
        ...lastLines(
          lines.filter((l) => found.some((x) => logged(x, [l]))),
          2,
        ),
      ],
    }
  }
  // Host mode: the guide's alternative to stdout is rotating files.
  const file = (logs.files ?? []).find((f) => requests.some((x) => logged(x, f.lines)))
  if (obs.run.runtime === 'host' && file) {
    const inFile = requests.filter((x) => logged(x, file.lines))
    return {
      status: 'passed',
      summary: `access-log lines found for ${inFile.length} of ${plural(requests.length, 'request')} in ${file.path} (${file.source}), not on stdout`,
      evidence: [
        ...evidence,
        `log file: ${file.path} (${file.source})`,
        ...lastLines(file.lines, 2),
      ],
    }
  }
  const kind = findServer(present(obs.processes) ?? [])?.kind
  const step = commandInstruction(obs, kind === 'gunicorn' ? /gunicorn/ : undefined)
  let fix =
    'log each request to stdout (e.g. an after_request hook that logs method, path and status at INFO)'
  if (kind === 'gunicorn') {
    fix = 'add --access-logfile - to the gunicorn command (or accesslog = "-" in gunicorn.conf.py)'
    evidence.push(
      'Gunicorn prints no access log unless --access-logfile -; its stderr lines are the error log (boot), not requests',
    )
  } else if (kind === 'waitress') {
    fix =
      "Waitress writes no access log: wrap the app in paste's TransLogger, or log each request in an after_request hook"
  } else if (kind === 'uwsgi') {
    fix =
      'let uWSGI log requests: remove --disable-logging (or log-x-forwarded-for / req-logger settings that drop them)'
  }
  return {
    status: 'failed',
    summary: `no access-log line for any of the ${plural(requests.length, 'request')} made`,
    evidence,
    fix,
    location: kind === 'gunicorn' && step ? dockerfileAt(obs, step.line) : undefined,
  }
}

export const logsStdout: Check = {
  id: 'logs.stdout',
  title: 'Logs go to stdout/stderr',
  severity: 'warning',
  needs: ['logs', 'http'],
  passesWhen: 'access-log lines for the requests made appear on container stdout/stderr',
  run: judge,
}
