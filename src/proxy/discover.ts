/**
 * Which nginx config stands in front of the app: the `nginx-config` input (a site file, a main
 * nginx.conf with its includes, or a directory to search), else one found by content in the
 * build context and then the workspace: a file whose `server` block passes requests on
 * (proxy_pass, uwsgi_pass), or a main nginx.conf that includes one. Read with the nginx
 * tokenizer, never by pattern. A config that cannot be used is reported, never replaced.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { isLoopbackHost, parseNginxFile, type NginxDirective } from '../facts/nginx-config'
import { readConfig, resolveIncludes, type Includes } from './includes'

/** A config found in the repository (or named by the input). */
export interface FoundConfig {
  source: 'input' | 'detected'
  /** Absolute path on the host. */
  file: string
  /** Repository-relative path (forward slashes), for findings and the report. */
  path: string
  /** The text to mount (a template rendered with proxy-env). */
  text: string
  /** One line for the report: where it came from and why it was chosen. */
  note: string
  /** Repository files it includes, stand-ins and unset template variables. */
  includes: Includes
  /** Why the action cannot use it (nginx is then not started; proxy.config-valid fails). */
  unusable?: string
  /** Other candidates, for the report. */
  others: string[]
}

export interface DiscoverOptions {
  nginxConfig: string
  context: string
  workspace: string
  proxyEnv?: [string, string][]
}

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

interface Candidate {
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
export function discoverNginxConfig(opts: DiscoverOptions): FoundConfig | undefined {
  const env = opts.proxyEnv ?? []
  const rel = (f: string): string => relative(opts.workspace, f)
  if (opts.nginxConfig !== 'auto') {
    const abs = path.resolve(opts.workspace, opts.nginxConfig)
    if (isDir(abs)) {
      const found = search([abs], opts, 'input')
      if (found) return found
      return {
        ...empty(abs, rel(abs), 'input'),
        unusable: `${rel(abs)} (nginx-config) holds no file with a server block that uses proxy_pass or uwsgi_pass`,
      }
    }
    const c = candidate(abs, rel(abs), env)
    const found = c ? toFound(c, 'input', env, rel, `${rel(abs)} (nginx-config)`, []) : undefined
    return found ?? { ...empty(abs, rel(abs), 'input'), unusable: `${rel(abs)} could not be read` }
  }
  return search([opts.context, opts.workspace], opts, 'detected')
}

function search(
  bases: string[],
  opts: DiscoverOptions,
  source: FoundConfig['source'],
): FoundConfig | undefined {
  const env = opts.proxyEnv ?? []
  const rel = (f: string): string => relative(opts.workspace, f)
  const context = path.resolve(opts.context)
  const seen = new Set<string>()
  for (const base of [...new Set(bases.map((b) => path.resolve(b)))]) {
    const outside = base !== context && source === 'detected'
    const files = walk(base, outside ? context : undefined).filter((f) => !seen.has(f))
    files.forEach((f) => seen.add(f))
    const all = files.flatMap((f) => candidate(f, rel(f), env) ?? [])
    const found = choose(all, source, env, rel, base === context ? 'build context' : 'workspace')
    if (found) return found
  }
  return undefined
}

/** Picks one: a main file over the sites it includes; a local upstream; a shorter path; the name. */
function choose(
  all: Candidate[],
  source: FoundConfig['source'],
  env: [string, string][],
  rel: (f: string) => string,
  where: string,
): FoundConfig | undefined {
  const included = new Set<string>()
  const mains = all.filter((c) => c.main && !c.error)
  for (const m of mains) {
    const inc = resolveIncludes(m.directives, path.dirname(m.file), env, rel)
    if (inc.files.some((f) => hasPass(f.directives))) {
      m.passes = true
      m.local = m.local || inc.files.some((f) => localPass(f.directives))
      inc.files.forEach((f) => included.add(f.file))
    }
  }
  const usable = all.filter((c) => c.passes && !c.error && !included.has(c.file))
  usable.sort(
    (a, b) =>
      Number(b.local) - Number(a.local) ||
      depth(a.path) - depth(b.path) ||
      a.path.length - b.path.length ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  )
  const broken = all.filter((c) => c.error && !included.has(c.file))
  const [best, ...rest] = usable
  const others = [...rest.map((c) => c.path), ...broken.map((c) => `${c.path} (unreadable)`)]
  if (best) {
    const why = best.main
      ? 'a main nginx.conf whose included server block passes requests to the app'
      : `a server block with ${best.local ? 'proxy_pass/uwsgi_pass to a local or app upstream' : 'proxy_pass/uwsgi_pass'}`
    const more = others.length ? `; other candidates: ${others.join(', ')}` : ''
    return toFound(
      best,
      source,
      env,
      rel,
      `${best.path} (found in the ${where}: ${why}${more})`,
      others,
    )
  }
  const bad = broken[0]
  if (!bad) return undefined
  return {
    ...empty(bad.file, bad.path, source),
    text: bad.text,
    unusable: `${bad.path} looks like the nginx config but cannot be read: ${bad.error}`,
    others: broken.slice(1).map((c) => c.path),
  }
}

function toFound(
  c: Candidate,
  source: FoundConfig['source'],
  env: [string, string][],
  rel: (f: string) => string,
  note: string,
  others: string[],
): FoundConfig {
  const includes = resolveIncludes(c.directives, path.dirname(c.file), env, rel)
  if (c.undefinedVars.length)
    includes.undefinedVars.unshift({ path: c.path, names: c.undefinedVars })
  return { source, file: c.file, path: c.path, text: c.text, note, includes, others }
}

/** A file read and parsed, or undefined when it is not an nginx config at all. */
function candidate(file: string, rel: string, env: [string, string][]): Candidate | undefined {
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

function hasPass(ds: NginxDirective[]): boolean {
  return passesIn(ds).length > 0
}

function localPass(ds: NginxDirective[]): boolean {
  return passesIn(ds).some((d) => {
    const host = /^(?:[a-z]+:\/\/)?\[?([^/\]:\s]+)/i.exec(d.args[0])?.[1] ?? ''
    return isLoopbackHost(host) || /^[A-Za-z][A-Za-z0-9_-]*$/.test(host) || host.includes('$')
  })
}

/** Files under base, breadth-first, sorted; skips dependency trees, virtualenvs and big trees. */
function walk(base: string, context?: string): string[] {
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
        } else if (e.isFile() && NAMEISH.test(e.name)) out.push(p)
      }
    }
    level = next
  }
  return out.slice(0, MAX_FILES)
}

function empty(file: string, rel: string, source: FoundConfig['source']): FoundConfig {
  const includes: Includes = { files: [], standIns: [], undefinedVars: [], notes: [] }
  return { source, file, path: rel, text: '', note: rel, includes, others: [] }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory()
  } catch {
    return false
  }
}

function depth(p: string): number {
  return p.split('/').length
}

function relative(workspace: string, file: string): string {
  const rel = path.relative(workspace, file)
  return (rel.startsWith('..') ? file : rel).split(path.sep).join('/')
}
