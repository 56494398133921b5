/**
 * The recorded Observations of the e2e fixtures (fixtures/*.json; README.md here; record.sh makes them), for tests
 * that judge real facts. A test that needs a branch no fixture reaches changes one part of a
 * recording with `withPart`: the rest stays what a real run observed.
 */
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { NO_UNIT } from '../../../src/facts/systemd-types'
import type { Observations } from '../../../src/facts/types'

/** Every part of Observations, in the order collect() fills them. */
export const PARTS = [
  'run',
  'dockerfile',
  'build',
  'image',
  'boot',
  'processes',
  'http',
  'logs',
  'shutdown',
  'proxyConfig',
  'proxy',
  'probe',
  'sessionCookies',
  'secondBoot',
  'forwardedSpoof',
  'tls',
  'unit',
] as const satisfies readonly (keyof Observations)[]
// tsc fails here when Observations gains a part this list lacks.
const EVERY_PART: Exclude<keyof Observations, (typeof PARTS)[number]> extends never
  ? true
  : never = true
void EVERY_PART

/** The file a fixture's recording is in. */
export function recordingPath(fixture: string): string {
  return path.join(__dirname, 'fixtures', `${fixture}.json`)
}

/**
 * A fresh copy of the Observations recorded for a fixture of __tests__/fixtures (tests may change
 * it freely). Throws when the file lacks a part: it predates that part and must be re-recorded.
 */
export function recorded(fixture: string): Observations {
  const file = recordingPath(fixture)
  const obs = JSON.parse(readFileSync(file, 'utf8')) as Observations
  // Docker recordings made before host mode have no unit part: theirs is always NO_UNIT.
  obs.unit ??= { ...NO_UNIT }
  const missing = PARTS.filter((p) => obs[p] === undefined)
  if (missing.length > 0)
    throw new Error(`${file} has no ${missing.join(', ')}: re-record it with record.sh`)
  return obs
}

/** A recorded run with one part replaced (the other parts stay as recorded). */
export function withPart<K extends keyof Observations>(
  obs: Observations,
  key: K,
  value: Observations[K],
): Observations {
  return { ...obs, [key]: value }
}
