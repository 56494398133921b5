/**
 * Filling the directories nginx serves /static/ from with the app's own static files, so a
 * request for a real file proves whether nginx (not the app) answers it. Sources, in order:
 * the same path inside the app container, the Flask static folder the probe reported, a
 * `static` directory of the build context.
 */
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import type { Docker } from '../../docker/docker'
import type { StaticTarget } from '../../proxy/plan'

export interface FilledStatic {
  target: StaticTarget
  /** Host directory mounted read-only at target.dir. */
  hostDir: string
  /** Where the files came from, for the report. */
  source: string
  /** Regular files, relative paths with '/', shallowest first then by name. */
  files: string[]
}

export interface StaticSources {
  appContainer: string
  /** The app's static folder inside its container (from the probe), when known. */
  staticFolderHint?: string
  /** Build context on the host. */
  context: string
  /** Parent directory for the filled copies. */
  tempDir: string
}

const SKIP_DIRS = new Set(['node_modules', 'venv', '__pycache__', 'site-packages', 'dist-packages'])
const SEARCH_DEPTH = 3

/** Fills one host directory per target; a target nothing fills gets an empty one (source 'none'). */
export async function fillStatics(
  docker: Docker,
  targets: StaticTarget[],
  src: StaticSources,
): Promise<FilledStatic[]> {
  const out: FilledStatic[] = []
  for (const [i, target] of targets.entries()) {
    const hostDir = path.join(src.tempDir, `static-${i}`)
    const fromContainer = async (p: string): Promise<boolean> => {
      // Never copy a whole filesystem: an alias of '/' is a config mistake, not a static folder.
      if (p.replace(/\/+$/, '') === '') return false
      await fs.rm(hostDir, { recursive: true, force: true })
      await fs.mkdir(hostDir, { recursive: true })
      const res = await docker.cp(src.appContainer, `${p.replace(/\/+$/, '')}/.`, hostDir)
      return res.exitCode === 0 && (await listFiles(hostDir)).length > 0
    }
    let source = 'none'
    if (await fromContainer(target.dir)) source = `app container ${target.dir}`
    else if (src.staticFolderHint && (await fromContainer(src.staticFolderHint)))
      source = `app static folder ${src.staticFolderHint}`
    else {
      await fs.rm(hostDir, { recursive: true, force: true })
      await fs.mkdir(hostDir, { recursive: true })
      const found = await findStaticDir(src.context)
      if (found) {
        await fs.cp(found, hostDir, { recursive: true, dereference: true })
        source = `build context ${path.relative(src.context, found).split(path.sep).join('/')}`
      }
    }
    await makeReadable(hostDir)
    out.push({ target, hostDir, source, files: await listFiles(hostDir) })
  }
  return out
}

/** The shallowest directory named `static` in the build context (dependency folders skipped). */
export async function findStaticDir(context: string): Promise<string | undefined> {
  let level = [context]
  for (let depth = 0; depth < SEARCH_DEPTH && level.length; depth++) {
    const next: string[] = []
    for (const dir of level) {
      const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => [])
      const dirs = entries
        .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !SKIP_DIRS.has(e.name))
        .map((e) => e.name)
        .sort()
      if (dirs.includes('static')) return path.join(dir, 'static')
      next.push(...dirs.map((d) => path.join(dir, d)))
    }
    level = next
  }
  return undefined
}

/** Regular files under dir, relative, shallowest first then by name. */
export async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = []
  const visit = async (rel: string): Promise<void> => {
    const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => [])
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name
      if (e.isFile()) files.push(r)
      else if (e.isDirectory()) await visit(r)
    }
  }
  await visit('')
  const depth = (f: string): number => f.split('/').length
  return files.sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0))
}

/** nginx workers run unprivileged: every directory must be searchable, every file readable. */
async function makeReadable(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755)
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) await makeReadable(p)
    else if (e.isFile()) await fs.chmod(p, 0o644)
  }
}
