/** Reading why `nginx -t` refused a configuration. */

/** The first error nginx reported, with the file and line when it named one. */
export interface NginxError {
  level: 'emerg' | 'alert' | 'crit' | 'error'
  /** The message without the log prefix and without the trailing ` in FILE:LINE`. */
  message: string
  file?: string
  line?: number
}

// nginx prints `nginx: [emerg] MSG` to stderr when its error log is a file, and the log format
// `2024/01/02 03:04:05 [emerg] 1#1: MSG` when the error log itself is stderr (Docker images
// link /var/log/nginx/error.log to /dev/stderr).
const LINE =
  /^(?:nginx: |\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d )\[(emerg|alert|crit|error)\] (?:\d+#\d+: )?(.*)$/
const WHERE = /^(.*) in (\/.*):(\d+)$/

/**
 * Finds the first emerg/alert/crit/error line in nginx's stderr. Returns undefined when there
 * is none (e.g. the output of a successful `nginx -t`).
 */
export function parseNginxError(stderr: string): NginxError | undefined {
  for (const raw of stderr.split('\n')) {
    const m = LINE.exec(raw.trimEnd())
    if (!m) continue
    const level = m[1] as NginxError['level']
    const where = WHERE.exec(m[2])
    if (!where) return { level, message: m[2] }
    return { level, message: where[1], file: where[2], line: Number(where[3]) }
  }
  return undefined
}
