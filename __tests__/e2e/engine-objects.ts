/**
 * What a run made on the engine and on disk, found the way the post step finds it: by the run's
 * labels (containers, networks, volumes; images by the build label) and its temp-file prefix.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import { docker } from './run-action'

const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '')

/** Everything of run `runId` still there, as `kind name` lines (empty when it left nothing). */
export function runLeftovers(runId: string): string[] {
  const run = `label=flask-deploy-check.run=${runId}`
  return [
    ...lines(docker(['ps', '-a', '--filter', run, '--format', '{{.Names}}'])).map(
      (n) => `container ${n}`,
    ),
    ...lines(docker(['network', 'ls', '--filter', run, '--format', '{{.Name}}'])).map(
      (n) => `network ${n}`,
    ),
    ...lines(docker(['volume', 'ls', '--filter', run, '--format', '{{.Name}}'])).map(
      (n) => `volume ${n}`,
    ),
    ...runImages(runId).map((i) => `image ${i}`),
    ...fs
      .readdirSync(os.tmpdir())
      .filter((n) => n.startsWith(`fdc-${runId}-`))
      .map((n) => `temp ${n}`),
  ]
}

/** Images the run built (by their build label), as repository:tag. */
export function runImages(runId: string): string[] {
  const filter = `label=flask-deploy-check.build=${runId}`
  return lines(docker(['image', 'ls', '--filter', filter, '--format', '{{.Repository}}:{{.Tag}}']))
}

/**
 * Containers, networks and volumes the engine created between two times (ms since the epoch),
 * labelled or not: `kind name` lines. A step that must start nothing has none.
 */
export function createdBetween(fromMs: number, toMs: number): string[] {
  const out = docker([
    'events',
    '--since',
    String(Math.floor(fromMs / 1000)),
    '--until',
    String(Math.ceil(toMs / 1000) + 1),
    '--filter',
    'event=create',
    '--filter',
    'type=container',
    '--filter',
    'type=network',
    '--filter',
    'type=volume',
    '--format',
    '{{.TimeNano}} {{.Type}} {{.Actor.Attributes.name}}',
  ])
  return lines(out)
    .map((l) => l.split(' '))
    .filter(([ns]) => Number(BigInt(ns) / 1_000_000n) >= fromMs)
    .map(([, type, name]) => `${type} ${name ?? ''}`)
}

/** Resident memory of a process in MiB (VmRSS), or 0 once it is gone. */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : 0
  } catch {
    return 0
  }
}

/** `docker inspect` of every container of the run that exists right now. */
export function inspectRun(runId: string): ContainerInspect[] {
  const ids = lines(docker(['ps', '-aq', '--filter', `label=flask-deploy-check.run=${runId}`]))
  if (ids.length === 0) return []
  try {
    return JSON.parse(docker(['inspect', ...ids])) as ContainerInspect[]
  } catch {
    // One went away between ps and inspect: the next poll sees the rest.
    return []
  }
}

export interface ContainerInspect {
  Name: string
  Config: { Env: string[] | null }
  HostConfig: {
    CapDrop: string[] | null
    CapAdd: string[] | null
    SecurityOpt: string[] | null
    Privileged: boolean
    NetworkMode: string
    Memory: number
    MemorySwap: number
    NanoCpus: number
    PidsLimit: number | null
    Binds: string[] | null
  }
  Mounts: { Source: string; Destination: string }[]
}
