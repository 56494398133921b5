/**
 * proxy.timeouts: nginx waits for the app (proxy_read_timeout, or uwsgi_read_timeout behind
 * uwsgi_pass; default 60 s) at least as long as the WSGI server lets a worker run (Gunicorn
 * --timeout or its config file, default 30 s; uWSGI harakiri; Waitress channel_timeout), so a
 * slow request ends in the server's own timeout, not a 504 mid-request.
 */
import type { Observations, ProbeWorkerTimeout } from '../../facts/types'
import { isCaddy, userLocation } from '../lib/nginx'
import { appLocationOf, nginxSeconds, settingLine } from '../lib/nginx-limits'
import { present } from '../lib/parts'
import { probeAnswers } from '../lib/probe'
import { findServer, intOption, optionValue, processLine } from '../lib/processes'
import type { Check, CheckOutcome } from '../lib/types'

const NGINX_DEFAULT_S = 60

interface WorkerTimeout {
  /** Seconds; 0 means never (Gunicorn --timeout 0). */
  seconds: number
  what: string
}

/** The probe's reading of the server's own configuration, when it answered. */
function probed(obs: Observations): ProbeWorkerTimeout | undefined {
  return probeAnswers(obs).find((a) => a.workerTimeout)?.workerTimeout ?? undefined
}

/**
 * The server's worker timeout: as the running server resolved it (the probe reads Gunicorn's
 * merged Config and uWSGI's options, config files included), else from its command line, or why
 * there is none to compare.
 */
function workerTimeout(obs: Observations): WorkerTimeout | CheckOutcome {
  const server = findServer(present(obs.processes) ?? [])
  const args = server?.master.args ?? ''
  const live = probed(obs)
  if (server?.kind === 'gunicorn') {
    const t = intOption(args, ['-t'], ['--timeout'])
    if (t !== undefined) return { seconds: t, what: `Gunicorn --timeout ${t}` }
    if (live?.server === 'gunicorn') {
      const file = live.configFile ? ` (from its config file ${live.configFile})` : ''
      return { seconds: live.timeout, what: `Gunicorn's timeout ${live.timeout}${file}` }
    }
    const config = optionValue(args, ['-c'], ['--config'])
    const note = config ? ` (its config file ${config} could not be read: no probe answer)` : ''
    return { seconds: 30, what: `Gunicorn's default --timeout 30${note}` }
  }
  if (server?.kind === 'uwsgi') {
    const t = intOption(args, [], ['--harakiri'])
    if (t !== undefined) return { seconds: t, what: `uWSGI --harakiri ${t}` }
    if (live?.server === 'uwsgi' && live.harakiri)
      return { seconds: live.harakiri, what: `uWSGI harakiri = ${live.harakiri} (its options)` }
    return {
      status: 'skipped',
      skipReason: 'not-applicable',
      summary: 'uWSGI runs without harakiri: no worker timeout to compare',
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
  // uwsgi_pass reads the app's answer under uwsgi_read_timeout (same 60 s default).
  const directive = loc.proxyPass ? 'proxy_read_timeout' : 'uwsgi_read_timeout'
  const v = loc.proxyPass ? loc.proxyReadTimeout : loc.uwsgiReadTimeout
  // Caddy's reverse_proxy waits without a limit unless read_timeout is set.
  const nginxS = v ? nginxSeconds(v.value) : isCaddy(obs) ? Infinity : NGINX_DEFAULT_S
  const line = settingLine(obs, directive, v, loc, '60s')
  if (nginxS === undefined) {
    return { status: 'skipped', summary: `cannot read ${line}` }
  }
  const evidence = [line, `worker timeout: ${worker.what}`]
  const never = worker.seconds === 0
  if (!never && nginxS >= worker.seconds) {
    return {
      status: 'passed',
      summary: `${nginxS === Infinity ? "Caddy's reverse_proxy waits without a read timeout, longer than" : `${directive} ${nginxS} s >=`} the worker timeout ${worker.seconds} s (${worker.what})`,
      evidence,
    }
  }
  const wanted = never ? 'a finite worker timeout' : `${directive} ${worker.seconds + 5}s;`
  return {
    status: 'failed',
    summary: never
      ? `${worker.what}: workers never time out, so nginx's ${directive} ${nginxS} s ends slow requests with a 504`
      : `${directive} ${nginxS} s is shorter than the worker timeout ${worker.seconds} s (${worker.what}): a slow request gets nginx's 504 while the worker still runs`,
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
    "nginx's `proxy_read_timeout` (`uwsgi_read_timeout` for `uwsgi_pass`; default 60 s) is at least the WSGI server's worker timeout (Gunicorn `--timeout` or its config file, default 30 s; uWSGI `harakiri`)",
  run: judge,
}
