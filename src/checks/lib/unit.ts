/** Reading the systemd unit part (host mode) for the systemd.* checks. */
import type { UnitFacts } from '../../facts/systemd-types'
import type { Location } from './types'

/** A location in the unit file (or another repository file a setting lives in). */
export function unitAt(unit: UnitFacts, line?: number, file = unit.path): Location {
  return line === undefined ? { file } : { file, line }
}

/** `Key=value (line N)` for evidence; the value is a setting, never an Environment= value. */
export function settingLine(key: string, value: string | undefined, line?: number): string {
  return value === undefined ? `${key}= not set` : `${key}=${value} (line ${line})`
}
