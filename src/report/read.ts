/**
 * Reads a JSON report written by an earlier run (mode: comment-only) and checks it is schema 1,
 * so a wrong file fails with one line instead of a broken comment. A report from before
 * skip_reason is read as it was written: its skipped checks are plain skips, its verdict stands.
 */
import { promises as fs } from 'node:fs'
import type { Report } from './report'

const STATUSES = ['passed', 'failed', 'skipped']
const SEVERITIES = ['error', 'warning', 'notice']
const SKIP_REASONS = ['requested', 'not-applicable', 'blocked']

/** skip_reason and blocked_by came with revision 2: absent is fine (an older report), wrong is not. */
function skipProblem(c: Record<string, unknown>, i: number): string | undefined {
  if (c.skip_reason !== undefined && !SKIP_REASONS.includes(c.skip_reason as string))
    return `checks[${i}].skip_reason is ${JSON.stringify(c.skip_reason)}, expected one of ${SKIP_REASONS.join(', ')}`
  if (c.blocked_by !== undefined && typeof c.blocked_by !== 'string')
    return `checks[${i}].blocked_by is not a check id`
  return undefined
}

function problem(r: Record<string, unknown>): string | undefined {
  if (r.schema !== 1) return `schema is ${JSON.stringify(r.schema)}, expected 1`
  if (r.verdict !== 'pass' && r.verdict !== 'fail') return "verdict is not 'pass' or 'fail'"
  const target = r.target as Record<string, unknown> | undefined
  if (typeof target?.name !== 'string') return 'target.name is missing'
  const counts = r.counts as Record<string, unknown> | undefined
  if (!['passed', 'failed', 'skipped'].every((k) => typeof counts?.[k] === 'number'))
    return 'counts are missing'
  if (!Array.isArray(r.checks)) return 'checks is not a list'
  for (const [i, c] of (r.checks as Record<string, unknown>[]).entries()) {
    if (
      typeof c?.id !== 'string' ||
      typeof c.title !== 'string' ||
      typeof c.summary !== 'string' ||
      !STATUSES.includes(c.status as string) ||
      !SEVERITIES.includes(c.severity as string) ||
      !Array.isArray(c.evidence)
    )
      return `checks[${i}] is not a check result`
    const skip = skipProblem(c, i)
    if (skip) return skip
  }
  if (typeof r.timings_ms !== 'object' || r.timings_ms === null) return 'timings_ms is missing'
  return undefined
}

/** The report in `file`; throws an Error naming the file and the first problem. */
export async function readReport(file: string): Promise<Report> {
  let parsed: unknown
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'))
  } catch (err) {
    throw new Error(`report-file ${file} is not readable JSON: ${(err as Error).message}`)
  }
  const why =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? problem(parsed as Record<string, unknown>)
      : 'not a JSON object'
  if (why) throw new Error(`report-file ${file} is not a flask-deploy-check report: ${why}`)
  return parsed as Report
}

/** What a baseline report is read down to: enough to compare checks by id. */
export interface BaselineRead {
  /** Version of the tool that wrote it ('' when it does not say). */
  toolVersion: string
  checks: Pick<Report['checks'][number], 'id' | 'status' | 'severity' | 'skip_reason'>[]
  /** What was left out, one line each. */
  notes: string[]
}

/**
 * A baseline report, read leniently: any schema-1-like file with a `checks` list is compared,
 * entries that are not check results are left out with a note; a file that cannot be read at all
 * gives no checks and says why (every failure then counts as new: the gate fails closed).
 */
export async function readBaseline(file: string, shown = file): Promise<BaselineRead> {
  let parsed: Record<string, unknown>
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>
  } catch (err) {
    const why =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (err as Error).message
    return {
      toolVersion: '',
      checks: [],
      notes: [`baseline ${shown} could not be read (${why}): nothing compared`],
    }
  }
  const tool = (parsed?.tool ?? {}) as Record<string, unknown>
  const toolVersion = typeof tool.version === 'string' ? tool.version : ''
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(parsed.checks))
    return {
      toolVersion,
      checks: [],
      notes: [`baseline ${shown} has no checks list: nothing compared`],
    }
  const notes: string[] = []
  if (parsed.schema !== 1)
    notes.push(`baseline schema is ${JSON.stringify(parsed.schema)}, not 1: read as far as it goes`)
  const checks: BaselineRead['checks'] = []
  for (const [i, c] of (parsed.checks as Record<string, unknown>[]).entries()) {
    if (
      typeof c?.id !== 'string' ||
      !STATUSES.includes(c.status as string) ||
      !SEVERITIES.includes(c.severity as string)
    ) {
      notes.push(`baseline checks[${i}] is not a check result: left out`)
      continue
    }
    const entry: BaselineRead['checks'][number] = {
      id: c.id,
      status: c.status as BaselineRead['checks'][number]['status'],
      severity: c.severity as BaselineRead['checks'][number]['severity'],
    }
    if (SKIP_REASONS.includes(c.skip_reason as string))
      entry.skip_reason = c.skip_reason as BaselineRead['checks'][number]['skip_reason']
    checks.push(entry)
  }
  return { toolVersion, checks, notes }
}
