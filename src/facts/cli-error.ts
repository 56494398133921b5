/**
 * The line of a command's stderr that says what went wrong. The docker CLI ends a refused `run`
 * with "Run 'docker run --help' for more information" after the daemon's answer, so the last
 * line alone would name nothing: the daemon's line wins, then the last that is not such advice
 * nor one of the WARNING lines it prints about the host (no swap limit support, say).
 */
const ADVICE = /^(Run|See) '[^']*--help'( for more information)?\.?$/

export function errorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !ADVICE.test(l) && !/^WARNING\b/.test(l))
  const daemon = lines.find((l) => /^(docker: )?Error response from daemon: /.test(l))
  return (daemon ?? lines[lines.length - 1] ?? '').replace(/^docker: /, '')
}
