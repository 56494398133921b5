/**
 * The compose fixtures stay what __tests__/e2e/compose.e2e.test.ts assumes: each is compose-good
 * with exactly the files named here changed, the change marked (`# defect:` for a defect, a
 * comment for a variant), and the app built FROM the overridable base image.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'

const FIXTURES = path.join(__dirname, 'fixtures')
const GOOD = 'compose-good'

/** Each compose fixture, the files in which it differs from compose-good, and what marks it. */
const VARIANTS: Record<string, { files: string[]; marker: RegExp }> = {
  'compose-wait-for-db': {
    files: ['Dockerfile', 'docker-compose.yml', 'docker-entrypoint.sh'],
    marker: /entrypoint waits for the port itself/,
  },
  'compose-missing-env-file': { files: ['docker-compose.yml'], marker: /^\s*# defect: /m },
  'compose-nginx-build': {
    files: ['docker-compose.yml', 'nginx/Dockerfile'],
    marker: /built from nginx\//,
  },
  'compose-weak-secret': { files: ['docker-compose.yml'], marker: /^\s*# defect: /m },
  'compose-secret-file': {
    files: ['app.py', 'docker-compose.yml', 'secrets/db_password.txt'],
    marker: /is a compose secret/,
  },
  'compose-two-builds': { files: ['docker-compose.yml'], marker: /auto cannot tell which/ },
}

function filesOf(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .filter((f) => !f.includes('__pycache__'))
    .sort()
}

function changedFiles(name: string): string[] {
  const good = path.join(FIXTURES, GOOD)
  const other = path.join(FIXTURES, name)
  const all = [...new Set([...filesOf(good), ...filesOf(other)])].sort()
  return all.filter((f) => {
    const a = path.join(good, f)
    const b = path.join(other, f)
    return !fs.existsSync(a) || !fs.existsSync(b) || !fs.readFileSync(a).equals(fs.readFileSync(b))
  })
}

test('the compose fixtures are compose-good and one directory per variant', () => {
  const dirs = fs.readdirSync(FIXTURES).filter((d) => d.startsWith('compose-'))
  expect(dirs.sort()).toEqual([GOOD, ...Object.keys(VARIANTS)].sort())
})

test.each(Object.entries(VARIANTS))(
  '%s differs from compose-good only where it says',
  (name, v) => {
    expect(changedFiles(name)).toEqual([...v.files].sort())
    const texts = v.files
      .filter((f) => fs.existsSync(path.join(FIXTURES, name, f)))
      .map((f) => fs.readFileSync(path.join(FIXTURES, name, f), 'utf8'))
    expect(texts.some((t) => v.marker.test(t))).toBe(true)
  },
)

test.each([GOOD, ...Object.keys(VARIANTS)])('%s builds the app FROM ${BASE}', (name) => {
  const dockerfile = fs.readFileSync(path.join(FIXTURES, name, 'Dockerfile'), 'utf8')
  expect(dockerfile.split('\n').slice(0, 2)).toEqual(['ARG BASE=python:3.12-slim', 'FROM ${BASE}'])
})
