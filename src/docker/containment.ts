/**
 * What every container of a run may do. The app and the proxy run pull-request code on a shared
 * runner: no capability beyond what a WSGI server or nginx needs to start as root and drop to
 * its user, no privilege gained through setuid binaries, bounded memory, CPU and processes, and
 * never the host's network, privileged mode or the engine's socket.
 */
import * as os from 'node:os'

/**
 * Kept from docker's default set: changing owners of its temp files (CHOWN), reading and
 * writing files as root whatever their mode (DAC_OVERRIDE, FOWNER), dropping to the server's
 * user (SETUID, SETGID), signalling workers that run as that user (KILL) and binding ports
 * below 1024 (NET_BIND_SERVICE). Dropped: NET_RAW, MKNOD, SYS_CHROOT, SETFCAP, SETPCAP,
 * FSETID, AUDIT_WRITE.
 */
export const SERVER_CAPS = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'SETUID',
  'SETGID',
  'KILL',
  'NET_BIND_SERVICE',
] as const

export interface Limits {
  memory: string
  pidsLimit: number
  /** CPUs the container may use (`--cpus`); at most the host's. */
  cpus: number
}

export const DEFAULT_LIMITS: Limits = { memory: '512m', pidsLimit: 256, cpus: 2 }

/** Paths whose bind mount would hand the container the engine (and so the host). */
const ENGINE_SOCKETS = /(^|\/)(docker|containerd|podman)(\.sock)?$|\/run\/docker\b/

/** A container spec asked for something containment forbids: a bug of ours, never the app's. */
export class ContainmentError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ContainmentError'
  }
}

/** Throws when a network or a mount would break containment. */
export function assertContained(spec: { network?: string; mounts?: { source: string }[] }): void {
  if (spec.network === 'host' || spec.network?.startsWith('container:'))
    throw new ContainmentError(`refusing to run a container on network '${spec.network}'`)
  for (const m of spec.mounts ?? []) {
    if (ENGINE_SOCKETS.test(m.source))
      throw new ContainmentError(`refusing to mount the engine socket ${m.source}`)
  }
}

/** The `docker run` flags of containment, limits given or defaulted. */
export function containmentArgs(limits: Partial<Limits> = {}): string[] {
  const l = { ...DEFAULT_LIMITS, ...limits }
  // --cpus above the host's count is refused by the engine.
  const cpus = Math.min(l.cpus, Math.max(1, os.cpus().length))
  return [
    '--cap-drop',
    'ALL',
    ...SERVER_CAPS.flatMap((c) => ['--cap-add', c]),
    '--security-opt',
    'no-new-privileges',
    '--memory',
    l.memory,
    // Equal to --memory: no swap on top of the limit, so "memory flat" means flat.
    '--memory-swap',
    l.memory,
    '--pids-limit',
    String(l.pidsLimit),
    '--cpus',
    String(cpus),
  ]
}
