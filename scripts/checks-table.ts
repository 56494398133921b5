/**
 * The README's checks table, rendered from the catalog: one row per check in catalog order.
 * Pure, so __tests__/readme.test.ts can compare it with the README and
 * scripts/readme-checks.ts can write it there (`npm run readme:checks`).
 */
import type { Check } from '../src/checks/lib/types'

export const START = '<!-- checks:start -->'
export const END = '<!-- checks:end -->'

const cell = (text: string): string => text.replace(/\|/g, '\\|')

/** The table in Markdown, without the markers. */
export function checksTable(catalog: readonly Check[]): string {
  return [
    '| id | severity | title | passes when |',
    '|---|---|---|---|',
    ...catalog.map(
      (c) => `| \`${c.id}\` | ${c.severity} | ${cell(c.title)} | ${cell(c.passesWhen)} |`,
    ),
  ].join('\n')
}

/** The README with the text between the markers replaced by the table; throws without markers. */
export function withChecksTable(readme: string, catalog: readonly Check[]): string {
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) throw new Error(`README.md needs ${START} ... ${END}`)
  const before = readme.slice(0, start + START.length)
  return `${before}\n${checksTable(catalog)}\n${readme.slice(end)}`
}
