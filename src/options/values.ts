/**
 * The value shapes inputs share (lines, KEY=VALUE pairs, booleans, numbers, paths, a command) and
 * the one error they throw: each names the input, the value and what is accepted.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'

/** A problem with the options: one line, exit code 2, nothing started. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export function bad(input: string, value: string, accepted: string): UsageError {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value
  return new UsageError(`input '${input}' has invalid value '${shown}': ${accepted}`)
}

export function lines(value: string | undefined): string[] {
  return (value ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

export function pairs(input: string, value: string | undefined): [string, string][] {
  return lines(value).map((line) => {
    const eq = line.indexOf('=')
    const key = eq > 0 ? line.slice(0, eq).trim() : ''
    if (!ENV_NAME.test(key)) {
      // Never echo the value: it may be a secret.
      throw bad(
        input,
        eq >= 0 ? `${key}=***` : `${/^\w*/.exec(line)?.[0] ?? ''}***`,
        'one KEY=VALUE per line, KEY made of letters, digits and _',
      )
    }
    return [key, line.slice(eq + 1)]
  })
}

export function bool(input: string, value: string | undefined, fallback: boolean): boolean {
  const v = (value ?? '').trim()
  if (v === '') return fallback
  if (['true', 'True', 'TRUE'].includes(v)) return true
  if (['false', 'False', 'FALSE'].includes(v)) return false
  throw bad(input, v, "'true' or 'false'")
}

export function int(input: string, value: string, min: number, max: number): number {
  const v = value.trim()
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw bad(input, v, `a whole number from ${min} to ${max}`)
  }
  return Number(v)
}

export function urlPath(input: string, value: string): string {
  if (!/^\/[^\s]*$/.test(value))
    throw bad(input, value, "a path starting with '/' and without spaces")
  return value
}

/** Splits a command: a JSON array, or words separated by spaces with '...' or "..." quoting. */
export function command(value: string): string[] {
  const v = value.trim()
  if (v.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(v)
    } catch {
      throw bad('command', v, 'a JSON array of strings or a space-separated command line')
    }
    if (
      !Array.isArray(parsed) ||
      parsed.length === 0 ||
      !parsed.every((s) => typeof s === 'string')
    ) {
      throw bad('command', v, 'a non-empty JSON array of strings')
    }
    return parsed as string[]
  }
  const words: string[] = []
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g
  for (let m = re.exec(v); m !== null; m = re.exec(v)) words.push(m[1] ?? m[2] ?? m[3])
  return words
}

export function existing(
  input: string,
  value: string,
  base: string,
  kind: 'file' | 'directory',
): string {
  const abs = path.resolve(base, value)
  let stat: fs.Stats | undefined
  try {
    stat = fs.statSync(abs)
  } catch {
    stat = undefined
  }
  if (stat === undefined || (kind === 'file' ? !stat.isFile() : !stat.isDirectory())) {
    throw bad(input, value, `an existing ${kind} (looked for ${abs})`)
  }
  return abs
}
