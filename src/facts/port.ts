/**
 * Which port the app listens on inside the container, read from the server's own arguments
 * (Gunicorn, Waitress, uWSGI, `flask run`), else the image's first EXPOSE, else the server's
 * default. Pure: the command and environment come from `docker image inspect` and the options.
 */
import { splitWords } from './shell-words'
import { uwsgiArgBind, uwsgiIniBind, uwsgiIniPath } from './uwsgi-config'
import type { RunFacts } from './types'
import { serverOfProgram, type ServerKind } from './wsgi'

export interface DetectedPort {
  port: number
  portSource: Exclude<RunFacts['portSource'], 'input'>
  /** 'uwsgi' when uWSGI binds the port with `socket` (the binary uwsgi protocol). */
  protocol: 'http' | 'uwsgi'
}

type Server = ServerKind | 'other'

const SERVER_DEFAULT: Record<Server, number> = {
  gunicorn: 8000,
  waitress: 8080,
  uwsgi: 8000,
  werkzeug: 5000,
  other: 8000,
}

/** Options whose value names an address (HOST:PORT, :PORT, [::]:PORT) or a bare port, per server. */
const ADDRESS_FLAGS: Record<Server, string[]> = {
  gunicorn: ['-b', '--bind'],
  waitress: ['--listen'],
  uwsgi: ['--http', '--http-socket', '--http11-socket'],
  werkzeug: [],
  other: ['-b', '--bind'],
}
const PORT_FLAGS: Record<Server, string[]> = {
  gunicorn: [],
  waitress: ['--port'],
  uwsgi: [],
  werkzeug: ['-p', '--port'],
  other: ['--port'],
}

function expand(word: string, env: ReadonlyMap<string, string>): string {
  return word.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_, a, dflt, b) => {
      const v = env.get(a ?? b)
      return v !== undefined && v !== '' ? v : (dflt ?? '')
    },
  )
}

function portOf(address: string): number | undefined {
  if (address.startsWith('unix:') || address.startsWith('fd://')) return undefined
  const m = /^(?:\[[^\]]*\]|[^:]*)?:(\d+)$/.exec(address) ?? /^(\d+)$/.exec(address)
  if (m) return Number(m[1])
  // A host without a port: Gunicorn then uses 8000.
  return /^[A-Za-z0-9.-]+$/.test(address) ? 8000 : undefined
}

function flagValue(words: string[], i: number, flags: string[]): string | undefined {
  const w = words[i]
  for (const f of flags) {
    if (w === f) return words[i + 1]
    if (w.startsWith(`${f}=`)) return w.slice(f.length + 1)
    // Short options may be glued to their value: -b0.0.0.0:8000, -p5000.
    if (f.length === 2 && w.startsWith(f) && w.length > 2) return w.slice(2)
  }
  return undefined
}

function fromArguments(words: string[], server: Server): number | undefined {
  for (let i = 0; i < words.length; i++) {
    const address = flagValue(words, i, ADDRESS_FLAGS[server])
    const fromAddress = address === undefined ? undefined : portOf(address)
    if (fromAddress !== undefined) return fromAddress
    const port = flagValue(words, i, PORT_FLAGS[server])
    if (port !== undefined && /^\d+$/.test(port)) return Number(port)
  }
  return undefined
}

/**
 * Detects the app port from the container's command (ENTRYPOINT + CMD, or the `command`
 * input), the image's exposed TCP ports and its environment (for $VARS, GUNICORN_CMD_ARGS,
 * PORT and FLASK_RUN_PORT, which the servers read themselves).
 */
export function detectPort(
  argv: string[],
  exposedPorts: number[],
  env: ReadonlyMap<string, string> = new Map(),
  uwsgiIni?: string,
): DetectedPort {
  // Shell forms arrive as one string (`sh -c "gunicorn -b ..."`): split every element.
  const words = argv.flatMap((a) => (/\s/.test(a) ? splitWords(a) : [a])).map((w) => expand(w, env))
  let server: Server = 'other'
  let start = 0
  for (let i = 0; i < words.length; i++) {
    const s = serverOfProgram(words[i], words.slice(i + 1))
    if (s !== undefined) {
      server = s
      start = i + 1
      break
    }
  }
  const args = words.slice(start)
  if (server === 'uwsgi') {
    // Arguments first, then the ini file uWSGI loads (read from the build context by the caller).
    const bind = uwsgiArgBind(args) ?? (uwsgiIni ? uwsgiIniBind(uwsgiIni) : undefined)
    const port = bind && portOf(bind.address)
    if (bind && port !== undefined)
      return { port, portSource: 'bind-argument', protocol: bind.protocol }
  }
  if (server === 'gunicorn') args.push(...splitWords(env.get('GUNICORN_CMD_ARGS') ?? ''))
  const found = fromArguments(args, server)
  if (found !== undefined) return { port: found, portSource: 'bind-argument', protocol: 'http' }
  const envPort =
    server === 'gunicorn'
      ? env.get('PORT')
      : server === 'werkzeug'
        ? env.get('FLASK_RUN_PORT')
        : undefined
  if (envPort !== undefined && /^\d+$/.test(envPort))
    return { port: Number(envPort), portSource: 'bind-argument', protocol: 'http' }
  if (exposedPorts.length > 0)
    return { port: exposedPorts[0], portSource: 'expose', protocol: 'http' }
  return { port: SERVER_DEFAULT[server], portSource: 'default', protocol: 'http' }
}

/** The ini file a uWSGI command loads, when the command runs uWSGI with one. */
export function uwsgiIniOf(argv: string[]): string | undefined {
  const words = argv.flatMap((a) => (/\s/.test(a) ? splitWords(a) : [a]))
  const i = words.findIndex((w, k) => serverOfProgram(w, words.slice(k + 1)) === 'uwsgi')
  return i < 0 ? undefined : uwsgiIniPath(words.slice(i + 1))
}
