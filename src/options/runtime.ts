/**
 * The `runtime` and `unit-file` inputs: docker (the Dockerfile's image) or host (the systemd
 * unit run as a child process). auto: docker when there is a Dockerfile (or `image`), host when
 * the repository has a unit file and no Dockerfile. Throws UsageError like the other inputs.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { findUnitFiles } from '../host/unit-file'

export type RuntimeKind = 'docker' | 'host'

export interface RuntimeChoice {
  runtime: RuntimeKind
  /** The unit file for host mode (absolute). */
  unitFile?: string
}

export function runtimeOf(
  raw: { runtime: string; unitFile: string },
  where: { context: string; dockerfile: string; image: boolean; workspace: string },
  bad: (input: string, value: string, accepted: string) => Error,
): RuntimeChoice {
  const asked = raw.runtime || 'auto'
  if (!['auto', 'docker', 'host'].includes(asked))
    throw bad('runtime', asked, "'auto', 'docker' or 'host'")
  const hasDockerfile = where.image || fs.existsSync(where.dockerfile)
  if (asked === 'docker' || (asked === 'auto' && hasDockerfile)) return { runtime: 'docker' }
  if (raw.unitFile && raw.unitFile !== 'auto') {
    const abs = path.resolve(where.workspace, raw.unitFile)
    if (!fs.existsSync(abs) || !fs.statSync(abs).isFile())
      throw bad('unit-file', raw.unitFile, `an existing unit file (looked for ${abs})`)
    return { runtime: 'host', unitFile: abs }
  }
  const found = fs.existsSync(where.context) ? findUnitFiles(where.context) : []
  if (found.length === 1) return { runtime: 'host', unitFile: found[0] }
  if (asked === 'auto') return { runtime: 'docker' }
  const rel = found.map((f) => path.relative(where.workspace, f)).join(', ')
  throw bad(
    'unit-file',
    raw.unitFile || 'auto',
    found.length
      ? `one unit file; the repository has several (${rel}): name one`
      : 'a *.service file whose ExecStart= runs gunicorn, uwsgi or waitress (none found)',
  )
}
