/**
 * proxy.timeouts: nginx waits for the app (proxy_read_timeout, default 60 s) at least as long as
 * the WSGI server lets a worker run (Gunicorn --timeout, default 30 s; uWSGI harakiri; Waitress
 * channel_timeout), so a slow request ends in the server's own timeout, not a 504 mid-request.
 */
import type { Observations } from '../../facts/types'
import { isCaddy, userLocation } from '../lib/nginx'
import { appLocationOf, nginxSeconds, settingLine } from '../lib/nginx-limits'
import { present } from '../lib/parts'
import { findServer, intOption, optionValue, processLine } from '../lib/processes'
import type { Check, CheckOutcome } from '../lib/types'

const NGINX_DEFAULT_S = 60

interface WorkerTimeout {
  /** Seconds; 0 means never (Gunicorn --timeout 0). */
  seconds: number
  what: string
}

/** The server's worker timeout from its command line, or why there is none to compare. */
function workerTimeout(obs: Observations): WorkerTimeout | CheckOutcome {
  const server = findServer(present(obs.processes) ?? [])
  const args = server?.master.args ?? ''
  if (server?.kind === 'gunicorn') {
    const t = intOption(args, ['-t'], ['--timeout'])
    if (t !== undefined) return { seconds: t, what: `Gunicorn --timeout ${t}` }
    const config = optionValue(args, ['-c'], ['--config'])
    const note = config ? ` (its config file ${config} is not read)` : ''
    return { seconds: 30, what: `Gunicorn's default --timeout 30${note}` }
  }
  if (server?.kind === 'uwsgi') {
    const t = intOption(args, [], ['--harakiri'])
    if (t !== undefined) return { seconds: t, what: `uWSGI --harakiri ${t}` }
    return {
      status: 'skipped',
      skipReason: 'not-applicable',
      summary: 'uWSGI runs without harakiri on its command line: no worker timeout to compare',
    }
  }
  if (server?.kind === 'waitress') {
    const t = intOption(args, [], ['--channel-timeout'])
    if (t !== undefined) return { seconds: t, what: `Waitress --channel-timeout ${t}` }
    return {
      status: 'skipped',
      skipReason: 'not-applicable',
      summary: 'Waitress has no worker timeout and no --channel-timeout was given',
    }
  }
  return {
    status: 'skipped',
    skipReason: server ? 'not-applicable' : undefined,
    summary: server
      ? `no worker timeout known for ${processLine(server.master)}`
      : 'no WSGI server in the process table (see server.production-wsgi)',
    blockedBy: server ? undefined : 'server.production-wsgi',
  }
}

function judge(obs: Observations): CheckOutcome {
  const at = appLocationOf(obs, 'the proxy timeout')
  if ('status' in at) return at
  const worker = workerTimeout(obs)
  if ('status' in worker) return worker
  const { loc } = at
  const v = loc.proxyReadTimeout
  // Caddy's reverse_proxy waits without a limit unless read_timeout is set.
  const nginxS = v ? nginxSeconds(v.value) : isCaddy(obs) ? Infinity : NGINX_DEFAULT_S
  const line = settingLine(obs, 'proxy_read_timeout', v, loc, '60s')
  if (nginxS === undefined) {
    return { status: 'skipped', summary: `cannot read ${line}` }
  }
  const evidence = [line, `worker timeout: ${worker.what}`]
  const never = worker.seconds === 0
  if (!never && nginxS >= worker.seconds) {
    return {
      status: 'passed',
      summary: `${nginxS === Infinity ? "Caddy's reverse_proxy waits without a read timeout, longer than" : `proxy_read_timeout ${nginxS} s >=`} the worker timeout ${worker.seconds} s (${worker.what})`,
      evidence,
    }
  }
  const wanted = never ? 'a finite worker timeout' : `proxy_read_timeout ${worker.seconds + 5}s;`
  return {
    status: 'failed',
    summary: never
      ? `${worker.what}: workers never time out, so nginx's proxy_read_timeout ${nginxS} s ends slow requests with a 504`
      : `proxy_read_timeout ${nginxS} s is shorter than the worker timeout ${worker.seconds} s (${worker.what}): a slow request gets nginx's 504 while the worker still runs`,
    evidence,
    fix: never
      ? `give the server a worker timeout below ${nginxS} s (Gunicorn --timeout ${Math.max(nginxS - 5, 1)})`
      : `set ${wanted} in the location that proxies to the app (${loc.path}), or lower the worker timeout to ${nginxS} s or less`,
    location: userLocation(obs, v && !v.inherited ? v : loc),
  }
}

export const proxyTimeouts: Check = {
  id: 'proxy.timeouts',
  title: 'Proxy waits as long as the workers',
  severity: 'warning',
  needs: ['proxyConfig', 'processes'],
  passesWhen:
    "nginx's `proxy_read_timeout` (default 60 s) is at least the WSGI server's worker timeout (Gunicorn `--timeout`, default 30 s)",
  run: judge,
}
