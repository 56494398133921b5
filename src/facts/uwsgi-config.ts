/**
 * uWSGI's own configuration: which option binds the app port and so which protocol it speaks.
 * `socket` / `uwsgi-socket` (and `-s`) are the binary uwsgi protocol (nginx's uwsgi_pass);
 * `http`, `http-socket`, `http11-socket` are HTTP. Options come from the command line or an ini
 * file (`--ini FILE`, or a bare `FILE.ini` argument). Pure.
 */

export interface UwsgiBind {
  /** The option's value as written, e.g. ':8080'. */
  address: string
  protocol: 'http' | 'uwsgi'
}

const UWSGI_OPTIONS = new Set(['socket', 'uwsgi-socket', 's'])
const HTTP_OPTIONS = new Set(['http', 'http-socket', 'http11-socket'])

function bindOf(option: string, value: string | undefined): UwsgiBind | undefined {
  if (value === undefined || value === '') return undefined
  if (UWSGI_OPTIONS.has(option)) return { address: value, protocol: 'uwsgi' }
  if (HTTP_OPTIONS.has(option)) return { address: value, protocol: 'http' }
  return undefined
}

/** The first binding option of the [uwsgi] section of an ini file. */
export function uwsgiIniBind(text: string): UwsgiBind | undefined {
  let section = ''
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const head = /^\[([^\]]+)\]$/.exec(line)
    if (head) {
      section = head[1].trim()
      continue
    }
    if (section !== 'uwsgi') continue
    const m = /^([A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line)
    const bind = m && bindOf(m[1].toLowerCase().replace(/_/g, '-'), m[2].trim())
    if (bind) return bind
  }
  return undefined
}

/** The first binding option among uWSGI's arguments (`--socket :8080`, `-s :8080`, `--http=:80`). */
export function uwsgiArgBind(args: readonly string[]): UwsgiBind | undefined {
  for (let i = 0; i < args.length; i++) {
    const m = /^--?([A-Za-z0-9_-]+)(?:=(.*))?$/.exec(args[i])
    if (!m) continue
    const bind = bindOf(m[1].toLowerCase(), m[2] ?? args[i + 1])
    if (bind) return bind
  }
  return undefined
}

/** The ini file uWSGI loads: `--ini FILE` (also `--ini=FILE`), or a bare `*.ini` argument. */
export function uwsgiIniPath(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--ini') return args[i + 1]
    if (args[i].startsWith('--ini=')) return args[i].slice(6)
    if (!args[i].startsWith('-') && /\.ini$/.test(args[i]) && args[i - 1]?.startsWith('-') !== true)
      return args[i]
  }
  return undefined
}
