/**
 * The files that could be a repository's nginx config: a bounded walk of the tree (dependency
 * trees, virtualenvs and build output skipped) and each file read with the nginx tokenizer: a
 * `server` block that passes requests on (proxy_pass, uwsgi_pass), or a main nginx.conf.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { isLoopbackHost, parseNginxFile, type NginxDirective } from '../facts/nginx-config'
import { readConfig } from './includes'

const SKIP = new Set(['.git', 'node_modules', 'dist', 'build', '__pycache__', 'site-packages'])
/**
 * Test data, examples and documentation are not the deployment: skipped when the workspace is
 * searched beyond the build context (a monorepo's other services are not).
 */
const SKIP_OUTSIDE_CONTEXT = new Set([
  '__tests__',
  'tests',
  'test',
  'fixtures',
  'testdata',
  'examples',
  'example',
  'docs',
])
const MAX_DEPTH = 6
const MAX_FILES = 5000
/** Names a config file can have: nginx's own, .conf, templates, and extension-less site files. */
const NAMEISH = /(^[^.]+$|\.(conf|template|nginx|vhost|site)$|nginx)/i

export interface Candidate {
  file: string
  path: string
  text: string
  directives: NginxDirective[]
  main: boolean
  /** A pass to loopback, a single-label host (service) or an upstream block: the app. */
  local: boolean
  passes: boolean
  undefinedVars: string[]
  error?: string
}

/** Finds the nginx config for a run; undefined when the repository has none. */
/** A file read and parsed, or undefined when it is not an nginx config at all. */
export function candidate(
  file: string,
  rel: string,
  env: [string, string][],
): Candidate | undefined {
  const read = readConfig(file, env)
  if (!read || !/\b(server|http)\s*\{/.test(read.text)) return undefined
  const base = { file, path: rel, text: read.text, undefinedVars: read.undefinedVars }
  let directives: NginxDirective[]
  try {
    directives = parseNginxFile(read.text, rel)
  } catch (err) {
    // Only a file that would be the proxy config counts as broken; other text is not nginx's.
    if (!/\b(proxy_pass|uwsgi_pass)\b/.test(read.text)) return undefined
    const error = (err as Error).message
    return { ...base, directives: [], main: false, local: false, passes: false, error }
  }
  const main = directives.some((d) => (d.name === 'http' || d.name === 'events') && d.block)
  const servers = serversOf(directives)
  if (!main && servers.length === 0) return undefined
  return { ...base, directives, main, passes: hasPass(directives), local: localPass(directives) }
}

function serversOf(ds: NginxDirective[]): NginxDirective[] {
  return ds.flatMap((d) =>
    d.name === 'server' && d.block ? [d] : d.name === 'http' && d.block ? serversOf(d.block) : [],
  )
}

function passesIn(ds: NginxDirective[]): NginxDirective[] {
  const out: NginxDirective[] = []
  const visit = (xs: NginxDirective[]): void => {
    for (const d of xs) {
      if ((d.name === 'proxy_pass' || d.name === 'uwsgi_pass') && d.args[0]) out.push(d)
      if (d.block) visit(d.block)
    }
  }
  visit(serversOf(ds))
  return out
}

export function hasPass(ds: NginxDirective[]): boolean {
  return passesIn(ds).length > 0
}

export function localPass(ds: NginxDirective[]): boolean {
  return passesIn(ds).some((d) => {
    const host = /^(?:[a-z]+:\/\/)?\[?([^/\]:\s]+)/i.exec(d.args[0])?.[1] ?? ''
    return isLoopbackHost(host) || /^[A-Za-z][A-Za-z0-9_-]*$/.test(host) || host.includes('$')
  })
}

/** Files under base, breadth-first, sorted; skips dependency trees, virtualenvs and big trees. */
export function walk(base: string, context?: string, names: RegExp = NAMEISH): string[] {
  const out: string[] = []
  let level = [base]
  for (let d = 0; d < MAX_DEPTH && level.length && out.length < MAX_FILES; d++) {
    const next: string[] = []
    for (const dir of level) {
      let entries: fs.Dirent[]
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true })
      } catch {
        continue
      }
      if (dir !== base && entries.some((e) => e.name === 'pyvenv.cfg')) continue
      for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const p = path.join(dir, e.name)
        if (e.isDirectory()) {
          if (SKIP.has(e.name) || (context && (p === context || SKIP_OUTSIDE_CONTEXT.has(e.name))))
            continue
          next.push(p)
        } else if (e.isFile() && names.test(e.name)) out.push(p)
      }
    }
    level = next
  }
  return out.slice(0, MAX_FILES)
}
