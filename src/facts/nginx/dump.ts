/**
 * Reading the effective configuration as `nginx -T` prints it: every file nginx read, each after
 * a line `# configuration file PATH:` and followed by one extra newline (nginx.c,
 * ngx_test_configure's dump loop).
 */
import { parseNginxFile, type NginxDirective } from './tokenize'

/** One file of the dump, as written. */
export interface NginxConfigFile {
  path: string
  /** Top-level directives of this file; its `include` directives are left as written. */
  directives: NginxDirective[]
}

/** The effective configuration: one tree, plus each file as written. */
export interface NginxConfigTree {
  /** The main configuration file (the first one the dump prints). */
  main: string
  /**
   * The main file's directives with every `include` replaced by the directives of the files it
   * named, in the order nginx reads them; each directive keeps its own file and line.
   */
  directives: NginxDirective[]
  /** Every file in the order the dump printed them. */
  files: NginxConfigFile[]
}

const HEADER = /^# configuration file (.+):$/

/** Splits `nginx -T` stdout into files; text before the first header (stderr lines) is ignored. */
export function splitNginxDump(dump: string): { path: string; text: string }[] {
  const lines = dump.split('\n')
  if (dump.endsWith('\n')) lines.pop()
  const files: { path: string; lines: string[] }[] = []
  for (const line of lines) {
    const header = HEADER.exec(line)
    if (header) files.push({ path: header[1], lines: [] })
    else if (files.length) files[files.length - 1].lines.push(line)
  }
  // Joining with '\n' turns nginx's extra trailing newline back into the file's last newline.
  return files.map((f) => ({ path: f.path, text: f.lines.join('\n') }))
}

/**
 * Parses `nginx -T` stdout into one tree with includes resolved against the files the dump
 * printed (glob patterns such as conf.d/*.conf match them in sorted order, as glob(3) does).
 * Throws NginxSyntaxError when a file cannot be tokenized, and an Error when the dump holds no file.
 */
export function parseNginxDump(dump: string): NginxConfigTree {
  const parts = splitNginxDump(dump)
  if (!parts.length) throw new Error('no "# configuration file" header: not nginx -T output')
  const files = parts.map((p) => ({ path: p.path, directives: parseNginxFile(p.text, p.path) }))
  const main = files[0].path
  const byPath = new Map(files.map((f) => [f.path, f.directives]))
  const prefix = main.slice(0, main.lastIndexOf('/') + 1)
  const directives = resolve(files[0].directives, byPath, prefix, [main])
  return { main, directives, files }
}

function resolve(
  directives: NginxDirective[],
  files: Map<string, NginxDirective[]>,
  prefix: string,
  stack: string[],
): NginxDirective[] {
  const out: NginxDirective[] = []
  for (const d of directives) {
    if (d.name === 'include' && d.args.length === 1) {
      // Relative include paths are relative to the main file's directory (nginx's conf prefix).
      const pattern = d.args[0].startsWith('/') ? d.args[0] : prefix + d.args[0]
      const matches = matchFiles(pattern, [...files.keys()])
      const usable = matches.filter((m) => !stack.includes(m))
      if (!matches.length && !isGlob(pattern)) out.push(d)
      for (const m of usable) out.push(...resolve(files.get(m) ?? [], files, prefix, [...stack, m]))
    } else if (d.block) {
      out.push({ ...d, block: resolve(d.block, files, prefix, stack) })
    } else {
      out.push(d)
    }
  }
  return out
}

function isGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern)
}

/** Files of the dump an include pattern names, sorted bytewise like glob(3) in the C locale. */
export function matchFiles(pattern: string, paths: string[]): string[] {
  if (!isGlob(pattern)) return paths.includes(pattern) ? [pattern] : []
  const re = globToRegExp(pattern)
  const base = pattern.slice(pattern.lastIndexOf('/') + 1)
  return paths
    .filter((p) => re.test(p))
    .filter((p) => base.startsWith('.') || !p.slice(p.lastIndexOf('/') + 1).startsWith('.'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

function globToRegExp(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    const close = c === '[' ? pattern.indexOf(']', i + 2) : -1
    if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else if (close > 0) {
      const body = pattern
        .slice(i + 1, close)
        .replace(/^!/, '^')
        .replace(/\\/g, '\\\\')
      re += `[${body}]`
      i = close
    } else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}
