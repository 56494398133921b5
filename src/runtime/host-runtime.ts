/**
 * The host Runtime (`runtime: host`): no Docker. The repository's systemd unit is read, a venv
 * made under RUNNER_TEMP, and ExecStart= run as a child process in its own process group in the
 * checkout, with the unit's environment plus what the run injects (SECRET_KEY, the probe).
 * Processes come from /proc, logs from the child's output, shutdown is SIGTERM to the group.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { STOP_GRACE_S } from '../docker/stack'
import { isUrlWithCredentials } from '../facts/dockerfile'
import { looksSecret } from '../facts/secret-names'
import { gunicornBind, type ReadUnit } from '../facts/systemd'
import { NO_IMAGE_IN_HOST_MODE } from '../facts/systemd-types'
import type {
  BootFacts,
  LogFacts,
  Part,
  ProcessFacts,
  ShutdownFacts,
  UnitFacts,
} from '../facts/types'
import { HostChild } from '../host/child'
import { openLogFiles, tailLines } from '../host/log-files'
import { inCheckout, mapCommand } from '../host/command'
import { gunicornView } from '../host/gunicorn-view'
import { freePort, isFree } from '../host/ports'
import { groupProcesses } from '../host/proc'
import { killRecorded } from '../host/registry'
import { readUnitFile } from '../host/unit-file'
import { makeVenv, type Venv } from '../host/venv'
import type { Logger } from '../log'
import type { Options } from '../options'
import { appProbe } from '../probe/app-probe'
import type { ProxyOptions, ProxyStage } from './proxy/kind'
import { standUpHostNginx } from './proxy/nginx-host-stage'
import type { AppInstance, AppStart, Prepared, Runtime, RuntimeProxyInput } from './runtime'

/** Lines kept of each log file the app writes. */
const LOG_FILE_LINES = 200

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export class HostRuntime implements Runtime {
  readonly kind = 'host' as const
  readonly logsAfterStop = false
  /** The unit as read (its facts hold no secret values). */
  readonly read: ReadUnit
  private venv?: Venv
  private readonly children = new Map<AppInstance, HostChild>()
  private readonly proxies: HostChild[] = []
  private bindHost = '127.0.0.1'

  constructor(
    private readonly opts: Options,
    private readonly runId: string,
    private readonly log: Logger,
  ) {
    if (!opts.unitFile) throw new Error('host mode needs a unit file')
    this.read = readUnitFile(opts.unitFile, opts.context, opts.workspace)
    // Secret-looking values of the unit's environment never reach a log or the report.
    for (const [k, v] of this.read.spec?.env ?? [])
      if (looksSecret(k, v.length, isUrlWithCredentials(v))) log.secret(v)
  }

  get unit(): UnitFacts {
    return this.read.facts
  }

  async prepare(): Promise<Prepared> {
    const started = Date.now()
    this.venv = await makeVenv(this.runId, this.opts.context, this.log)
    const spec = this.read.spec
    if (this.venv.ok && spec && this.unit.server === 'gunicorn') await this.readGunicorn()
    const ok = this.venv.ok && spec !== undefined
    const error = !spec
      ? `${this.unit.path} has no usable ExecStart=`
      : this.venv.ok
        ? undefined
        : this.venv.error
    return {
      build: {
        mode: 'built',
        ok,
        imageRef: `host:${this.unit.path}`,
        durationMs: Date.now() - started,
        logTail: this.venv.logTail,
        ...(error ? { error } : {}),
      },
      image: NO_IMAGE_IN_HOST_MODE,
      parsed: {
        facts: {
          id: '',
          sizeBytes: 0,
          user: this.unit.user?.value ?? '',
          env: [],
          entrypoint: null,
          cmd: spec?.argv.slice(spec.serverIndex) ?? null,
          exposedPorts: [],
          workingDir: this.opts.context,
          historyVars: [],
        },
        env: new Map(spec?.env ?? []),
      },
    }
  }

  /** Gunicorn's own view of bind, timeout and logs, recorded in the unit facts. */
  private async readGunicorn(): Promise<void> {
    const spec = this.read.spec
    const venv = this.venv
    if (!spec || !venv) return
    const args = spec.argv
      .slice(spec.serverIndex + 1)
      .map((w) => inCheckout(w, spec.workingDirectory, this.opts.context))
    const view = await gunicornView(venv.python, args, {
      cwd: this.opts.context,
      env: Object.fromEntries(spec.env),
      toRepo: (f) => this.toRepo(f),
    })
    if ('error' in view) {
      this.unit.problems.push({ line: this.unit.execStart?.line ?? 1, message: view.error })
      return
    }
    const envLine = this.unit.environment.find((v) => v.name === 'GUNICORN_CMD_ARGS')?.line
    this.unit.bind = gunicornBind(this.unit, view, envLine)
    this.unit.gunicorn = view
    const first = view.bind[0] ?? ''
    const host = /^(\[[^\]]*\]|[^:]*):\d+$/.exec(first)?.[1]
    if (host) this.bindHost = host
  }

  async open(): Promise<void> {
    // Nothing is shared between instances on the host.
  }

  async start(spec: AppStart): Promise<{ instance: AppInstance; boot: BootFacts }> {
    const unit = this.read.spec
    const venv = this.venv
    if (!unit || !venv) throw new Error('start before a good prepare')
    const port =
      spec.role === 'app' && (await isFree(spec.port)) && (await isFree(spec.port, '0.0.0.0'))
        ? spec.port
        : await freePort()
    const cmd = mapCommand({
      argv: unit.argv,
      serverIndex: unit.serverIndex,
      server: this.unit.server ?? 'other',
      venvDir: venv.dir,
      checkout: this.opts.context,
      workingDirectory: unit.workingDirectory,
      port,
      bindHost: this.bindHost,
    })
    const env = this.childEnv(spec, venv)
    const name = `fdc-${this.runId}-${spec.role}`
    this.log.info(`${name}: ${[cmd.file, ...cmd.args].join(' ')} (port ${port})`)
    const child = new HostChild(this.runId, cmd.file, cmd.args, { cwd: this.opts.context, env })
    const instance: AppInstance = { name, hostPort: port }
    this.children.set(instance, child)
    const boot = await this.waitReady(child, port, spec)
    return { instance, boot }
  }

  /** What systemd gives a service (PATH, LANG) plus the unit's and the run's variables. */
  private childEnv(spec: AppStart, venv: Venv): Record<string, string> {
    const env: Record<string, string> = {
      PATH: `${venv.dir}/bin:/usr/local/bin:/usr/bin:/bin`,
      LANG: 'C.UTF-8',
      HOME: process.env.HOME ?? '/root',
      VIRTUAL_ENV: venv.dir,
      PYTHONUNBUFFERED: '1',
    }
    for (const [k, v] of this.read.spec?.env ?? []) env[k] = v
    for (const [k, v] of spec.env) {
      // The probe's directory is "mounted" where it already is.
      let value = v
      for (const m of spec.mounts) value = value.split(m.target).join(m.source)
      env[k] = value
    }
    return env
  }

  private async waitReady(child: HostChild, port: number, spec: AppStart): Promise<BootFacts> {
    const deadline = child.started + spec.timeoutMs
    const probe = appProbe(spec.protocol, { via: 'app', host: '127.0.0.1', port })
    try {
      for (;;) {
        spec.signal?.throwIfAborted()
        const exit = child.exit
        const ms = Date.now() - child.started
        if (exit)
          return {
            ready: false,
            ms,
            exited: { exitCode: exit.code, afterMs: exit.afterMs },
            logTail: child.merged.slice(-40),
          }
        const ex = await probe.exchange({
          purpose: 'health',
          path: spec.healthPath,
          signal: spec.signal,
        })
        if (ex.response)
          return {
            ready: true,
            ms: Date.now() - child.started,
            logTail: child.merged.slice(-40),
            firstStatus: ex.response.status,
          }
        if (Date.now() >= deadline)
          return { ready: false, ms, timedOut: true, logTail: child.merged.slice(-40) }
        await sleep(200)
      }
    } finally {
      await probe.close()
    }
  }

  async processes(instance: AppInstance): Promise<Part<ProcessFacts[]>> {
    const child = this.child(instance)
    if (child.pid === undefined) return { unavailable: 'the server process did not start' }
    const started = Date.now()
    let rows: ProcessFacts[] = []
    let signature = ''
    let lastChange = started
    // Gunicorn forks its workers one by one: wait until the table stops changing.
    for (;;) {
      rows = await groupProcesses(child.pid)
      const sig = rows.map((r) => r.pid).join(',')
      if (sig !== signature) {
        signature = sig
        lastChange = Date.now()
      }
      if (Date.now() - lastChange >= 500 || Date.now() - started >= 3000) return rows
      await sleep(150)
    }
  }

  async logs(instance: AppInstance): Promise<Part<LogFacts>> {
    const child = this.child(instance)
    const facts: LogFacts = {
      stdout: [...child.stdout],
      stderr: [...child.stderr],
      truncated: child.truncated,
    }
    const pids = child.pid === undefined ? [] : (await groupProcesses(child.pid)).map((p) => p.pid)
    const exclude = [this.venv?.dir ?? '/nonexistent', '/usr/lib/']
    const access = this.unit.gunicorn?.accesslog
    const files = []
    for (const file of await openLogFiles(pids, exclude)) {
      const source =
        access && access !== '-' && path.resolve(this.opts.context, access) === file
          ? 'Gunicorn --access-logfile'
          : 'a log file the app keeps open, such as a RotatingFileHandler'
      const lines = await tailLines(file, LOG_FILE_LINES).catch(() => [])
      files.push({ path: this.toRepo(file), source, lines })
    }
    if (files.length) facts.files = files
    return facts
  }

  /** A checkout path as the repository names it; other paths as they are. */
  private toRepo(file: string): string {
    const ws = this.opts.workspace
    return file.startsWith(`${ws}/`) ? file.slice(ws.length + 1) : file
  }

  async stop(instance: AppInstance): Promise<ShutdownFacts> {
    const child = this.child(instance)
    const started = Date.now()
    child.signalGroup('SIGTERM')
    const exit = await child.wait(STOP_GRACE_S * 1000)
    if (exit) {
      await child.kill() // workers that outlived the master
      return { graceS: STOP_GRACE_S, ms: Date.now() - started, exitCode: exit.code, killed: false }
    }
    await child.kill()
    return { graceS: STOP_GRACE_S, ms: Date.now() - started, exitCode: 137, killed: true }
  }

  async remove(instance: AppInstance): Promise<void> {
    await this.child(instance).kill()
  }

  /** The runner's nginx in front of the instance (a Caddy kind adds its host variant here). */
  async standUpProxy(opts: ProxyOptions, input: RuntimeProxyInput): Promise<ProxyStage> {
    const { instance, ...rest } = input
    try {
      const { process: proc, ...stage } = await standUpHostNginx(opts, {
        ...rest,
        appHostPort: instance.hostPort ?? input.appPort,
      })
      if (proc) this.proxies.push(proc)
      return stage
    } catch (err) {
      const reason = `the proxy stage failed: ${(err as Error).message}`
      this.log.warning(reason)
      return { proxyConfig: { unavailable: reason }, proxy: { unavailable: reason }, timings: {} }
    }
  }

  async cleanup(): Promise<void> {
    for (const child of [...this.proxies, ...this.children.values()]) await child.kill()
    killRecorded(this.runId)
    if (this.venv) fs.rmSync(this.venv.dir, { recursive: true, force: true })
  }

  private child(instance: AppInstance): HostChild {
    const c = this.children.get(instance)
    if (c === undefined) throw new Error(`${instance.name} was not started by this runtime`)
    return c
  }
}
