import * as fs from 'node:fs'
import * as path from 'node:path'
import { CATALOG } from '../src/checks/catalog'
import { implementations } from '../src/checks/registry'

const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8')
const rows = readme
  .split('\n')
  .map((l) => /^\| `([a-z.-]+)` \| (error|warning|notice) \| (✅|coming) \|/.exec(l))
  .filter((m): m is RegExpExecArray => m !== null)

test('the README check table lists the catalog in order with its severities', () => {
  expect(rows.map((m) => [m[1], m[2]])).toEqual(CATALOG.map((c) => [c.id, c.severity]))
})

test('the README marks exactly the implemented checks as available', () => {
  const available = rows.filter((m) => m[3] === '✅').map((m) => m[1])
  expect(available).toEqual(CATALOG.map((c) => c.id).filter((id) => id in implementations))
})
