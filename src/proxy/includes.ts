/**
 * The files a config includes, as the deployment has them: repository files mounted at the
 * paths the `include` expects (relative to /etc/nginx, where the main nginx.conf lives),
 * templates rendered, and stand-ins for what Debian's package or certbot would have put there.
 * Reads files; decides nothing about the run.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { matchFiles, parseNginxFile, type NginxDirective } from '../facts/nginx-config'
import { standInFor, standInsOf, type StandIn } from './standins'
import { isTemplate, renderedName, renderTemplate } from './template'

/** A repository file mounted into the proxy container. */
export interface MountedFile {
  /** Absolute host path. */
  file: string
  /** Repository-relative path. */
  path: string
  /** In-container path. */
  target: string
  /** The text to mount (rendered when a template). */
  text: string
  directives: NginxDirective[]
}

export interface Includes {
  files: MountedFile[]
  standIns: StandIn[]
  /** `${VAR}` names no proxy-env value defines, per repository file. */
  undefinedVars: { path: string; names: string[] }[]
  notes: string[]
}

const PREFIX = '/etc/nginx/'
const MAX_DEPTH = 4
export const MAX_FILE_BYTES = 256 * 1024

/** Reads a repository config file (rendered when it is a template); undefined when unreadable. */
export function readConfig(
  file: string,
  env: [string, string][],
): { text: string; substituted: string[]; undefinedVars: string[] } | undefined {
  try {
    const st = fs.statSync(file)
    if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined
    const raw = fs.readFileSync(file, 'utf8')
    if (!isTemplate(file)) return { text: raw, substituted: [], undefinedVars: [] }
    return renderTemplate(raw, env)
  } catch {
    return undefined
  }
}

/**
 * Follows `include` (and `ssl_dhparam`) from the given directives: `base` is the repository
 * directory that stands for /etc/nginx. Unknown paths nothing fills are left to nginx -t.
 */
export function resolveIncludes(
  directives: NginxDirective[],
  base: string,
  env: [string, string][],
  rel: (file: string) => string,
): Includes {
  const out: Includes = { files: [], standIns: [], undefinedVars: [], notes: [] }
  const seen = new Set<string>()
  const addStandIn = (s: StandIn): void => {
    for (const x of standInsOf(s))
      if (!out.standIns.some((k) => k.target === x.target)) out.standIns.push(x)
  }
  const visit = (ds: NginxDirective[], depth: number): void => {
    walk(ds, (d) => {
      const value = d.args[0]
      if (value === undefined || value.includes('$')) return
      const abs = value.startsWith('/') ? value : PREFIX + value
      if (d.name === 'ssl_dhparam') {
        const known = standInFor(abs) ?? standInFor('/etc/letsencrypt/ssl-dhparams.pem')
        if (known) addStandIn({ ...known, target: abs })
        return
      }
      if (d.name !== 'include') return
      const repo = abs.startsWith(PREFIX) ? repoMatches(base, abs.slice(PREFIX.length)) : []
      if (repo.length === 0) {
        const known = standInFor(abs)
        if (known) addStandIn(known)
        return
      }
      for (const file of repo) {
        if (seen.has(file) || depth >= MAX_DEPTH) continue
        seen.add(file)
        const read = readConfig(file, env)
        if (!read) continue
        const dir = path.posix.dirname(abs)
        const target = path.posix.join(dir, renderedName(path.basename(file)))
        let parsed: NginxDirective[] = []
        try {
          parsed = parseNginxFile(read.text, target)
        } catch {
          // Mounted as is: nginx -t names the line.
        }
        out.files.push({ file, path: rel(file), target, text: read.text, directives: parsed })
        if (read.undefinedVars.length)
          out.undefinedVars.push({ path: rel(file), names: read.undefinedVars })
        visit(parsed, depth + 1)
      }
    })
  }
  visit(directives, 0)
  for (const f of out.files) out.notes.push(`${f.path} is mounted at ${f.target} (included).`)
  for (const s of out.standIns)
    out.notes.push(
      `${s.target} is a stand-in with ${s.origin} content (the proxy image may lack it).`,
    )
  return out
}

/** Repository files under base matching an /etc/nginx-relative include pattern (glob in the name). */
function repoMatches(base: string, relPattern: string): string[] {
  const dir = path.join(base, path.dirname(relPattern))
  const name = path.basename(relPattern)
  let entries: string[]
  try {
    entries = fs.readdirSync(dir).filter((e) => fs.statSync(path.join(dir, e)).isFile())
  } catch {
    return []
  }
  // A template stands for its rendered name, as the official image's templates do.
  const byName = new Map(entries.map((e) => [renderedName(e), e]))
  const wanted = matchFiles(
    `/x/${name}`,
    [...byName.keys()].map((e) => `/x/${e}`),
  )
  return wanted
    .map((w) => byName.get(w.slice(3)) as string)
    .sort()
    .map((e) => path.join(dir, e))
}

function walk(ds: NginxDirective[], visit: (d: NginxDirective) => void): void {
  for (const d of ds) {
    visit(d)
    if (d.block) walk(d.block, visit)
  }
}
