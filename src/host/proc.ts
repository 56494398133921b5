/**
 * The process table of one process group from /proc, as the docker runtime reads `docker top`:
 * pid, ppid, uid and args of every member, the group leader marked as the main process.
 */
import { promises as fs } from 'node:fs'
import type { ProcessFacts } from '../facts/types'

interface Stat {
  ppid: number
  pgrp: number
}

/** Fields after the command name in /proc/PID/stat (the name may hold spaces and parens). */
export function parseStat(text: string): Stat | undefined {
  const close = text.lastIndexOf(')')
  if (close < 0) return undefined
  const f = text.slice(close + 2).split(' ')
  return { ppid: Number(f[1]), pgrp: Number(f[2]) }
}

/** The real uid from /proc/PID/status. */
export function parseUid(status: string): number | undefined {
  const m = /^Uid:\s+(\d+)/m.exec(status)
  return m ? Number(m[1]) : undefined
}

async function readProc(pid: number): Promise<(ProcessFacts & { pgrp: number }) | undefined> {
  try {
    const [stat, status, cmdline] = await Promise.all([
      fs.readFile(`/proc/${pid}/stat`, 'utf8'),
      fs.readFile(`/proc/${pid}/status`, 'utf8'),
      fs.readFile(`/proc/${pid}/cmdline`, 'utf8'),
    ])
    const s = parseStat(stat)
    const uid = parseUid(status)
    if (s === undefined || uid === undefined) return undefined
    const args = cmdline.replace(/\0+$/, '').split('\0').join(' ')
    return { pid, ppid: s.ppid, uid, args, isInit: false, pgrp: s.pgrp }
  } catch {
    // The process ended while we read it.
    return undefined
  }
}

/** Every live process of the group, leader first then by pid. */
export async function groupProcesses(pgid: number): Promise<ProcessFacts[]> {
  const entries = await fs.readdir('/proc')
  const rows: ProcessFacts[] = []
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue
    const p = await readProc(Number(e))
    if (p === undefined || p.pgrp !== pgid || p.args === '') continue
    const { pgrp: _pgrp, ...row } = p
    void _pgrp
    rows.push({ ...row, isInit: row.pid === pgid })
  }
  return rows.sort((a, b) => Number(b.isInit) - Number(a.isInit) || a.pid - b.pid)
}
