/** systemd.user: the unit runs the server as a non-root User=. */
import type { Observations } from '../../facts/types'
import { present } from '../lib/parts'
import type { Check, CheckOutcome } from '../lib/types'
import { settingLine, unitAt } from '../lib/unit'

const FIX =
  'add User=www-data (or a dedicated user such as User=myapp) to the [Service] section, as the deployment guide does'

function isRoot(user: string): boolean {
  return user === 'root' || user === '0'
}

function judge(obs: Observations): CheckOutcome {
  const unit = present(obs.unit)
  if (unit === undefined) return { status: 'skipped', summary: 'no systemd unit' }
  const user = unit.user
  const evidence = [settingLine('User', user?.value, user?.line)]
  if (unit.execStart?.privileged) {
    return {
      status: 'failed',
      summary: `ExecStart= has a '+' or '!' prefix: the server runs with full privileges whatever User= says`,
      evidence: [...evidence, `ExecStart= (line ${unit.execStart.line})`],
      fix: "remove the '+' / '!' prefix from ExecStart=",
      location: unitAt(unit, unit.execStart.line),
    }
  }
  if (user === undefined) {
    return {
      status: 'failed',
      summary: 'the unit has no User=: systemd runs the server as root',
      evidence,
      fix: FIX,
      location: unitAt(unit, unit.execStart?.line),
    }
  }
  if (isRoot(user.value)) {
    return {
      status: 'failed',
      summary: `the unit runs the server as root (User=${user.value})`,
      evidence,
      fix: FIX,
      location: unitAt(unit, user.line),
    }
  }
  return {
    status: 'passed',
    summary: `the server runs as ${user.value}, not root`,
    evidence,
    location: unitAt(unit, user.line),
  }
}

export const systemdUser: Check = {
  id: 'systemd.user',
  title: 'The unit runs the server as a non-root User=',
  severity: 'warning',
  needs: ['unit'],
  passesWhen: 'the unit sets `User=` to a user other than root',
  run: judge,
}
