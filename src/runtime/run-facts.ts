/**
 * What the run is, before anything starts: the port (input, command line, uWSGI ini or EXPOSE)
 * and what it speaks, the routes, the environment's names, and the PYTHONPATH the probe keeps.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Options } from '../options'
import { detectPort, type ParsedImage } from '../facts/parse'
import { uwsgiIniOf } from '../facts/port'
import type { RunFacts } from '../facts/types'

/** The PYTHONPATH the app will see (env input over the image's), which the probe must keep. */
export function pythonPath(opts: Options, image: ParsedImage | undefined): string | undefined {
  return opts.env.find(([k]) => k === 'PYTHONPATH')?.[1] ?? image?.env.get('PYTHONPATH')
}

export function runFacts(
  opts: Options,
  image: ParsedImage | undefined,
  secretInjected: boolean,
): RunFacts {
  const argv = opts.command ?? [...(image?.facts.entrypoint ?? []), ...(image?.facts.cmd ?? [])]
  const env = new Map([...(image?.env ?? []), ...opts.env])
  const detected = detectPort(argv, image?.facts.exposedPorts ?? [], env, uwsgiIni(opts, argv))
  const { port, portSource } =
    opts.port !== undefined ? { port: opts.port, portSource: 'input' as const } : detected
  const facts: RunFacts = {
    runtime: opts.runtime,
    port,
    portSource,
    appProtocol: detected.protocol,
    healthPath: opts.healthPath,
    routes: opts.routes,
    bootTimeoutS: opts.bootTimeoutS,
    cpus: os.cpus().length,
    secretInjected,
    envNames: opts.env.map(([k]) => k),
  }
  if (!opts.image && opts.runtime !== 'host')
    facts.dockerfilePath = path.relative(opts.workspace, opts.file).split(path.sep).join('/')
  if (opts.command) facts.commandOverride = opts.command
  return facts
}

/**
 * The uWSGI ini file the command loads, read from the build context (where `COPY . .` takes it
 * from): relative to the context, else by its name at the context's top. Undefined when absent.
 */
function uwsgiIni(opts: Options, argv: string[]): string | undefined {
  const file = uwsgiIniOf(argv)
  if (file === undefined) return undefined
  const candidates = [
    path.join(opts.context, file.replace(/^\/+/, '')),
    path.join(opts.context, path.basename(file)),
  ]
  for (const c of candidates) {
    try {
      return fs.readFileSync(c, 'utf8')
    } catch {
      // not there: the next candidate
    }
  }
  return undefined
}
