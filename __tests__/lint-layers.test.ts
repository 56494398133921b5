/**
 * The layers are enforced by lint, not by goodwill: a module that imports up a layer, a pure
 * module that reaches for node:fs, or an import cycle fails `npm test`. Each case is a real file
 * written into its layer (type-aware lint needs it on disk), linted in one run of the project's
 * own eslint with its own config, and removed.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'

const ROOT = path.resolve(__dirname, '..')

const CASES: Record<string, string> = {
  'src/checks/__lint-fs__.ts':
    "import { readFileSync } from 'node:fs'\nexport const n = readFileSync.length\n",
  'src/checks/__lint-up__.ts':
    "import { SITE_TARGET } from '../proxy/plan'\nimport { publish } from '../github/publish'\nexport const n = [SITE_TARGET, publish]\n",
  'src/facts/__lint-up__.ts':
    "import type { Options } from '../options'\nexport type O = Options\n",
  'src/facts/__lint-crypto__.ts':
    "import { createHash } from 'node:crypto'\nexport const h = (s: string): string => createHash('sha256').update(s).digest('hex')\n",
  'src/facts/__lint-os__.ts': "import * as os from 'node:os'\nexport const n = os.cpus().length\n",
  'src/docker/__lint-up__.ts':
    "import { collect } from '../runtime/collect'\nexport const c = collect\n",
  'src/checks/tls/__lint-sibling__.ts':
    "import { tlsHsts } from './hsts'\nimport { proxyHostHeader } from '../proxy/host-header'\nexport const n = [tlsHsts, proxyHostHeader]\n",
  'src/proxy/__lint-a__.ts':
    "import { b } from './__lint-b__'\nexport const a = (): number => b() + 1\n",
  'src/proxy/__lint-b__.ts':
    "import { a } from './__lint-a__'\nexport const b = (): number => a()\n",
}

let messages: Record<string, string> = {}

beforeAll(() => {
  for (const [rel, text] of Object.entries(CASES)) fs.writeFileSync(path.join(ROOT, rel), text)
  try {
    let out: string
    try {
      out = execFileSync(
        path.join(ROOT, 'node_modules/.bin/eslint'),
        ['--format', 'json', ...Object.keys(CASES)],
        { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 << 20 },
      )
    } catch (err) {
      // eslint exits 1 when it finds problems, which is what these cases are for.
      out = (err as { stdout: string }).stdout
    }
    const results = JSON.parse(out) as {
      filePath: string
      messages: { ruleId: string; message: string }[]
    }[]
    messages = Object.fromEntries(
      results.map((r) => [
        path.relative(ROOT, r.filePath),
        r.messages.map((m) => `${m.ruleId}: ${m.message}`).join('\n'),
      ]),
    )
  } finally {
    for (const rel of Object.keys(CASES)) fs.rmSync(path.join(ROOT, rel), { force: true })
  }
}, 300_000)

describe('layer rules', () => {
  it('refuses node:fs in a check', () => {
    expect(messages['src/checks/__lint-fs__.ts']).toMatch(
      /no-restricted-imports: .*checks are pure/,
    )
  })

  it('refuses a check that imports the proxy layer or github/', () => {
    const found = messages['src/checks/__lint-up__.ts'].split('\n')
    const restricted = found.filter((m) => m.startsWith('import/no-restricted-paths'))
    expect(restricted).toHaveLength(2)
    expect(restricted[0]).toMatch(/checks\/ import only facts\//)
  })

  it('refuses a check in a prefix folder that imports another check', () => {
    const found = messages['src/checks/tls/__lint-sibling__.ts'].split('\n')
    expect(found.filter((m) => /never another check file/.test(m))).toHaveLength(2)
  })

  it('refuses an upward import from facts/', () => {
    expect(messages['src/facts/__lint-up__.ts']).toMatch(
      /import\/no-restricted-paths: .*facts\/ is a leaf/,
    )
  })

  it('refuses docker/ reaching into runtime/', () => {
    expect(messages['src/docker/__lint-up__.ts']).toMatch(
      /import\/no-restricted-paths: .*docker\/ imports only facts\//,
    )
  })

  it('lets facts/ use node:crypto and nothing else of node', () => {
    expect(messages['src/facts/__lint-crypto__.ts']).toBe('')
    expect(messages['src/facts/__lint-os__.ts']).toMatch(/facts\/ is a leaf/)
  })

  it('reports an import cycle', () => {
    expect(messages['src/proxy/__lint-a__.ts']).toMatch(/import\/no-cycle/)
    expect(messages['src/proxy/__lint-b__.ts']).toMatch(/import\/no-cycle/)
  })
})
