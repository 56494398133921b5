import * as fs from 'node:fs'
import * as path from 'node:path'
import { probeFiles } from '../../src/probe/python'

const DIR = path.join(__dirname, '..', '..', 'src', 'probe', 'python')
const DIST = path.join(__dirname, '..', '..', 'dist')

test('the probe mounts every .py of src/probe/python, as written', () => {
  const names = fs.readdirSync(DIR).filter((f) => f.endsWith('.py'))
  expect(Object.keys(probeFiles()).sort()).toEqual(names.sort())
  for (const name of names)
    expect(probeFiles()[name]).toBe(fs.readFileSync(path.join(DIR, name), 'utf8'))
})

test('both bundles ship the probe files as assets beside them', () => {
  for (const bundle of ['index.js', 'cli/index.js']) {
    const dir = path.dirname(path.join(DIST, bundle))
    const text = fs.readFileSync(path.join(DIST, bundle), 'utf8')
    for (const name of Object.keys(probeFiles())) {
      // The bundle reads python/<name> beside itself (its __dirname); scripts/build.sh puts it there.
      expect(fs.readFileSync(path.join(dir, 'python', name), 'utf8')).toBe(probeFiles()[name])
      expect(text).not.toContain('def _secret_key(')
    }
  }
})

test('the probe never puts the key itself in its answer', () => {
  const probe = probeFiles()['fdc_probe.py']
  // The key is read once, straight into the digest helper; the e2e tests check real answers.
  expect(probe.match(/\.secret_key\b/g)).toEqual(['.secret_key'])
  expect(probe).toContain('_secret_key(app.secret_key)')
  expect(probe).not.toMatch(/["']SECRET_KEY["']/)
})
