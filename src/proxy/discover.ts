/**
 * Which nginx config stands in front of the app: the `nginx-config` input, else the first one
 * found in the build context and then the workspace, else none (the reference proxy).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'

/** A config found in the repository (or named by the input). */
export interface FoundConfig {
  source: 'input' | 'detected'
  /** Absolute path on the host. */
  file: string
  /** Repository-relative path (forward slashes), for findings and the report. */
  path: string
  text: string
  /** One line for the report: where it came from. */
  note: string
}

/**
 * Candidate places, in order. Exact names are taken as they are; a glob match must hold a
 * `server {` or `http {` block, so snippets (ssl-params.conf, proxy_params.conf) and other
 * tools' .conf files (supervisord.conf) are not mistaken for the site.
 */
export const CANDIDATES = [
  'nginx.conf',
  'nginx/*.conf',
  'deploy/nginx.conf',
  'deploy/*.conf',
  'deploy/nginx/*.conf',
  'docker/nginx/*.conf',
  'conf/nginx.conf',
  '.nginx/*.conf',
]

const SITE = /(^|[\s;{}])(server|http)\s*\{/

/**
 * Finds the nginx config for a run. Returns undefined when the input is 'auto' and none of
 * CANDIDATES exists under the build context or the workspace.
 */
export function discoverNginxConfig(opts: {
  nginxConfig: string
  context: string
  workspace: string
}): FoundConfig | undefined {
  if (opts.nginxConfig !== 'auto') {
    const file = path.resolve(opts.workspace, opts.nginxConfig)
    const rel = relative(opts.workspace, file)
    return {
      source: 'input',
      file,
      path: rel,
      text: read(file) ?? '',
      note: `${rel} (nginx-config)`,
    }
  }
  const bases = [...new Set([opts.context, opts.workspace].map((b) => path.resolve(b)))]
  for (const base of bases) {
    for (const pattern of CANDIDATES) {
      for (const file of expand(base, pattern)) {
        const text = read(file)
        if (text === undefined || (pattern.includes('*') && !SITE.test(stripComments(text))))
          continue
        const rel = relative(opts.workspace, file)
        const where = base === path.resolve(opts.workspace) ? 'workspace' : 'build context'
        return {
          source: 'detected',
          file,
          path: rel,
          text,
          note: `${rel} (detected: first match of ${pattern} in the ${where})`,
        }
      }
    }
  }
  return undefined
}

/** Files a candidate names under base, sorted bytewise (stable across machines). */
function expand(base: string, pattern: string): string[] {
  const dir = path.join(base, path.dirname(pattern))
  const name = path.basename(pattern)
  if (!name.includes('*')) return [path.join(base, pattern)]
  let entries: string[]
  try {
    entries = fs.readdirSync(dir)
  } catch {
    return []
  }
  const suffix = name.slice(name.indexOf('*') + 1)
  return entries
    .filter((e) => e.endsWith(suffix) && !e.startsWith('.'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((e) => path.join(dir, e))
}

function read(file: string): string | undefined {
  try {
    if (!fs.statSync(file).isFile()) return undefined
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

function stripComments(text: string): string {
  return text.replace(/#[^\n]*/g, '')
}

function relative(workspace: string, file: string): string {
  const rel = path.relative(workspace, file)
  return (rel.startsWith('..') ? file : rel).split(path.sep).join('/')
}
