/** systemd.restart: Restart=always or on-failure. */
import type { Observations } from '../../facts/types'
import { present } from '../lib/parts'
import type { Check, CheckOutcome } from '../lib/types'
import { settingLine, unitAt } from '../lib/unit'

const GOOD = new Set(['always', 'on-failure'])

function judge(obs: Observations): CheckOutcome {
  const unit = present(obs.unit)
  if (unit === undefined) return { status: 'skipped', summary: 'no systemd unit' }
  const r = unit.restart
  const evidence = [settingLine('Restart', r?.value, r?.line)]
  if (r !== undefined && GOOD.has(r.value)) {
    return {
      status: 'passed',
      summary: `Restart=${r.value}: systemd starts the server again when it dies`,
      evidence,
      location: unitAt(unit, r.line),
    }
  }
  return {
    status: 'failed',
    summary:
      r === undefined
        ? 'the unit has no Restart= (default no): a crashed server stays down'
        : `Restart=${r.value}: a crashed server stays down`,
    evidence,
    fix: 'set Restart=always (or Restart=on-failure) in the [Service] section',
    location: unitAt(unit, r?.line ?? unit.execStart?.line),
  }
}

export const systemdRestart: Check = {
  id: 'systemd.restart',
  title: 'The unit restarts the server when it dies',
  severity: 'warning',
  needs: ['unit'],
  passesWhen: '`Restart=always` or `Restart=on-failure`',
  run: judge,
}
