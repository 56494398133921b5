/**
 * Finding the systemd unit of a repository (`unit-file: auto`: the one `*.service` file whose
 * ExecStart= runs a WSGI server) and reading it with the files it names that lie in the checkout.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { readUnit, type ReadUnit } from '../facts/systemd'
import { lastOf, parseUnit } from '../facts/systemd-unit'

const SKIP = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', 'site-packages'])
const MAX_DEPTH = 4

function serviceFiles(dir: string, depth = 0): string[] {
  if (depth > MAX_DEPTH) return []
  const out: string[] = []
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && !SKIP.has(e.name))
      out.push(...serviceFiles(path.join(dir, e.name), depth + 1))
    else if (e.isFile() && e.name.endsWith('.service')) out.push(path.join(dir, e.name))
  }
  return out.sort()
}

/** True when the unit's ExecStart= runs Gunicorn, uWSGI or Waitress. */
function runsWsgi(text: string): boolean {
  const exec = lastOf(parseUnit(text), 'Service', 'ExecStart')
  return exec !== undefined && /\b(gunicorn|uwsgi|waitress-serve|waitress)\b/.test(exec.value)
}

/** The repository's unit files that run a WSGI server (absolute paths, sorted). */
export function findUnitFiles(root: string): string[] {
  return serviceFiles(root).filter((f) => {
    try {
      return runsWsgi(fs.readFileSync(f, 'utf8'))
    } catch {
      return false
    }
  })
}

/**
 * Reads the unit; an EnvironmentFile= counts as the repository's when its path, with the unit's
 * WorkingDirectory= read as the checkout, names a file there.
 */
export function readUnitFile(file: string, checkout: string, workspace: string): ReadUnit {
  const text = fs.readFileSync(file, 'utf8')
  const wd = lastOf(parseUnit(text), 'Service', 'WorkingDirectory')?.value.replace(/^-/, '')
  const local = (p: string): string | undefined => {
    const base = wd?.replace(/\/+$/, '')
    if (base && (p === base || p.startsWith(`${base}/`)))
      return path.join(checkout, p.slice(base.length))
    return undefined
  }
  return readUnit({
    text,
    path: path.relative(workspace, file).split(path.sep).join('/'),
    inRepo: (p) => {
      const l = local(p)
      return l !== undefined && fs.existsSync(l)
    },
    readRepoFile: (p) => {
      const l = local(p)
      return l === undefined ? undefined : { text: fs.readFileSync(l, 'utf8') }
    },
  })
}
