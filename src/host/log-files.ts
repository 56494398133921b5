/**
 * Log files a process group writes (host mode: the guide's "rotating files" alternative to
 * stdout): regular files its processes hold open for writing, found through /proc/PID/fd and
 * /proc/PID/fdinfo, with their last lines. Libraries and the venv are never log files.
 */
import { promises as fs } from 'node:fs'

const TAIL_BYTES = 64 * 1024
const MAX_FILES = 5

/** True when /proc/PID/fdinfo/FD's flags open the file for writing (O_WRONLY or O_RDWR). */
export function writable(fdinfo: string): boolean {
  const m = /^flags:\s+([0-7]+)/m.exec(fdinfo)
  return m !== undefined && m !== null && (parseInt(m[1], 8) & 3) !== 0
}

/** Paths of regular files the processes hold open for writing (sorted, at most MAX_FILES). */
export async function openLogFiles(pids: number[], exclude: string[]): Promise<string[]> {
  const found = new Set<string>()
  for (const pid of pids) {
    const fds = await fs.readdir(`/proc/${pid}/fd`).catch(() => [] as string[])
    for (const fd of fds) {
      const target = await fs.readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')
      if (!target.startsWith('/') || target.startsWith('/dev/') || target.startsWith('/proc/'))
        continue
      if (exclude.some((e) => target.startsWith(e)) || / \(deleted\)$/.test(target)) continue
      const info = await fs.readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8').catch(() => '')
      const stat = await fs.stat(target).catch(() => undefined)
      if (stat?.isFile() && writable(info)) found.add(target)
    }
  }
  return [...found].sort().slice(0, MAX_FILES)
}

/** The last lines of a file (at most the last 64 KiB, the first partial line dropped). */
export async function tailLines(file: string, max: number): Promise<string[]> {
  const handle = await fs.open(file, 'r')
  try {
    const { size } = await handle.stat()
    const start = Math.max(0, size - TAIL_BYTES)
    const buf = Buffer.alloc(size - start)
    await handle.read(buf, 0, buf.length, start)
    const lines = buf.toString('utf8').split('\n')
    if (start > 0) lines.shift()
    return lines.filter((l) => l !== '').slice(-max)
  } finally {
    await handle.close()
  }
}
