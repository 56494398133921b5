/**
 * SARIF 2.1.0 for github/codeql-action/upload-sarif: one rule per catalog check (title, help =
 * the fix, default level from the catalog severity) and one result per failed check that points
 * at a file of the repository (Dockerfile, nginx config, unit or compose file). Checks without a
 * location stay in the report and the summary: code scanning can only show file lines.
 */
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import type { Check, Severity } from '../checks/lib/types'
import type { Report } from './report'

export type SarifLevel = 'error' | 'warning' | 'note'

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', notice: 'note' }

/** What a rule needs from a catalog check. */
export type RuleSource = Pick<Check, 'id' | 'title' | 'severity' | 'passesWhen'>

/** The SARIF log (as a plain object) for one report. */
export function toSarif(report: Report, catalog: readonly RuleSource[]): Record<string, unknown> {
  const fixes = new Map(report.checks.flatMap((c) => (c.fix ? [[c.id, c.fix] as const] : [])))
  const rules = catalog.map((c) => {
    const fix = fixes.get(c.id)
    const help = fix ? `${fix}\n\nPasses when: ${c.passesWhen}` : `Passes when: ${c.passesWhen}`
    return {
      id: c.id,
      name: c.id.replace(/[.-](\w)/g, (_, ch: string) => ch.toUpperCase()),
      shortDescription: { text: c.title },
      fullDescription: { text: `${c.title}. Passes when: ${c.passesWhen}` },
      help: { text: help, markdown: help },
      defaultConfiguration: { level: LEVEL[c.severity] },
      properties: { tags: ['deployment', c.id.split('.')[0]] },
    }
  })
  const index = new Map(catalog.map((c, i) => [c.id, i]))
  const results = report.checks.flatMap((c) => {
    if (c.status !== 'failed' || c.location === undefined || !index.has(c.id)) return []
    const region = c.location.line !== undefined && c.location.line >= 1
    const exception = c.policy?.exception
    const why = exception && !exception.expired ? ` (policy: ${exception.reason})` : ''
    return [
      {
        ruleId: c.id,
        ruleIndex: index.get(c.id),
        level: LEVEL[c.severity],
        message: { text: `${c.summary}${c.fix ? ` Fix: ${c.fix}` : ''}${why}` },
        locations: [
          {
            physicalLocation: {
              artifactLocation: {
                uri: c.location.file.split(path.sep).join('/'),
                uriBaseId: '%SRCROOT%',
              },
              ...(region ? { region: { startLine: c.location.line } } : {}),
            },
          },
        ],
      },
    ]
  })
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            rules,
          },
        },
        automationDetails: { id: `${report.tool.name}/${report.target.name || 'default'}/` },
        results,
      },
    ],
  }
}

/** Writes the SARIF log as JSON, creating parent directories. */
export async function writeSarif(log: Record<string, unknown>, file: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true })
  await fs.writeFile(file, `${JSON.stringify(log, null, 2)}\n`, 'utf8')
}
