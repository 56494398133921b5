/**
 * Writes the checks table generated from src/checks/catalog.ts into README.md.
 * Run: npm run readme:checks (bundles this file with ncc into build/, then runs it).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { CATALOG } from '../src/checks/catalog'
import { withChecksTable } from './checks-table'

// The bundle runs from build/readme-checks/.
const file = path.join(__dirname, '..', '..', 'README.md')
const readme = fs.readFileSync(file, 'utf8')
const updated = withChecksTable(readme, CATALOG)
if (updated === readme) {
  console.log(`README.md: the checks table is up to date (${CATALOG.length} checks)`)
} else {
  fs.writeFileSync(file, updated)
  console.log(`README.md: wrote the checks table (${CATALOG.length} checks)`)
}
