/**
 * The unit's ExecStart= mapped onto this machine: the WSGI server run from the run's venv
 * (`python -m gunicorn`, `python -m waitress`), the unit's WorkingDirectory= replaced by the
 * checkout in every word, and the listening port replaced when host mode chose another.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'

export interface MappedCommand {
  file: string
  args: string[]
}

const PORT_FLAGS: Record<string, string[]> = {
  gunicorn: ['-b', '--bind'],
  waitress: ['--listen'],
  uwsgi: ['--http', '--socket', '--http-socket', '--uwsgi-socket', '-s'],
}

function program(word: string): string {
  return path.basename(word)
}

/** Replaces the port of HOST:PORT (or a bare port) with `port`, keeping the host. */
function withPort(address: string, port: number): string {
  if (address.startsWith('unix:') || address.startsWith('/')) return address
  const m = /^(\[[^\]]*\]|[^:]*)?:\d+$/.exec(address)
  if (m) return `${m[1] ?? ''}:${port}`
  if (/^\d+$/.test(address)) return String(port)
  return `${address}:${port}`
}

/** The server's arguments with every bind on `port` (the original hosts kept). */
export function rebind(
  server: string,
  args: string[],
  port: number,
  fallbackHost = '127.0.0.1',
): string[] {
  const flags = PORT_FLAGS[server] ?? PORT_FLAGS.gunicorn
  const out: string[] = []
  let bound = false
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    const flag = flags.find((f) => a === f || a.startsWith(`${f}=`))
    if (flag === undefined) {
      if (server === 'waitress' && a.startsWith('--port=')) {
        out.push(`--port=${port}`)
        bound = true
      } else out.push(a)
      continue
    }
    if (a === flag) out.push(flag, withPort(args[++i] ?? '', port))
    else out.push(`${flag}=${withPort(a.slice(flag.length + 1), port)}`)
    bound = true
  }
  if (!bound) {
    if (server === 'waitress') out.unshift(`--listen=${fallbackHost}:${port}`)
    // Gunicorn's command line beats GUNICORN_CMD_ARGS and the config file.
    else if (server === 'gunicorn') out.unshift('--bind', `${fallbackHost}:${port}`)
  }
  return out
}

/** A path under the unit's WorkingDirectory= as the same path in the checkout; else unchanged. */
export function inCheckout(
  word: string,
  workingDirectory: string | undefined,
  checkout: string,
): string {
  const wd = workingDirectory?.replace(/\/+$/, '')
  return wd && (word === wd || word.startsWith(`${wd}/`)) ? checkout + word.slice(wd.length) : word
}

/**
 * The command to spawn: the venv's interpreter running the server module for Gunicorn and
 * Waitress; uWSGI (a binary) from the venv when pip installed it, else from PATH.
 */
export function mapCommand(o: {
  argv: string[]
  serverIndex: number
  server: string
  venvDir: string
  checkout: string
  workingDirectory?: string
  port: number
  bindHost?: string
}): MappedCommand {
  const remap = (w: string): string => inCheckout(w, o.workingDirectory, o.checkout)
  const rest = o.argv.slice(o.serverIndex + 1).map(remap)
  const args = rebind(o.server, rest, o.port, o.bindHost)
  const python = path.join(o.venvDir, 'bin', 'python')
  if (o.server === 'gunicorn') return { file: python, args: ['-m', 'gunicorn', ...args] }
  if (o.server === 'waitress') return { file: python, args: ['-m', 'waitress', ...args] }
  if (o.server === 'uwsgi') {
    const own = path.join(o.venvDir, 'bin', 'uwsgi')
    return { file: fs.existsSync(own) ? own : 'uwsgi', args }
  }
  const head = remap(o.argv[o.serverIndex] ?? '')
  const file = path.isAbsolute(head) && !fs.existsSync(head) ? program(head) : head
  return { file, args }
}
