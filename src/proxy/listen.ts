/**
 * Host mode's nginx runs in the runner's own network: its `listen` addresses are moved to
 * loopback ports the run chose (443 -> 127.0.0.1:P), every other byte of the text kept, so
 * line numbers in findings stay the user's. IPv6 listeners go to 127.0.0.2 (a runner may
 * have no ::1) on the same port, where they cannot clash with the IPv4 one.
 */
import { parseStatements, tokenizeNginx, type NginxStatement } from '../facts/nginx/tokenize'

export interface ListenMove {
  line: number
  before: string
  after: string
}

function walk(statements: NginxStatement[], visit: (s: NginxStatement) => void): void {
  for (const s of statements) {
    visit(s)
    if (s.block) walk(s.block, visit)
  }
}

/** The port of a listen address (`443`, `*:80`, `[::]:443`, `0.0.0.0:8443`); 80 for a bare host. */
export function listenPort(address: string): number | undefined {
  if (address.startsWith('unix:')) return undefined
  const m = /^(?:(?:\[[^\]]*\]|[^:[\]]*):)?(\d+)$/.exec(address)
  if (m) return Number(m[1])
  return /^[\w.-]+$/.test(address) ? 80 : undefined
}

/**
 * Rewrites every `listen` of the text whose port is in `ports` (old -> new). Throws
 * NginxSyntaxError when the text cannot be tokenized (the caller's plan has already read it).
 */
export function moveListens(
  text: string,
  ports: ReadonlyMap<number, number>,
  file = 'nginx.conf',
): { text: string; moves: ListenMove[] } {
  const statements = parseStatements(tokenizeNginx(text, file), file)
  const edits: { start: number; end: number; after: string; line: number; before: string }[] = []
  walk(statements, (s) => {
    if (s.name.value !== 'listen' || !s.args[0]) return
    const token = s.args[0]
    const port = listenPort(token.value)
    const to = port === undefined ? undefined : ports.get(port)
    if (to === undefined) return
    const host = token.value.startsWith('[') ? '127.0.0.2' : '127.0.0.1'
    const before = text.slice(token.start, token.end)
    edits.push({
      start: token.start,
      end: token.end,
      after: `${host}:${to}`,
      line: token.line,
      before,
    })
  })
  let out = text
  for (const e of [...edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.after + out.slice(e.end)
  return { text: out, moves: edits.map(({ line, before, after }) => ({ line, before, after })) }
}

/** Every port the text's `listen` directives use. */
export function listenPorts(text: string, file = 'nginx.conf'): number[] {
  const ports = new Set<number>()
  walk(parseStatements(tokenizeNginx(text, file), file), (s) => {
    const p = s.name.value === 'listen' && s.args[0] ? listenPort(s.args[0].value) : undefined
    if (p !== undefined) ports.add(p)
  })
  return [...ports]
}
