/**
 * The docker verbs that only ask or tidy up (inspect, top, exec, logs, wait, stop, remove,
 * listings): through the engine API on its unix socket when the CLI would use that socket too
 * (engine-api.ts, engine-verbs.ts), else through the CLI. Both paths answer alike (stdout, exit
 * code), and every call is timed in the debug log. docker.ts adds the verbs that stay on the CLI.
 */
import { run, type RunResult } from '../exec'
import type { Logger } from '../log'
import { Engine, engineSocket } from './engine-api'
import * as api from './engine-verbs'

export const QUICK_MS = 30_000

export class DockerQueries {
  protected readonly engine?: Engine

  constructor(
    protected readonly log?: Logger,
    protected readonly bin = 'docker',
  ) {
    const socket = bin === 'docker' ? engineSocket() : undefined
    if (socket) this.engine = new Engine(socket)
  }

  protected exec(
    args: string[],
    timeoutMs = QUICK_MS,
    env?: Record<string, string>,
  ): Promise<RunResult> {
    return this.timed(
      args.slice(0, 2).join(' '),
      run(this.bin, args, { timeoutMs, env, log: this.log }),
    )
  }

  /** The API call when there is an engine socket, else the CLI's; both timed in the debug log. */
  private chatty(
    what: string,
    viaApi: (engine: Engine) => Promise<RunResult>,
    cliArgs: string[],
    timeoutMs = QUICK_MS,
  ): Promise<RunResult> {
    if (!this.engine) return this.exec(cliArgs, timeoutMs)
    return this.timed(`api ${what}`, viaApi(this.engine))
  }

  private async timed(what: string, pending: Promise<RunResult>): Promise<RunResult> {
    const r = await pending
    this.log?.debug(`timing: docker ${what} -> ${r.exitCode} in ${r.ms} ms`)
    return r
  }

  /** `docker image inspect REF` (JSON array). */
  imageInspect(ref: string): Promise<RunResult> {
    return this.chatty(`image inspect ${ref}`, (e) => api.imageInspect(e, ref, QUICK_MS), [
      'image',
      'inspect',
      ref,
    ])
  }

  /** `docker history --no-trunc` with one CreatedBy line per layer, newest first. */
  history(ref: string): Promise<RunResult> {
    return this.chatty(`history ${ref}`, (e) => api.history(e, ref, QUICK_MS), [
      'history',
      '--no-trunc',
      '--format',
      '{{.CreatedBy}}',
      ref,
    ])
  }

  /** `docker port C PORT/tcp`: the host address(es) the port is published on. */
  port(container: string, containerPort: number): Promise<RunResult> {
    return this.chatty(
      `port ${container}`,
      (e) => api.port(e, container, containerPort, QUICK_MS),
      ['port', container, `${containerPort}/tcp`],
    )
  }

  /** `docker inspect C` (JSON array). */
  inspect(container: string): Promise<RunResult> {
    return this.chatty(`inspect ${container}`, (e) => api.inspect(e, container, QUICK_MS), [
      'inspect',
      '--type',
      'container',
      container,
    ])
  }

  /**
   * `docker wait C`: blocks until the container exits; stdout is its exit code. The signal ends
   * the wait early (API only: a CLI wait ends when the container is removed).
   */
  wait(container: string, timeoutMs: number, signal?: AbortSignal): Promise<RunResult> {
    return this.chatty(
      `wait ${container}`,
      (e) => api.wait(e, container, timeoutMs, signal),
      ['wait', container],
      timeoutMs,
    )
  }

  /** `docker top C -eo pid,ppid,uid,args` (host PIDs). */
  top(container: string): Promise<RunResult> {
    const psArgs = '-eo pid,ppid,uid,args'
    return this.chatty(`top ${container}`, (e) => api.top(e, container, psArgs, QUICK_MS), [
      'top',
      container,
      ...psArgs.split(' '),
    ])
  }

  /** `docker exec C ARGV...`. */
  execIn(container: string, argv: string[], timeoutMs = QUICK_MS): Promise<RunResult> {
    return this.chatty(
      `exec ${container} ${argv[0] ?? ''}`,
      (e) => api.exec(e, container, argv, timeoutMs),
      ['exec', container, ...argv],
      timeoutMs,
    )
  }

  /** `docker logs --timestamps [--tail N] C`: the container's stdout and stderr, apart. */
  logs(container: string, tail?: number): Promise<RunResult> {
    const args = ['logs', '--timestamps']
    if (tail !== undefined) args.push('--tail', String(tail))
    return this.chatty(`logs ${container}`, (e) => api.logs(e, container, tail, QUICK_MS), [
      ...args,
      container,
    ])
  }

  /** `docker stop -t GRACE C`: SIGTERM, then SIGKILL after graceS seconds. */
  stop(container: string, graceS: number): Promise<RunResult> {
    const timeoutMs = graceS * 1000 + QUICK_MS
    return this.chatty(
      `stop ${container}`,
      (e) => api.stop(e, container, graceS, timeoutMs),
      ['stop', '-t', String(graceS), container],
      timeoutMs,
    )
  }

  /** `docker rm -f -v C...` (anonymous volumes too). */
  rm(containers: string[]): Promise<RunResult> {
    return this.chatty(
      `rm ${containers.length}`,
      (e) => api.removeAll(e, 'containers', containers, QUICK_MS),
      ['rm', '-f', '-v', ...containers],
    )
  }

  /** IDs of containers (running or not) carrying `label` (`key=value`), one per line. */
  psByLabel(label: string): Promise<RunResult> {
    return this.chatty(`ps ${label}`, (e) => api.idsByLabel(e, 'containers', label, QUICK_MS), [
      'ps',
      '-aq',
      '--no-trunc',
      '--filter',
      `label=${label}`,
    ])
  }

  /** IDs of networks carrying `label`, one per line. */
  networkLsByLabel(label: string): Promise<RunResult> {
    return this.chatty(
      `network ls ${label}`,
      (e) => api.idsByLabel(e, 'networks', label, QUICK_MS),
      ['network', 'ls', '-q', '--no-trunc', '--filter', `label=${label}`],
    )
  }

  /** `docker network inspect NAME` (JSON array). */
  networkInspect(name: string): Promise<RunResult> {
    return this.chatty(`network inspect ${name}`, (e) => api.networkInspect(e, name, QUICK_MS), [
      'network',
      'inspect',
      name,
    ])
  }

  /** `docker version` of the engine: its version on stdout, or why it cannot be reached. */
  serverVersion(): Promise<RunResult> {
    return this.chatty(
      'version',
      (e) => api.serverVersion(e, 15_000),
      ['version', '--format', '{{.Server.Version}}'],
      15_000,
    )
  }

  /** IDs of images carrying `label`, one per line. */
  imageLsByLabel(label: string): Promise<RunResult> {
    return this.chatty(`image ls ${label}`, (e) => api.idsByLabel(e, 'images', label, QUICK_MS), [
      'image',
      'ls',
      '-q',
      '--no-trunc',
      '--filter',
      `label=${label}`,
    ])
  }

  /** `docker image rm -f ID...` (every tag of each; the build cache stays). */
  imageRm(ids: string[]): Promise<RunResult> {
    return this.chatty(`image rm ${ids.length}`, (e) => api.removeAll(e, 'images', ids, QUICK_MS), [
      'image',
      'rm',
      '-f',
      ...ids,
    ])
  }

  /** Names of volumes carrying `label`, one per line. */
  volumeLsByLabel(label: string): Promise<RunResult> {
    return this.chatty(`volume ls ${label}`, (e) => api.idsByLabel(e, 'volumes', label, QUICK_MS), [
      'volume',
      'ls',
      '-q',
      '--filter',
      `label=${label}`,
    ])
  }

  /** `docker volume rm -f NAME...`. */
  volumeRm(names: string[]): Promise<RunResult> {
    return this.chatty(
      `volume rm ${names.length}`,
      (e) => api.removeAll(e, 'volumes', names, QUICK_MS),
      ['volume', 'rm', '-f', ...names],
    )
  }

  /** `docker network rm ID...`. */
  networkRm(ids: string[]): Promise<RunResult> {
    return this.chatty(
      `network rm ${ids.length}`,
      (e) => api.removeAll(e, 'networks', ids, QUICK_MS),
      ['network', 'rm', ...ids],
    )
  }
}
