import * as fs from 'node:fs'
import * as path from 'node:path'
import { PROBE_FILES } from '../../src/probe/python'

const DIR = path.join(__dirname, '..', '..', 'src', 'probe', 'python')

test('the embedded sources are exactly the .py files (edit the .py, then paste it into python.ts)', () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.py'))
  expect(Object.keys(PROBE_FILES).sort()).toEqual(files.sort())
  for (const name of files) {
    expect({ name, source: PROBE_FILES[name] }).toEqual({
      name,
      source: fs.readFileSync(path.join(DIR, name), 'utf8'),
    })
  }
})

test('the probe never puts the key itself in its answer', () => {
  const probe = PROBE_FILES['fdc_probe.py']
  // The key is read once, straight into the digest helper; the e2e tests check real answers.
  expect(probe.match(/\.secret_key\b/g)).toEqual(['.secret_key'])
  expect(probe).toContain('_secret_key(app.secret_key)')
  expect(probe).not.toMatch(/["']SECRET_KEY["']/)
})
