/**
 * The docker CLI, one method per verb, returning raw output and exit codes (parsing lives in
 * observe/parse.ts). Every object it creates carries the labels `flask-deploy-check=1` and
 * `flask-deploy-check.run=<runId>` (images: `flask-deploy-check.build=<runId>`), so leftovers
 * can be found without any saved state.
 * Secret values never appear on a command line: they reach docker through its environment.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runStreaming, type RunResult, type StreamResult } from '../exec'
import { assertContained, containmentArgs } from './containment'
import { DockerQueries, QUICK_MS } from './queries'

export const LABEL = 'flask-deploy-check'
export const RUN_LABEL = 'flask-deploy-check.run'
/**
 * Images get their own key: a container inherits its image's labels, so a run label on the
 * image would make containers that others start from it look like this run's leftovers.
 */
export const BUILD_LABEL = 'flask-deploy-check.build'

const PULL_MS = 10 * 60_000

/**
 * Variables the docker CLI (or the watchdog in front of it) reads for itself: giving one of
 * these a container's value through the CLI's environment would change how docker runs.
 */
const CLI_OWN_ENV =
  /^(PATH|HOME|TMPDIR|DOCKER_\w*|(HTTPS?|NO|ALL)_PROXY|(https?|no|all)_proxy|LD_\w*|SSL_CERT_\w*)$/

export interface BuildSpec {
  context: string
  file: string
  tag: string
  runId: string
  buildArgs: [string, string][]
  target?: string
  /** `--cache-from` / `--cache-to` values; with any, the build goes through buildx with --load. */
  cacheFrom?: string[]
  cacheTo?: string[]
  timeoutMs: number
  onLine?: (line: string) => void
}

/** A read-only bind mount of a host file or directory. */
export interface BindMount {
  source: string
  target: string
}

export interface RunSpec {
  name: string
  image: string
  runId: string
  /** `-p` values, e.g. `127.0.0.1::8000`. */
  publish: string[]
  /** Container variables (values are secrets). */
  env: [string, string][]
  memory?: string
  pidsLimit?: number
  /** `--cpus` (default and cap: containment.ts). */
  cpus?: number
  network?: string
  /** DNS names the container answers to on `network`. */
  networkAliases?: string[]
  /** Read-only bind mounts. */
  mounts?: BindMount[]
  /** Extra /etc/hosts entries: [name, address]. */
  addHosts?: [string, string][]
  /** Replaces the image's ENTRYPOINT. */
  entrypoint?: string
  /** Replaces the image's CMD (the ENTRYPOINT stays). */
  command?: string[]
}

/** Label flags for an object created by this run. */
export function labelArgs(runId: string): string[] {
  return ['--label', `${LABEL}=1`, '--label', `${RUN_LABEL}=${runId}`]
}

/**
 * Thin wrapper over the docker CLI; construct one per run with the run's logger. The verbs that
 * create (build, pull, run, network create, cp) live here and always use the CLI; those that ask
 * or remove come from DockerQueries (the engine API when it can).
 */
export class Docker extends DockerQueries {
  /** `docker build`; output lines go to spec.onLine, the last 40 are kept. */
  build(spec: BuildSpec): Promise<StreamResult> {
    const env: Record<string, string> = {}
    const labels = ['--label', `${LABEL}=1`, '--label', `${BUILD_LABEL}=${spec.runId}`]
    // --force-rm (build only): the legacy builder otherwise keeps the container of a failed step.
    const cache = [
      ...(spec.cacheFrom ?? []).flatMap((c) => ['--cache-from', c]),
      ...(spec.cacheTo ?? []).flatMap((c) => ['--cache-to', c]),
    ]
    // A builder of setup-buildx-action (docker-container driver) keeps its result unless --load.
    const verb =
      cache.length > 0 ? ['buildx', 'build', '--load', ...cache] : ['build', '--force-rm']
    const args = [...verb, '-f', spec.file, '-t', spec.tag, ...labels]
    for (const [k, v] of spec.buildArgs) {
      if (CLI_OWN_ENV.test(k)) {
        args.push('--build-arg', `${k}=${v}`)
      } else {
        // `--build-arg NAME` takes the value from the CLI's environment: off the command line.
        args.push('--build-arg', k)
        env[k] = v
      }
    }
    if (spec.target) args.push('--target', spec.target)
    args.push(spec.context)
    return runStreaming(this.bin, args, {
      timeoutMs: spec.timeoutMs,
      env,
      onLine: spec.onLine,
      log: this.log,
    })
  }

  /** `docker pull REF`. */
  pull(ref: string): Promise<RunResult> {
    return this.exec(['pull', '-q', ref], PULL_MS)
  }

  /** `docker run -d`; stdout is the container id. */
  runDetached(spec: RunSpec): Promise<RunResult> {
    return this.runContainer(['-d'], spec, QUICK_MS)
  }

  /**
   * `docker run --rm` in the foreground (a throw-away command such as `nginx -T`): its own
   * stdout and stderr, removed when it ends.
   */
  runOnce(spec: RunSpec, timeoutMs = QUICK_MS): Promise<RunResult> {
    return this.runContainer(['--rm'], spec, timeoutMs)
  }

  private async runContainer(mode: string[], spec: RunSpec, timeoutMs: number): Promise<RunResult> {
    assertContained(spec)
    const limits = { memory: spec.memory, pidsLimit: spec.pidsLimit, cpus: spec.cpus }
    const args = ['run', ...mode, '--name', spec.name, ...labelArgs(spec.runId)]
    args.push(...containmentArgs(definedOnly(limits)))
    for (const p of spec.publish) args.push('-p', p)
    if (spec.network) args.push('--network', spec.network)
    for (const a of spec.networkAliases ?? []) args.push('--network-alias', a)
    for (const m of spec.mounts ?? []) args.push('--mount', mountArg(m))
    for (const [name, ip] of spec.addHosts ?? []) args.push('--add-host', `${name}:${ip}`)
    if (spec.entrypoint !== undefined) args.push('--entrypoint', spec.entrypoint)
    const env: Record<string, string> = {}
    const fileLines: string[] = []
    for (const [k, v] of spec.env) {
      if (CLI_OWN_ENV.test(k)) {
        fileLines.push(`${k}=${v}`)
      } else {
        // `-e NAME` without a value: docker copies it from its own environment.
        args.push('-e', k)
        env[k] = v
      }
    }
    // The few names docker itself reads go through a private file that lives for this call only.
    const dir =
      fileLines.length > 0
        ? fs.mkdtempSync(path.join(os.tmpdir(), `fdc-${spec.runId}-env-`))
        : undefined
    try {
      if (dir) {
        const file = path.join(dir, 'env')
        fs.writeFileSync(file, `${fileLines.join('\n')}\n`, { mode: 0o600 })
        args.push('--env-file', file)
      }
      args.push(spec.image, ...(spec.command ?? []))
      return await this.exec(args, timeoutMs, env)
    } finally {
      if (dir) fs.rmSync(dir, { recursive: true, force: true })
    }
  }

  /** `docker network create` labelled with the run (a bridge network of its own). */
  networkCreate(name: string, runId: string): Promise<RunResult> {
    return this.exec(['network', 'create', ...labelArgs(runId), name])
  }

  /** `docker cp C:SRC DEST` (SRC ending in `/.` copies a directory's contents). */
  cp(container: string, source: string, dest: string, timeoutMs = QUICK_MS): Promise<RunResult> {
    return this.exec(['cp', `${container}:${source}`, dest], timeoutMs)
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

/**
 * A `--mount` value: CSV, so a field holding a comma or a quote is quoted (`--mount` rather
 * than `-v`, because `-v` silently creates a missing source and cannot express a `:` in a path).
 */
export function mountArg(m: BindMount): string {
  const field = (k: string, v: string): string =>
    /[",]/.test(v) ? `"${k}=${v.replace(/"/g, '""')}"` : `${k}=${v}`
  return ['type=bind', field('source', m.source), field('target', m.target), 'readonly'].join(',')
}
