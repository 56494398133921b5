/**
 * Which WSGI server a program, a Server header or SERVER_SOFTWARE names, and how reports name
 * it: one list for the port detection, the process table and the server checks.
 */

/** The servers we recognise ('werkzeug' is the development server: `flask run`, `app.run()`). */
export type ServerKind = 'gunicorn' | 'uwsgi' | 'waitress' | 'werkzeug'

/** Display names of the servers we recognise. */
export const SERVER_NAMES: Record<ServerKind, string> = {
  gunicorn: 'Gunicorn',
  uwsgi: 'uWSGI',
  waitress: 'Waitress',
  werkzeug: 'the Werkzeug development server',
}

/**
 * The server a program starts, from its name (a path is fine) and the words after it: `flask`
 * serves with Werkzeug's development server only when asked to `run`.
 */
export function serverOfProgram(program: string, rest: readonly string[]): ServerKind | undefined {
  const base = program.slice(program.lastIndexOf('/') + 1)
  if (base === 'gunicorn') return 'gunicorn'
  // Debian ships the plugin-bound binaries uwsgi_python3 etc. beside uwsgi.
  if (/^uwsgi(_[a-z0-9]+)?$/.test(base)) return 'uwsgi'
  if (base === 'waitress-serve' || base === 'waitress') return 'waitress'
  if (base === 'flask' && rest.includes('run')) return 'werkzeug'
  return undefined
}

/** The server a Server header or SERVER_SOFTWARE names ('gunicorn/21.2.0', 'Werkzeug/3.0.1 Python/3.12'). */
export function serverOfSoftware(text: string): ServerKind | undefined {
  if (/werkzeug/i.test(text)) return 'werkzeug'
  if (/gunicorn/i.test(text)) return 'gunicorn'
  if (/waitress/i.test(text)) return 'waitress'
  if (/uwsgi/i.test(text)) return 'uwsgi'
  return undefined
}
