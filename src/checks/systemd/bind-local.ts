/** systemd.bind-local: behind the proxy, the server binds loopback or a unix socket. */
import type { UnitBind } from '../../facts/systemd-types'
import type { Observations } from '../../facts/types'
import { present } from '../lib/parts'
import type { Check, CheckOutcome } from '../lib/types'
import { unitAt } from '../lib/unit'

/** Gunicorn's default bind; uWSGI and Waitress name theirs in the command. */
const DEFAULT_BIND: Record<string, string> = {
  gunicorn: '127.0.0.1:8000',
  waitress: '0.0.0.0:8080',
}

function isLocal(address: string): boolean {
  if (address.startsWith('unix:') || address.startsWith('/')) return true
  const host = /^\[([^\]]*)\]/.exec(address)?.[1] ?? address.split(':')[0]
  return host === 'localhost' || host === '::1' || /^127\./.test(host)
}

function where(b: UnitBind): string {
  return b.line === undefined ? `${b.source}` : `${b.source} (${b.file} line ${b.line})`
}

function judge(obs: Observations): CheckOutcome {
  const unit = present(obs.unit)
  if (unit === undefined) return { status: 'skipped', summary: 'no systemd unit' }
  const server = unit.server ?? 'other'
  const fallback = DEFAULT_BIND[server]
  const bind: UnitBind | undefined =
    unit.bind ??
    (fallback
      ? { addresses: [fallback], source: 'default', file: unit.path, line: unit.execStart?.line }
      : undefined)
  if (bind === undefined)
    return {
      status: 'skipped',
      summary: 'the unit names no address the server binds',
      skipReason: 'not-applicable',
    }
  const open = bind.addresses.filter((a) => !isLocal(a))
  const evidence = [`bind: ${bind.addresses.join(', ')} from ${where(bind)}`]
  const location = unitAt(unit, bind.line, bind.file)
  if (open.length === 0)
    return {
      status: 'passed',
      summary: `the server binds ${bind.addresses.join(', ')}: only the local proxy reaches it`,
      evidence,
      location,
    }
  return {
    status: 'failed',
    summary: `the server binds ${open.join(', ')}: it is reachable without the proxy`,
    evidence,
    fix: 'bind 127.0.0.1 (e.g. gunicorn -b 127.0.0.1:8000) or a unix socket the proxy uses',
    location,
  }
}

export const systemdBindLocal: Check = {
  id: 'systemd.bind-local',
  title: 'The server binds loopback behind the proxy',
  severity: 'warning',
  needs: ['unit'],
  passesWhen: 'the server binds 127.0.0.1 or a unix socket, not 0.0.0.0',
  run: judge,
}
