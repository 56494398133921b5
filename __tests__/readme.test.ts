import * as fs from 'node:fs'
import * as path from 'node:path'
import { CATALOG } from '../src/checks/catalog'
import { END, START, checksTable, withChecksTable } from '../scripts/checks-table'

const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8')

test('README checks table: equal to the one generated from the catalog (fix: npm run readme:checks)', () => {
  expect(readme.split(START).length).toBe(2)
  expect(readme.split(END).length).toBe(2)
  expect(withChecksTable(readme, CATALOG)).toBe(readme)
})

test('the table has one row per check, in catalog order, with id, severity and title', () => {
  const rows = checksTable(CATALOG)
    .split('\n')
    .slice(2)
    .map((l) => /^\| `([a-z.-]+)` \| (error|warning|notice) \| ([^|]+) \|/.exec(l))
  expect(rows.map((m) => m && [m[1], m[2], m[3].trim()])).toEqual(
    CATALOG.map((c) => [c.id, c.severity, c.title]),
  )
})
