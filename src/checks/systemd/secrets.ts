/** systemd.secrets: no secret written into the unit's Environment= (values never printed). */
import { looksSecret } from '../../facts/secret-names'
import type { UnitEnvVar } from '../../facts/systemd-types'
import type { Observations } from '../../facts/types'
import { present } from '../lib/parts'
import { plural } from '../lib/text'
import type { Check, CheckOutcome } from '../lib/types'
import { unitAt } from '../lib/unit'

function secretVars(vars: readonly UnitEnvVar[]): UnitEnvVar[] {
  return vars.filter((v) => looksSecret(v.name, v.valueLength, v.urlWithCredentials))
}

function describe(v: UnitEnvVar): string {
  const shape = v.urlWithCredentials ? 'a URL with a password' : `${v.valueLength} characters`
  return `${v.name} (${shape}, value not shown)`
}

function judge(obs: Observations): CheckOutcome {
  const unit = present(obs.unit)
  if (unit === undefined) return { status: 'skipped', summary: 'no systemd unit' }
  const inline = secretVars(unit.environment)
  const committed = unit.environmentFiles.flatMap((f) =>
    secretVars(f.vars ?? []).map((v) => ({ ...v, file: f.path })),
  )
  const files = unit.environmentFiles.map(
    (f) =>
      `EnvironmentFile=${f.optional ? '-' : ''}${f.path} (line ${f.line}, ${f.inRepo ? 'in the repository' : 'outside the repository'})`,
  )
  if (inline.length === 0 && committed.length === 0) {
    const names = unit.environment.map((v) => v.name)
    return {
      status: 'passed',
      summary: unit.environmentFiles.length
        ? 'no secret in Environment=; the environment comes from EnvironmentFile='
        : 'no secret in Environment=',
      evidence: [...(names.length ? [`Environment= names: ${names.join(', ')}`] : []), ...files],
    }
  }
  const first = inline[0] ?? committed[0]
  const evidence = [
    ...inline.map((v) => `Environment= line ${v.line}: ${describe(v)}`),
    ...committed.map(
      (v) => `${v.file} (committed, EnvironmentFile= line ${v.line}): ${describe(v)}`,
    ),
  ]
  const all = [...inline, ...committed]
  return {
    status: 'failed',
    summary: `${plural(all.length, 'secret')} written into the unit's environment: ${[...new Set(all.map((v) => v.name))].join(', ')}`,
    evidence,
    fix: 'move secrets to an EnvironmentFile= outside the repository (mode 0600, e.g. /etc/myapp/env) or to LoadCredential=',
    location: unitAt(unit, first.line),
  }
}

export const systemdSecrets: Check = {
  id: 'systemd.secrets',
  title: 'No secret written into the unit',
  severity: 'error',
  needs: ['unit'],
  passesWhen:
    'no SECRET_KEY, password, token or credential URL in `Environment=` (nor in an `EnvironmentFile=` committed to the repository)',
  run: judge,
}
