/**
 * Every input of action.yml with one value parseOptions takes and one it refuses. The refusal is
 * the one line a user reads before anything starts: the input, the value (a secret one masked)
 * and what is accepted.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { INPUT_NAMES, parseOptions, UsageError, type Options, type RawInputs } from '../src/options'
import { actionDefaults } from './e2e/run-action'
import { COMMENT_ONLY, inputRows, makeInputWorkspace } from './input-table'

const ws = makeInputWorkspace()
afterAll(() => fs.rmSync(ws, { recursive: true, force: true }))

const at = (rel: string): string => path.join(ws, rel)
const parse = (raw: RawInputs): Options => parseOptions(raw, { workspace: ws })
/** The message parseOptions refuses `raw` with (fails the test when it accepts it). */
function refusal(raw: RawInputs): string {
  try {
    parse(raw)
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError)
    return (err as Error).message
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`)
}

const rows = inputRows(at)

test('the table has one row per input, and the inputs are those of action.yml', () => {
  expect(rows.map((r) => r.input)).toEqual([...INPUT_NAMES])
  expect(Object.keys(actionDefaults())).toEqual([...INPUT_NAMES])
})

describe.each(rows.map((r) => [r.input, r] as const))('%s', (input, row) => {
  test('takes a good value', () => {
    expect(parse(row.good.raw)).toMatchObject(row.good.gives)
  })
  const bad = row.bad
  if ('none' in bad) {
    test(`takes any value: ${bad.none}`, () => {
      expect(() => parse({ [input]: ' anything at all ' })).not.toThrow()
    })
    return
  }
  test('refuses a bad one in one line naming the input, the value and what is accepted', () => {
    const message = refusal(bad.raw)
    expect(message).toBe(bad.message)
    expect(message).not.toMatch(/\n/)
  })
})

test('a value that may be a secret is never echoed, with or without its =', () => {
  expect(refusal({ env: 'API KEY=hunter2-hunter2' })).toBe(
    "input 'env' has invalid value 'API KEY=***': one KEY=VALUE per line, KEY made of letters, digits and _",
  )
  expect(refusal({ 'build-args': 'PIP_TOKEN: hunter2-hunter2' })).toBe(
    "input 'build-args' has invalid value 'PIP_TOKEN***': one KEY=VALUE per line, KEY made of letters, digits and _",
  )
  expect(refusal({ env: '=hunter2-hunter2' })).toBe(
    "input 'env' has invalid value '=***': one KEY=VALUE per line, KEY made of letters, digits and _",
  )
})

test('a long value is cut in the message', () => {
  const long = `/${'x'.repeat(100)} y`
  expect(refusal({ 'health-path': long })).toBe(
    `input 'health-path' has invalid value '${long.slice(0, 77)}...': a path starting with '/' and without spaces`,
  )
})

test('with no Dockerfile in the context the default file is named', () => {
  fs.mkdirSync(path.join(ws, 'empty'), { recursive: true })
  expect(refusal({ context: 'empty' })).toBe(
    `input 'file' has invalid value 'empty/Dockerfile': an existing file (looked for ${at('empty/Dockerfile')})`,
  )
})

test('comment-only looks at no build input', () => {
  expect(parse({ ...COMMENT_ONLY, context: 'web', image: '--not looked at' })).toMatchObject({
    mode: 'comment-only',
  })
})

test('runtime auto: docker beside a Dockerfile, host for a repository with a unit file and none', () => {
  expect(parse({})).toMatchObject({ runtime: 'docker' })
  expect(parse({ context: 'deploy' })).toMatchObject({
    runtime: 'host',
    unitFile: at('deploy/app.service'),
  })
})
