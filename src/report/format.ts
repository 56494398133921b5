/** Small plain-text pieces shared by the Markdown, terminal and annotation renderers. */
import type { CheckResult } from '../checks/lib/types'
import type { Timings } from './report'
import { isBlocked, type SkipGroup } from './skips'

/** "1 error", "2 errors". */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

/**
 * "2 failed (1 error, 1 warning), 3 could not be checked, 14 passed, 7 skipped": blocked checks
 * are counted apart from the other skips (and left out when there are none).
 */
export function countsText(results: readonly CheckResult[]): string {
  const failed = results.filter((r) => r.status === 'failed')
  const bySeverity = (['error', 'warning', 'notice'] as const)
    .map((s) => [s, failed.filter((r) => r.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => counted(n, s))
  const failedText =
    bySeverity.length > 0 ? `${failed.length} failed (${bySeverity.join(', ')})` : '0 failed'
  const blocked = results.filter(isBlocked).length
  const blockedText = blocked > 0 ? `, ${blocked} could not be checked` : ''
  const passed = results.filter((r) => r.status === 'passed').length
  const skipped = results.filter((r) => r.status === 'skipped').length - blocked
  return `${failedText}${blockedText}, ${passed} passed, ${skipped} skipped`
}

/** "20 could not be checked (11 errors)": how many checks a cause blocked, errors named. */
export function blockedCountText(blocked: readonly CheckResult[]): string {
  const errors = blocked.filter((r) => r.severity === 'error').length
  return `${blocked.length} could not be checked${errors > 0 ? ` (${counted(errors, 'error')})` : ''}`
}

/**
 * A blocked group's cause in plain text: "blocked by boot.ready: container did not become
 * ready: ..." or, without a failed check behind it, "could not be checked: ...". Untrusted.
 */
export function causeText(group: Pick<SkipGroup, 'cause' | 'blockedBy'>): string {
  const cause = group.cause ?? ''
  return group.blockedBy
    ? `blocked by ${group.blockedBy}: ${cause}`
    : `could not be checked: ${cause}`
}

/** "850 ms", "12.3 s", "2 min 5 s". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)} min ${s % 60} s`
}

/** "build 12.3 s, boot 4.1 s, checks 8.0 s, total 25.2 s" (with the given separator). */
export function timingsText(t: Timings, separator = ', '): string {
  const parts: [string, number][] = [
    ['build', t.build],
    ['boot', t.boot],
    ['checks', t.checks],
    ['total', t.total],
  ]
  return parts.map(([k, v]) => `${k} ${formatMs(v)}`).join(separator)
}

/** "deploy/nginx.conf:12", or just the file when the line is unknown. */
export function locationText(location: NonNullable<CheckResult['location']>): string {
  return location.line !== undefined ? `${location.file}:${location.line}` : location.file
}
