/**
 * The policy file: what it may hold, and the one line a user reads when it is wrong (the file,
 * the line and the key), before anything starts.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseOptions, POLICY_INPUTS, UsageError } from '../../src/options'
import { parsePolicy } from '../../src/policy/load'
import { actionDefaults } from '../e2e/run-action'

const FILE = '.flask-deploy-check.yml'
const refusal = (text: string): string => {
  try {
    parsePolicy(text, FILE)
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('accepted')
}

test('reads exceptions with their lines, and input defaults as input strings', () => {
  const text = [
    'checks:                      # per check id',
    '  tls.hsts: {level: warning, reason: "HSTS is added by the CDN", until: 2099-12-31}',
    '  image.non-root:',
    '    level: off',
    '    reason: base image fixed upstream',
    'inputs:',
    '  fail-on: warning',
    '  boot-timeout: 90',
    '  routes: [/, /login]',
    '  introspect: false',
  ].join('\n')
  expect(parsePolicy(text, FILE)).toEqual({
    file: FILE,
    checks: {
      'tls.hsts': {
        level: 'warning',
        reason: 'HSTS is added by the CDN',
        until: '2099-12-31',
        line: 2,
      },
      'image.non-root': { level: 'off', reason: 'base image fixed upstream', line: 3 },
    },
    inputs: {
      'fail-on': 'warning',
      'boot-timeout': '90',
      routes: '/\n/login',
      introspect: 'false',
    },
  })
})

test.each([
  [
    'an unknown check id',
    'checks:\n  tls.hsts: {level: warning, reason: x}\n  tls.hst: {level: warning, reason: y}\n',
    "line 3: unknown check id 'tls.hst'",
  ],
  [
    'an unknown key in an exception',
    'checks:\n  tls.hsts:\n    level: warning\n    reson: typo\n',
    "line 4: unknown key 'reson' under checks.tls.hsts",
  ],
  ['an unknown top-level key', 'inputs: {}\nchekcs: {}\n', "line 2: unknown key 'chekcs'"],
  [
    'an input the policy cannot set',
    'inputs:\n  fail-on: error\n  github-token: x\n',
    "line 3: unknown key 'github-token' under inputs",
  ],
  [
    'a bad level',
    'checks:\n  tls.hsts:\n    level: loud\n    reason: x\n',
    "line 3: 'level' (checks.tls.hsts.level) must be one of error, warning, notice, off",
  ],
  [
    'no reason',
    'checks:\n  tls.hsts:\n    level: warning\n',
    "line 2: checks.tls.hsts needs 'reason'",
  ],
  [
    'a date that is not YYYY-MM-DD',
    'checks:\n  tls.hsts: {level: warning, reason: x,\n    until: next year}\n',
    "line 3: 'until' (checks.tls.hsts.until) must be a date YYYY-MM-DD",
  ],
  [
    'a day that does not exist',
    'checks:\n  tls.hsts: {level: warning, reason: x, until: 2026-02-30}\n',
    "line 2: 'until' (checks.tls.hsts.until) is not a calendar date: 2026-02-30",
  ],
  [
    'a bad fail-on',
    'inputs:\n  fail-on: sometimes\n',
    "line 2: 'fail-on' (inputs.fail-on) must be one of error, warning, never",
  ],
  ['a YAML error', 'checks:\n  tls.hsts: [level\n', 'line 3: not valid YAML'],
  ['a duplicate key', 'inputs: {}\ninputs: {}\n', 'line 2: not valid YAML'],
])('refuses %s, naming the file, the line and the key', (_what, text, message) => {
  const got = refusal(text)
  expect(got.startsWith(`policy file ${FILE} ${message}`)).toBe(true)
  expect(got).not.toMatch(/\n/)
})

describe('precedence: the workflow, then the policy, then the built-in default', () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-policy-'))
  fs.writeFileSync(path.join(ws, 'Dockerfile'), 'FROM scratch\n')
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }))
  const write = (text: string): void => fs.writeFileSync(path.join(ws, FILE), text)

  test('the default file at the workspace root is used when present', () => {
    write('inputs:\n  fail-on: warning\n  boot-timeout: 90\n')
    const o = parseOptions({ 'fail-on': '', 'boot-timeout': '15' }, { workspace: ws })
    expect({ failOn: o.failOn, boot: o.bootTimeoutS, health: o.healthPath }).toEqual({
      failOn: 'warning',
      boot: 15,
      health: '/healthz',
    })
    expect(o.policy?.file).toBe(FILE)
  })

  test('a bad policy value is refused as the input would be', () => {
    write('inputs:\n  boot-timeout: forever\n')
    expect(() => parseOptions({}, { workspace: ws })).toThrow(
      "input 'boot-timeout' has invalid value 'forever': a whole number from 1 to 3600",
    )
  })

  test('a malformed file is a usage error naming it', () => {
    write('checks:\n  nope: {level: off, reason: x}\n')
    expect(() => parseOptions({}, { workspace: ws })).toThrow(UsageError)
    expect(() => parseOptions({}, { workspace: ws })).toThrow(
      /^policy file \.flask-deploy-check\.yml line 2: unknown check id 'nope'/,
    )
  })

  test('every input the policy may set has no default in action.yml (a runner would pass it)', () => {
    const defaults = actionDefaults()
    const withDefault = POLICY_INPUTS.filter((k) => (defaults[k] ?? 'missing') !== '')
    expect(withDefault).toEqual([])
  })
})
