/**
 * nginx from the runner's packages, run as a host process: in a private mount namespace
 * (`unshare -m`) where overlays of the top directories it needs (/etc, /var, and those of the
 * files the plan puts at absolute paths) take the run's files, so the config's own paths work
 * and nothing on the runner changes. The network is the runner's: listens were moved to
 * loopback ports before. Needs root (a GitHub runner has sudo; the e2e machine is root).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { run, type RunResult } from '../exec'
import { HostChild } from './child'

export interface HostFile {
  /** A file or directory on the host (the run's temp dir). */
  source: string
  /** Where nginx must see it. */
  target: string
}

/** Top directories that are never overlaid (kernel filesystems, the run's own temp space). */
const NEVER = new Set(['proc', 'sys', 'dev', 'run', 'tmp'])

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

/** The top directory of an absolute path ('etc' for /etc/nginx/x), '' for a file at /. */
function top(p: string): string {
  return p.split('/').filter(Boolean).length > 1 ? p.split('/').filter(Boolean)[0] : ''
}

/**
 * The shell script that prepares the namespace: a tmpfs for the overlays' upper layers, an
 * overlay per top directory, the files copied to their targets, Debian's default site removed,
 * a passwd entry for a `user` the config names that the runner lacks. Files it cannot place
 * (at / or under /tmp) are listed in `skipped`.
 */
export function namespaceScript(
  files: HostFile[],
  o: { work: string; users: string[] },
): { script: string; skipped: string[] } {
  const skipped: string[] = []
  const tops = new Set(['etc', 'var'])
  for (const f of files) {
    const t = top(f.target)
    if (t === '' || NEVER.has(t)) skipped.push(f.target)
    else tops.add(t)
  }
  const lines = ['set -e', `mount -t tmpfs tmpfs ${q(o.work)}`]
  for (const t of [...tops].sort()) {
    if (!fs.existsSync(`/${t}`)) continue
    const up = path.join(o.work, 'up', t)
    const wk = path.join(o.work, 'wk', t)
    lines.push(
      `mkdir -p ${q(up)} ${q(wk)}`,
      `mount -t overlay overlay -o ${q(`lowerdir=/${t},upperdir=${up},workdir=${wk}`)} /${t}`,
    )
  }
  lines.push('mount -t tmpfs tmpfs /run', 'rm -f /etc/nginx/sites-enabled/*')
  for (const f of files) {
    if (skipped.includes(f.target)) continue
    const dir = fs.statSync(f.source).isDirectory()
    lines.push(
      dir
        ? `mkdir -p ${q(f.target)} && cp -R ${q(`${f.source}/.`)} ${q(f.target)}`
        : `mkdir -p ${q(path.posix.dirname(f.target))} && cp ${q(f.source)} ${q(f.target)}`,
    )
  }
  for (const u of o.users)
    lines.push(
      `getent passwd ${q(u)} >/dev/null || echo ${q(`${u}:x:101:101::/nonexistent:/usr/sbin/nologin`)} >> /etc/passwd`,
      `getent group ${q(u)} >/dev/null || echo ${q(`${u}:x:101:`)} >> /etc/group`,
    )
  lines.push('mkdir -p /var/log/nginx /var/lib/nginx')
  return { script: lines.join('\n'), skipped }
}

/** The nginx binary of the runner's packages, or undefined when none is installed. */
export function nginxBinary(): string | undefined {
  return ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) =>
    fs.existsSync(p),
  )
}

/** `nginx -T` in a fresh namespace prepared by `script`: exit 0 and the dump, or nginx's error. */
export function testHostNginx(script: string, nginx: string, work: string): Promise<RunResult> {
  fs.mkdirSync(work, { recursive: true })
  return run(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c', `${script}\nexec ${q(nginx)} -T`],
    {
      timeoutMs: 30_000,
    },
  )
}

/** nginx in the foreground (`daemon off`) in its own namespace and process group. */
export function startHostNginx(
  runId: string,
  script: string,
  nginx: string,
  work: string,
): HostChild {
  fs.mkdirSync(work, { recursive: true })
  return new HostChild(
    runId,
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c', `${script}\nexec ${q(nginx)} -g 'daemon off;'`],
    { cwd: '/', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' } },
  )
}
