/**
 * Reads `.flask-deploy-check.yml` (or the `policy-file` input): YAML with line numbers kept,
 * validated against schema.json (the check ids come from the catalog's id list), so that a bad
 * file is one line naming the file, the line and the key, before anything starts.
 */
import * as fs from 'node:fs'
import Ajv, { type ErrorObject } from 'ajv'
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml'
import { CHECK_IDS } from '../checks/ids'
import baseSchema from './schema.json'

export type PolicyLevel = 'error' | 'warning' | 'notice' | 'off'

/** One check's exception as the file states it. */
export interface PolicyEntry {
  level: PolicyLevel
  reason: string
  /** YYYY-MM-DD: the last day the exception holds. */
  until?: string
  /** Line of the check id in the file. */
  line: number
}

export interface Policy {
  /** The file, as the user would name it (workspace-relative when inside it). */
  file: string
  checks: Record<string, PolicyEntry>
  /** Input defaults, as the raw strings an input would carry (lists one item a line). */
  inputs: Record<string, string>
}

/** The file is not a valid policy: the message names the file, the line and the key. */
export class PolicyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PolicyError'
  }
}

/** schema.json with the catalog's ids as the only keys `checks` may have. */
function schema(): object {
  const s = JSON.parse(JSON.stringify(baseSchema)) as {
    properties: { checks: Record<string, unknown> }
  }
  s.properties.checks.propertyNames = { enum: [...CHECK_IDS] }
  return s
}

const validate = new Ajv({ allErrors: true, strict: false }).compile(schema())

/** The YAML node at a JSON-pointer-like path, and the key node of its last segment. */
function nodeAt(doc: Document, segments: string[]): { key?: Node; value?: Node } {
  let node: unknown = doc.contents
  let key: Node | undefined
  for (const seg of segments) {
    if (!isMap(node)) return { key, value: undefined }
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg)
    if (pair === undefined) return { key, value: undefined }
    key = pair.key as Node
    node = pair.value
  }
  return { key, value: (node ?? undefined) as Node | undefined }
}

function lineOf(node: Node | undefined, lines: LineCounter): number {
  const offset = node?.range?.[0]
  return offset === undefined ? 1 : lines.linePos(offset).line
}

const pointer = (p: string): string[] =>
  p === ''
    ? []
    : p
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))

/** One line per schema error: where, which key, what is wrong. */
function describe(e: ErrorObject, doc: Document, lines: LineCounter): [number, string] {
  const segs = pointer(e.instancePath)
  const where = segs.join('.') || 'the top level'
  const params = e.params as Record<string, unknown>
  if (e.keyword === 'additionalProperties' || e.keyword === 'propertyNames') {
    const name = String(params.additionalProperty ?? params.propertyName)
    const line = lineOf(nodeAt(doc, [...segs, name]).key, lines)
    const known =
      segs.length === 1 && segs[0] === 'checks'
        ? `unknown check id '${name}' (check ids: ${CHECK_IDS.slice(0, 3).join(', ')}, ...)`
        : `unknown key '${name}' under ${where}`
    return [line, known]
  }
  const { key, value } = nodeAt(doc, segs)
  if (e.keyword === 'required')
    return [lineOf(key ?? value, lines), `${where} needs '${String(params.missingProperty)}'`]
  const allowed = params.allowedValues as unknown[] | undefined
  const what = allowed
    ? `must be one of ${allowed.join(', ')}`
    : e.keyword === 'pattern'
      ? 'must be a date YYYY-MM-DD'
      : (e.message ?? 'is not valid')
  return [lineOf(value ?? key, lines), `'${segs[segs.length - 1] ?? ''}' (${where}) ${what}`]
}

/** A real calendar day: 2026-02-30 is refused. */
function isDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

function inputValue(v: unknown): string {
  return Array.isArray(v) ? v.map(String).join('\n') : String(v)
}

/** Parses and validates policy text; `file` names it in messages. Throws PolicyError. */
export function parsePolicy(text: string, file: string): Policy {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const fail = (line: number, what: string): never => {
    throw new PolicyError(`policy file ${file} line ${line}: ${what}`)
  }
  const yamlError = doc.errors[0]
  if (yamlError !== undefined)
    fail(
      lines.linePos(yamlError.pos[0]).line,
      `not valid YAML: ${yamlError.message.split('\n')[0]}`,
    )
  const data = (doc.toJS() ?? {}) as Record<string, unknown>
  if (!validate(data)) {
    const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if')
    // A bad key hides behind every error about its value: report the key itself first.
    const first =
      errors.find((e) => ['additionalProperties', 'propertyNames'].includes(e.keyword)) ?? errors[0]
    const [line, what] = describe(first, doc, lines)
    fail(line, what)
  }
  const checks: Record<string, PolicyEntry> = {}
  const raw = (data.checks ?? {}) as Record<string, Omit<PolicyEntry, 'line'>>
  for (const [id, entry] of Object.entries(raw)) {
    const { key, value } = nodeAt(doc, ['checks', id])
    if (entry.until !== undefined && !isDate(entry.until))
      fail(
        lineOf(nodeAt(doc, ['checks', id, 'until']).value, lines),
        `'until' (checks.${id}.until) is not a calendar date: ${entry.until}`,
      )
    checks[id] = { ...entry, line: lineOf(key ?? value, lines) }
  }
  const inputs = Object.fromEntries(
    Object.entries((data.inputs ?? {}) as Record<string, unknown>).map(([k, v]) => [
      k,
      inputValue(v),
    ]),
  )
  return { file, checks, inputs }
}

/** Reads the policy in `abs`; `shown` names it in messages. Throws PolicyError. */
export function readPolicy(abs: string, shown: string): Policy {
  let text: string
  try {
    text = fs.readFileSync(abs, 'utf8')
  } catch (err) {
    throw new PolicyError(`policy file ${shown} cannot be read: ${(err as Error).message}`)
  }
  return parsePolicy(text, shown)
}
