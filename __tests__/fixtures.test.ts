/**
 * The fixtures stay what the end-to-end tests assume: each defect fixture is the good one with
 * exactly the files its case names changed, builds FROM the overridable base image, and has an
 * expectation in __tests__/e2e/cases.ts.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ALL_CASES, HOST_CASES, HOST_GOOD } from './e2e/cases'

const FIXTURES = path.join(__dirname, 'fixtures')
const fixtures = fs
  .readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  // Compose projects are repositories of their own shape: __tests__/compose-fixtures.test.ts.
  .filter((d) => !d.startsWith('compose-'))
  // Host-mode fixtures have no Dockerfile: __tests__/host-fixtures.test.ts keeps them honest.
  .filter((n) => n !== HOST_GOOD && !HOST_CASES.some((c) => c.fixture === n))
  .sort()

/** Relative paths of the files under dir. */
function filesOf(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .filter((f) => !f.includes('__pycache__'))
    .sort()
}

function changedFiles(name: string): string[] {
  const good = path.join(FIXTURES, 'good')
  const other = path.join(FIXTURES, name)
  const all = [...new Set([...filesOf(good), ...filesOf(other)])].sort()
  return all.filter((f) => {
    const a = path.join(good, f)
    const b = path.join(other, f)
    return !fs.existsSync(a) || !fs.existsSync(b) || !fs.readFileSync(a).equals(fs.readFileSync(b))
  })
}

describe('fixtures', () => {
  it('are the good one plus one directory per defect case', () => {
    expect(fixtures).toEqual(['good', ...ALL_CASES.map((c) => c.fixture)].sort())
  })

  it.each(fixtures)('%s builds FROM ${BASE} (default python:3.12-slim)', (name) => {
    const dockerfile = fs.readFileSync(path.join(FIXTURES, name, 'Dockerfile'), 'utf8')
    const instructions = dockerfile.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'))
    expect(instructions.slice(0, 2)).toEqual(['ARG BASE=python:3.12-slim', 'FROM ${BASE}'])
  })

  it.each(ALL_CASES.map((c) => [c.fixture, c.changedFiles] as const))(
    '%s differs from good only in %j',
    (name, expected) => {
      expect(changedFiles(name)).toEqual([...expected].sort())
    },
  )

  it.each(ALL_CASES.map((c) => [c.fixture] as const))('%s says where its defect is', (name) => {
    const dir = path.join(FIXTURES, name)
    // A file moved away (deploy/nginx.conf of a config found elsewhere) cannot hold the marker.
    const marked = changedFiles(name).some((f) => {
      if (!fs.existsSync(path.join(dir, f))) return false
      const text = fs.readFileSync(path.join(dir, f), 'utf8')
      return /^\s*# defect: /m.test(text) || text.startsWith(`"""Fixture \`${name}\``)
    })
    expect(marked).toBe(true)
  })
})
