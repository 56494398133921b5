/**
 * Recognising dependency installs in Dockerfile RUN lines (pip, poetry, pipenv, uv, pdm) and
 * whether pip keeps its download cache in the layer.
 */
import type { DockerInstruction } from '../../facts/types'

/** One install command found in a RUN instruction. */
export interface InstallCommand {
  tool: 'pip' | 'other'
  /** The shell command, whitespace collapsed. */
  text: string
  /** Only installs packaging tools (pip, setuptools, wheel, poetry ...), not the app's deps. */
  toolingOnly: boolean
  /** The requirements file named with -r, when any. */
  requirements?: string
}

const PIP = /(?:^|\s|\/)(?:pip[\d.]*|python[\d.]*\s+-m\s+pip)\s+(?:install|wheel)\b/
const OTHER =
  /\b(?:poetry\s+install|pipenv\s+(?:install|sync)|uv\s+(?:sync|pip\s+install)|pdm\s+(?:install|sync))\b/
const TOOLING = new Set([
  'pip',
  'setuptools',
  'wheel',
  'poetry',
  'pipenv',
  'uv',
  'pdm',
  'pip-tools',
])
/** pip options followed by a separate value we must not take for a package name. */
const VALUE_OPTIONS = new Set([
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '-t',
  '--target',
  '--prefix',
  '--root',
  '--trusted-host',
  '--cache-dir',
  '-w',
  '--wheel-dir',
  '--platform',
  '--python-version',
  '--only-binary',
  '--no-binary',
  '--progress-bar',
])

function pipPackages(command: string): {
  names: string[]
  requirements?: string
  editable: boolean
} {
  const t = command.split(' ')
  const start = t.findIndex((x) => x === 'install' || x === 'wheel')
  const names: string[] = []
  let requirements: string | undefined
  let editable = false
  for (let i = start + 1; i < t.length; i++) {
    const tok = t[i]
    if (tok === '-r' || tok === '--requirement') requirements = t[i + 1]
    else if (tok.startsWith('--requirement=')) requirements = tok.slice(14)
    else if (tok.startsWith('-r') && tok.length > 2 && !tok.startsWith('--'))
      requirements = tok.slice(2)
    if (tok === '-e' || tok === '--editable') editable = true
    if (VALUE_OPTIONS.has(tok)) i++
    else if (!tok.startsWith('-')) names.push(tok.replace(/^["']|["']$/g, ''))
  }
  return { names, requirements, editable }
}

/** The install commands of a RUN instruction (a RUN may chain several with && or ;). */
export function installCommands(run: DockerInstruction): InstallCommand[] {
  if (run.keyword !== 'RUN') return []
  const script = run.jsonForm ? run.args.join(' ') : run.raw
  const result: InstallCommand[] = []
  for (const part of script.split(/&&|\|\||;|\||\n/)) {
    const text = part
      .replace(/\\\s*$/, '')
      .replace(/\s+/g, ' ')
      .trim()
    // `uv pip install` looks like pip but keeps its own cache: treat it as another tool.
    if (OTHER.test(text)) {
      result.push({ tool: 'other', text, toolingOnly: false })
    } else if (PIP.test(text)) {
      const { names, requirements, editable } = pipPackages(text)
      const toolingOnly =
        requirements === undefined &&
        !editable &&
        names.length > 0 &&
        names.every((n) => TOOLING.has(n.toLowerCase().split(/[<>=!~[]/)[0]))
      result.push({ tool: 'pip', text, toolingOnly, requirements })
    }
  }
  return result
}

/**
 * True when this pip command leaves no download cache in the layer: --no-cache-dir (pip accepts
 * the prefix --no-cache), PIP_NO_CACHE_DIR set inline or by ENV, a cache mount, or removing the
 * cache in the same RUN.
 */
export function pipCacheAvoided(
  command: InstallCommand,
  run: DockerInstruction,
  envNoCache: boolean,
): boolean {
  if (envNoCache) return true
  if (/(?:^|\s)--no-cache(?:-dir)?(?:\s|=|$)/.test(command.text)) return true
  if (/(?:^|\s)PIP_NO_CACHE_DIR=/.test(command.text)) return true
  if (/--mount=type=cache\b/.test(run.raw) || /--mount=\S*type=cache/.test(run.raw)) return true
  return /\brm\s+-\w*r\w*\s+[^&;|]*\.cache\b/.test(run.raw)
}
