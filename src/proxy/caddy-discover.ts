/**
 * Which Caddyfile stands in front of the app: the `caddy-config` input, else (when the
 * repository has no nginx config) a file named `Caddyfile` or `*.caddyfile` that hands requests
 * to a `reverse_proxy`, in the build context first and then the workspace. Whether the file
 * means what it seems is Caddy's to say (`caddy adapt` in the stage); this only picks the file.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { caddyLines } from '../facts/caddy-lines'
import { walk } from './candidates'

export interface CaddyDiscoverOptions {
  caddyConfig: string
  nginxConfig: string
  context: string
  workspace: string
}

export interface FoundCaddyfile {
  source: 'input' | 'detected'
  file: string
  /** Repository-relative path (forward slashes). */
  path: string
  text: string
  note: string
  unusable?: string
  others: string[]
}

const NAME = /^(Caddyfile(\..+)?|.+\.caddyfile)$/i

function relative(workspace: string, file: string): string {
  const rel = path.relative(workspace, file)
  return (rel.startsWith('..') ? file : rel).split(path.sep).join('/')
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

/** A directive line that starts with reverse_proxy (comments ignored). */
function proxies(text: string): boolean {
  return caddyLines(text).words.some((w) => w[0] === 'reverse_proxy')
}

export function discoverCaddyfile(opts: CaddyDiscoverOptions): FoundCaddyfile | undefined {
  const rel = (f: string): string => relative(opts.workspace, f)
  if (opts.caddyConfig !== 'auto') {
    const file = path.resolve(opts.workspace, opts.caddyConfig)
    const text = read(file)
    const note = `${rel(file)} (caddy-config)`
    if (text === undefined)
      return {
        source: 'input',
        file,
        path: rel(file),
        text: '',
        note,
        unusable: `${rel(file)} could not be read`,
        others: [],
      }
    return { source: 'input', file, path: rel(file), text, note, others: [] }
  }
  const context = path.resolve(opts.context)
  const seen = new Set<string>()
  for (const base of [...new Set([context, path.resolve(opts.workspace)])]) {
    const outside = base !== context
    const files = walk(base, outside ? context : undefined, NAME).filter((f) => !seen.has(f))
    files.forEach((f) => seen.add(f))
    const usable = files
      .map((f) => ({ f, text: read(f) }))
      .filter((c): c is { f: string; text: string } => c.text !== undefined && proxies(c.text))
      .sort((a, b) => rel(a.f).split('/').length - rel(b.f).split('/').length)
    const [best, ...rest] = usable
    if (!best) continue
    const others = rest.map((c) => rel(c.f))
    const where = outside ? 'workspace' : 'build context'
    const more = others.length ? `; other candidates: ${others.join(', ')}` : ''
    return {
      source: 'detected',
      file: best.f,
      path: rel(best.f),
      text: best.text,
      note: `${rel(best.f)} (found in the ${where}: a Caddyfile with reverse_proxy${more})`,
      others,
    }
  }
  return undefined
}
