/**
 * The files the proxy container gets, written to a private temp dir and bind-mounted
 * read-only: the config, the throw-away certificate at every path the config names (or at http
 * level when it names none), the filled static directories and the traversal canaries.
 */
import { promises as fs } from 'node:fs'
import * as path from 'node:path'
import type { BindMount, Docker } from '../../docker/docker'
import { makeCertificate } from '../../proxy/certs'
import {
  ADDED_CERT,
  ADDED_KEY,
  SITE_TARGET,
  TLS_CONF_TARGET,
  type ProxyPlan,
} from '../../proxy/plan'
import type { StandIn } from '../../proxy/standins'
import { fillStatics, type FilledStatic } from './statics'

export interface MountInput {
  /** Private directory for this run's proxy files. */
  dir: string
  serverName: string
  token: string
  appContainer: string
  staticFolderHint?: string
  context: string
  /** Files the config includes that the proxy image may lack, with their content. */
  standIns?: StandIn[]
}

export interface PreparedMounts {
  mounts: BindMount[]
  statics: FilledStatic[]
  /** Request paths that reach a canary only through alias traversal, per alias location. */
  traversalPaths: string[]
  /** The text each canary holds (a response body containing it proves the traversal). */
  canaryText: string
  notes: string[]
}

/** Writes every file the plan needs under input.dir and returns the mounts. */
export async function prepareMounts(
  docker: Docker,
  plan: ProxyPlan,
  input: MountInput,
): Promise<PreparedMounts> {
  const { dir } = input
  await fs.mkdir(dir, { recursive: true, mode: 0o755 })
  await fs.chmod(dir, 0o755)
  const notes: string[] = []
  const configFile = path.join(dir, 'nginx.conf')
  await fs.writeFile(configFile, plan.text, { mode: 0o644 })
  const mounts: BindMount[] = [{ source: configFile, target: plan.target }]
  for (const [i, f] of plan.included.entries()) {
    const file = path.join(dir, `included-${i}.conf`)
    await fs.writeFile(file, f.text, { mode: 0o644 })
    mounts.push({ source: file, target: f.target })
  }
  if (
    plan.included.some((f) => f.target.startsWith('/etc/nginx/conf.d/')) &&
    !plan.included.some((f) => f.target === SITE_TARGET)
  ) {
    // Deployments that ship their own conf.d replace the image's default site.
    const blank = path.join(dir, 'blank-default.conf')
    await fs.writeFile(blank, '# left out by flask-deploy-check: the repository ships conf.d\n', {
      mode: 0o644,
    })
    mounts.push({ source: blank, target: SITE_TARGET })
    notes.push(`The image's ${SITE_TARGET} is left out: the repository ships its own conf.d files.`)
  }

  const cert = await makeCertificate(input.serverName, path.join(dir, 'tls'))
  const pem = { cert: cert.certFile, key: cert.keyFile, bundle: cert.bundleFile }
  for (const [i, s] of (input.standIns ?? []).entries()) {
    let source = s.content === 'cert' ? cert.certFile : s.content === 'key' ? cert.keyFile : ''
    if (!source) {
      source = path.join(dir, `stand-in-${i}`)
      await fs.writeFile(source, s.content, { mode: 0o644 })
    }
    mounts.push({ source, target: s.target })
  }
  for (const c of plan.certPaths) mounts.push({ source: pem[c.content], target: c.path })
  if (plan.certPaths.length)
    notes.push(
      `A throw-away certificate for ${input.serverName} is mounted at ${plan.certPaths.map((c) => c.path).join(', ')}.`,
    )
  for (const p of plan.skippedCertPaths)
    notes.push(`Certificate path ${p} holds a variable: no certificate was put there.`)
  if (plan.addCert) {
    mounts.push(
      { source: cert.certFile, target: ADDED_CERT },
      { source: cert.keyFile, target: ADDED_KEY },
    )
    if (plan.addCert === 'conf.d') {
      const tlsConf = path.join(dir, '00-flask-deploy-check-tls.conf')
      const text = `# Added by flask-deploy-check: the site names no certificate.\nssl_certificate ${ADDED_CERT};\nssl_certificate_key ${ADDED_KEY};\n`
      await fs.writeFile(tlsConf, text, { mode: 0o644 })
      mounts.push({ source: tlsConf, target: TLS_CONF_TARGET })
    }
    notes.push(
      `The config names no ssl_certificate for its TLS server: a throw-away certificate for ${input.serverName} was added at http level (${plan.addCert === 'conf.d' ? TLS_CONF_TARGET : 'inline, at the start of the http block'}).`,
    )
  }

  const statics = await fillStatics(docker, plan.statics, {
    appContainer: input.appContainer,
    staticFolderHint: input.staticFolderHint,
    context: input.context,
    tempDir: dir,
  })
  for (const s of statics) {
    mounts.push({ source: s.hostDir, target: s.target.dir })
    notes.push(
      s.files.length
        ? `${s.target.dir} (location ${s.target.location}) was filled with ${s.files.length} file(s) from the ${s.source}.`
        : `${s.target.dir} (location ${s.target.location}) is empty: no static files were found in the app container or the build context.`,
    )
  }

  const { canaryText, traversalPaths } = await placeCanaries(statics, dir, input.token, mounts)
  return { mounts: unique(mounts), statics, traversalPaths, canaryText, notes }
}

/**
 * A canary file next to each alias folder (mounted into `mounts`): a request path that reaches
 * it proves alias traversal. Returns those paths and the text the canary holds.
 */
export async function placeCanaries(
  statics: FilledStatic[],
  dir: string,
  token: string,
  mounts: BindMount[],
): Promise<{ canaryText: string; traversalPaths: string[] }> {
  const canaryText = `flask-deploy-check canary ${token}\n`
  const canaryName = `fdc-canary-${token}.txt`
  const canaryFile = path.join(dir, canaryName)
  await fs.writeFile(canaryFile, canaryText, { mode: 0o644 })
  const traversalPaths: string[] = []
  const parents = new Set<string>()
  for (const s of statics) {
    if (s.target.kind !== 'alias' || s.target.dir === '/') continue
    const parent = path.posix.dirname(s.target.dir)
    if (!parents.has(parent))
      mounts.push({ source: canaryFile, target: path.posix.join(parent, canaryName) })
    parents.add(parent)
    traversalPaths.push(`${s.target.location.replace(/\/+$/, '')}../${canaryName}`)
  }
  return { canaryText, traversalPaths }
}

/** One mount per target (docker refuses two): the first, i.e. the config's own files, wins. */
export function unique(mounts: BindMount[]): BindMount[] {
  const seen = new Set<string>()
  return mounts.filter((m) => !seen.has(m.target) && seen.add(m.target))
}

/** The URL path of one real file nginx should serve, from the first filled static directory. */
export function staticSample(statics: FilledStatic[]): string | undefined {
  const s = statics.find((x) => x.files.length > 0)
  if (!s) return undefined
  const base = s.target.location.endsWith('/') ? s.target.location : `${s.target.location}/`
  return base + s.files[0].split('/').map(encodeURIComponent).join('/')
}
