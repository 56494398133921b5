/**
 * The image part of the plan: build it (or find/pull the `image` given) and read its config
 * and history.
 */
import type { Docker } from '../docker/docker'
import type { Logger } from '../log'
import type { Options } from '../options'
import { parseHistory, parseImageInspect, type ParsedImage } from '../facts/parse'
import type { BuildFacts } from '../facts/types'
import { errorLine } from '../facts/cli-error'

const BUILD_TIMEOUT_MS = 30 * 60_000

/** Builds the image (log streamed to the logger) or resolves the existing `image`. */
export async function buildImage(
  docker: Docker,
  opts: Options,
  runId: string,
  log: Logger,
): Promise<BuildFacts> {
  if (opts.image) {
    const started = Date.now()
    let res = await docker.imageInspect(opts.image)
    if (res.exitCode !== 0) {
      log.info(`Pulling ${opts.image}`)
      const pull = await docker.pull(opts.image)
      res = pull.exitCode === 0 ? await docker.imageInspect(opts.image) : pull
    }
    const error =
      res.exitCode === 0
        ? undefined
        : errorLine(res.stderr) || `image ${opts.image} is not available`
    return {
      mode: 'existing',
      ok: error === undefined,
      imageRef: opts.image,
      durationMs: Date.now() - started,
      logTail: [],
      ...(error ? { error } : {}),
    }
  }
  const tag = `flask-deploy-check/app:${runId}`
  const r = await docker.build({
    context: opts.context,
    file: opts.file,
    tag,
    runId,
    buildArgs: opts.buildArgs,
    target: opts.target,
    cacheFrom: opts.cacheFrom,
    cacheTo: opts.cacheTo,
    timeoutMs: BUILD_TIMEOUT_MS,
    onLine: (line) => log.info(line),
  })
  const facts: BuildFacts = {
    mode: 'built',
    ok: r.exitCode === 0,
    imageRef: tag,
    exitCode: r.exitCode,
    durationMs: r.ms,
    logTail: r.tail,
  }
  if (!facts.ok) {
    facts.error = r.timedOut
      ? `docker build did not finish within ${BUILD_TIMEOUT_MS / 60_000} minutes`
      : r.lastErrorLine || `docker build exited with ${r.exitCode}`
  }
  return facts
}

/** Image config facts plus the variables its history shows; unavailable when inspect fails. */
export async function inspectImage(
  docker: Docker,
  ref: string,
): Promise<ParsedImage | { unavailable: string }> {
  const [inspect, history] = await Promise.all([docker.imageInspect(ref), docker.history(ref)])
  if (inspect.exitCode !== 0)
    return { unavailable: `docker image inspect failed: ${errorLine(inspect.stderr)}` }
  const parsed = parseImageInspect(inspect.stdout)
  // Without history the baked-secret check still has Config.Env; say nothing rather than guess.
  if (history.exitCode === 0)
    parsed.facts.historyVars = parseHistory(history.stdout, [...parsed.env.keys()])
  return parsed
}
