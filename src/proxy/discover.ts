/**
 * Which nginx config stands in front of the app: the `nginx-config` input (a site file, a main
 * nginx.conf with its includes, or a directory to search), else one found by content in the
 * build context and then the workspace: a file whose `server` block passes requests on
 * (proxy_pass, uwsgi_pass), or a main nginx.conf that includes one. Read with the nginx
 * tokenizer, never by pattern. A config that cannot be used is reported, never replaced.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { candidate, hasPass, localPass, walk, type Candidate } from './candidates'
import { resolveIncludes, type Includes } from './includes'

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
  /** Who named nginxConfig (default: the nginx-config input). */
  nginxConfigFrom?: string
}

export function discoverNginxConfig(opts: DiscoverOptions): FoundConfig | undefined {
  const env = opts.proxyEnv ?? []
  const rel = (f: string): string => relative(opts.workspace, f)
  if (opts.nginxConfig !== 'auto') {
    const from = opts.nginxConfigFrom ?? 'nginx-config'
    const abs = path.resolve(opts.workspace, opts.nginxConfig)
    if (isDir(abs)) {
      const found = search([abs], opts, 'input', `${rel(abs)} (${from})`)
      if (found) return found
      return {
        ...empty(abs, rel(abs), 'input'),
        unusable: `${rel(abs)} (${from}) holds no file with a server block that uses proxy_pass or uwsgi_pass`,
      }
    }
    const c = candidate(abs, rel(abs), env)
    const found = c ? toFound(c, 'input', env, rel, `${rel(abs)} (${from})`, []) : undefined
    return found ?? { ...empty(abs, rel(abs), 'input'), unusable: `${rel(abs)} could not be read` }
  }
  return search([opts.context, opts.workspace], opts, 'detected')
}

function search(
  bases: string[],
  opts: DiscoverOptions,
  source: FoundConfig['source'],
  /** How the note names a directory an input gave (else build context or workspace). */
  named?: string,
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
    const where = named ?? (base === context ? 'build context' : 'workspace')
    const found = choose(all, source, env, rel, where)
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
