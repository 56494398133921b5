/**
 * The docker CLI's chatty verbs answered through the engine API, in the CLI's own terms: the
 * stdout it would print (inspect's JSON array, top's table, logs' timestamped lines, the exit
 * code of exec and wait), exit code 1 with "Error response from daemon: ..." for a refusal and
 * 124 for a deadline. The parsers in facts/ therefore read both paths alike.
 */
import type { RunResult } from '../exec'
import { demux, type Engine, type EngineRequest, type EngineResponse } from './engine-api'

const id = (name: string): string => encodeURIComponent(name)

function result(res: EngineResponse, stdout = '', stderr = ''): RunResult {
  const failed = res.status === 0 || res.status >= 400
  const message =
    res.status === 0 ? `engine: ${res.error}` : `Error response from daemon: ${res.error}`
  return {
    exitCode: res.timedOut ? 124 : failed ? 1 : 0,
    stdout,
    stderr: failed ? `${stderr}${message}\n` : stderr,
    ms: res.ms,
    timedOut: res.timedOut,
    truncated: res.truncated,
  }
}

const ok = (res: EngineResponse): boolean => res.status >= 200 && res.status < 400

/** A GET whose JSON body, wrapped or not, is the CLI's stdout. */
async function json(
  engine: Engine,
  req: Omit<EngineRequest, 'method'>,
  toStdout: (body: unknown) => string,
): Promise<RunResult> {
  const res = await engine.request({ method: 'GET', ...req })
  if (!ok(res)) return result(res)
  try {
    return result(res, toStdout(JSON.parse(res.body.toString('utf8'))))
  } catch (err) {
    return result({ ...res, status: 500, error: `unreadable answer: ${(err as Error).message}` })
  }
}

export function inspect(engine: Engine, container: string, timeoutMs: number): Promise<RunResult> {
  return json(engine, { path: `/containers/${id(container)}/json`, timeoutMs }, (b) =>
    JSON.stringify([b]),
  )
}

export function imageInspect(engine: Engine, ref: string, timeoutMs: number): Promise<RunResult> {
  return json(engine, { path: `/images/${id(ref)}/json`, timeoutMs }, (b) => JSON.stringify([b]))
}

export function networkInspect(engine: Engine, net: string, timeoutMs: number): Promise<RunResult> {
  return json(engine, { path: `/networks/${id(net)}`, timeoutMs }, (b) => JSON.stringify([b]))
}

/** `docker history --no-trunc --format {{.CreatedBy}}`: one CreatedBy per layer, newest first. */
export function history(engine: Engine, ref: string, timeoutMs: number): Promise<RunResult> {
  return json(engine, { path: `/images/${id(ref)}/history`, timeoutMs }, (b) =>
    (b as { CreatedBy?: string }[]).map((l) => `${l.CreatedBy ?? ''}\n`).join(''),
  )
}

/** `docker port C PORT/tcp`: `host:port` per binding. */
export function port(
  engine: Engine,
  container: string,
  containerPort: number,
  timeoutMs: number,
): Promise<RunResult> {
  type Inspected = {
    NetworkSettings?: { Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> }
  }
  return json(engine, { path: `/containers/${id(container)}/json`, timeoutMs }, (b) =>
    ((b as Inspected).NetworkSettings?.Ports?.[`${containerPort}/tcp`] ?? [])
      .map((p) => `${p.HostIp.includes(':') ? `[${p.HostIp}]` : p.HostIp}:${p.HostPort}\n`)
      .join(''),
  )
}

/** `docker top C ps_args`: the titles line, then one row per process, columns space-separated. */
export function top(
  engine: Engine,
  container: string,
  psArgs: string,
  timeoutMs: number,
): Promise<RunResult> {
  const req = { path: `/containers/${id(container)}/top`, query: { ps_args: psArgs }, timeoutMs }
  return json(engine, req, (b) => {
    const t = b as { Titles?: string[]; Processes?: string[][] }
    return [t.Titles ?? [], ...(t.Processes ?? [])].map((row) => `${row.join(' ')}\n`).join('')
  })
}

/** `docker logs --timestamps [--tail N]`: stdout and stderr apart, as the CLI prints them. */
export async function logs(
  engine: Engine,
  container: string,
  tail: number | undefined,
  timeoutMs: number,
): Promise<RunResult> {
  const query = { stdout: 1, stderr: 1, timestamps: 1, tail: tail ?? 'all' }
  const res = await engine.request({
    method: 'GET',
    path: `/containers/${id(container)}/logs`,
    query,
    timeoutMs,
  })
  if (!ok(res)) return result(res)
  const { stdout, stderr } = demux(res.body)
  return result(res, stdout.toString('utf8'), stderr.toString('utf8'))
}

/** `docker wait C`: its exit code on stdout once it is not running. */
export function wait(
  engine: Engine,
  container: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<RunResult> {
  return post(
    engine,
    `/containers/${id(container)}/wait`,
    timeoutMs,
    {},
    signal,
    (b) => `${(JSON.parse(b) as { StatusCode: number }).StatusCode}\n`,
  )
}

/** `docker stop -t GRACE C`; stopping a stopped container succeeds, as with the CLI. */
export function stop(
  engine: Engine,
  container: string,
  graceS: number,
  timeoutMs: number,
): Promise<RunResult> {
  return post(engine, `/containers/${id(container)}/stop`, timeoutMs, { t: graceS })
}

async function post(
  engine: Engine,
  path: string,
  timeoutMs: number,
  query: EngineRequest['query'],
  signal?: AbortSignal,
  toStdout: (body: string) => string = () => '',
): Promise<RunResult> {
  const res = await engine.request({ method: 'POST', path, query, timeoutMs, signal })
  if (!ok(res)) return result(res)
  try {
    return result(res, toStdout(res.body.toString('utf8')))
  } catch (err) {
    return result({ ...res, status: 500, error: `unreadable answer: ${(err as Error).message}` })
  }
}

/**
 * `docker exec C ARGV...` without a TTY: exec create, start (the multiplexed stream until the
 * command ends), then the exec's exit code.
 */
export async function exec(
  engine: Engine,
  container: string,
  argv: string[],
  timeoutMs: number,
): Promise<RunResult> {
  const deadline = Date.now() + timeoutMs
  const left = (): number => Math.max(deadline - Date.now(), 1)
  const created = await engine.request({
    method: 'POST',
    path: `/containers/${id(container)}/exec`,
    json: { AttachStdout: true, AttachStderr: true, Cmd: argv },
    timeoutMs: left(),
  })
  if (!ok(created)) return result(created)
  const execId = (JSON.parse(created.body.toString('utf8')) as { Id: string }).Id
  const started = await engine.request({
    method: 'POST',
    path: `/exec/${id(execId)}/start`,
    json: { Detach: false, Tty: false },
    timeoutMs: left(),
  })
  if (!ok(started)) return result(started)
  const { stdout, stderr } = demux(started.body)
  const inspected = await engine.request({
    method: 'GET',
    path: `/exec/${id(execId)}/json`,
    timeoutMs: left(),
  })
  if (!ok(inspected)) return result(inspected, stdout.toString('utf8'), stderr.toString('utf8'))
  const code = (JSON.parse(inspected.body.toString('utf8')) as { ExitCode?: number }).ExitCode
  const res = result(started, stdout.toString('utf8'), stderr.toString('utf8'))
  return { ...res, exitCode: code ?? 126, ms: started.ms + created.ms + inspected.ms }
}

export type ObjectKind = 'containers' | 'networks' | 'volumes' | 'images'

/** What the CLI's removal of each kind asks for (`rm -f -v`, `volume rm -f`, `image rm -f`). */
const REMOVE_QUERY: Record<ObjectKind, EngineRequest['query']> = {
  containers: { force: 1, v: 1 },
  networks: {},
  volumes: { force: 1 },
  images: { force: 1 },
}

/** `docker rm -f -v C...`, `network rm`, `volume rm -f`, `image rm -f`: all at once, the first refusal reported. */
export async function removeAll(
  engine: Engine,
  kind: ObjectKind,
  names: string[],
  timeoutMs: number,
): Promise<RunResult> {
  const query = REMOVE_QUERY[kind]
  const started = Date.now()
  const all = await Promise.all(
    names.map((n) =>
      engine.request({ method: 'DELETE', path: `/${kind}/${id(n)}`, query, timeoutMs }),
    ),
  )
  const failed = all.find((r) => !ok(r))
  return { ...result(failed ?? all[0] ?? emptyOk()), ms: Date.now() - started }
}

const LIST_PATH: Record<ObjectKind, string> = {
  containers: '/containers/json',
  networks: '/networks',
  volumes: '/volumes',
  images: '/images/json',
}

/** IDs of containers (all states), networks or images, or names of volumes, carrying a label. */
export function idsByLabel(
  engine: Engine,
  kind: ObjectKind,
  label: string,
  timeoutMs: number,
): Promise<RunResult> {
  const filters = JSON.stringify({ label: [label] })
  const query = kind === 'containers' ? { all: 1, filters } : { filters }
  return json(engine, { path: LIST_PATH[kind], query, timeoutMs }, (b) => {
    // Volumes come wrapped ({"Volumes": [...]}) and go by name.
    const list = kind === 'volumes' ? ((b as { Volumes?: { Name: string }[] }).Volumes ?? []) : b
    return (list as { Id?: string; Name?: string }[])
      .map((o) => `${kind === 'volumes' ? o.Name : o.Id}\n`)
      .join('')
  })
}

/** `docker version --format {{.Server.Version}}`. */
export function serverVersion(engine: Engine, timeoutMs: number): Promise<RunResult> {
  return json(
    engine,
    { path: '/version', timeoutMs },
    (b) => `${(b as { Version?: string }).Version ?? ''}\n`,
  )
}

function emptyOk(): EngineResponse {
  return { status: 204, body: Buffer.alloc(0), truncated: false, timedOut: false, ms: 0 }
}
