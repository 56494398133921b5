/** Checks on building the image: build.image, build.layer-cache. */
import type { DockerInstruction, Observations } from '../facts/types'
import { buildkitOnly, legacyBuilderFailure } from './lib/buildkit'
import { installCommands, pipCacheAvoided, type InstallCommand } from './lib/installs'
import { dockerfileAt, notBuiltInHostMode, present } from './lib/parts'
import { imageInstructions, instructionLine } from './lib/stages'
import { lastLines, maskBuildLine, seconds } from './lib/text'
import type { Check, CheckOutcome } from './lib/types'

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`
}

/** The Dockerfile line the build failed on: BuildKit prints `Dockerfile:12`, the legacy builder `Step 4/7 : RUN ...`. */
function failedLine(obs: Observations): number | undefined {
  const df = present(obs.dockerfile)
  const name = (obs.run.dockerfilePath ?? 'Dockerfile').split('/').pop() ?? 'Dockerfile'
  for (const line of [...obs.build.logTail].reverse()) {
    const m = /(?:^|\s)([\w.-]+):(\d+)\s*$/.exec(line)
    if (m && (m[1] === name || m[1] === 'Dockerfile')) return Number(m[2])
  }
  if (df === undefined) return undefined
  // The legacy builder: `Step 5/12 : COPY ...`; BuildKit: ` > [3/3] RUN ...:` (or `[stage 3/5]`).
  const tail = [...obs.build.logTail].reverse()
  const legacy = tail.find((l) => /Step \d+\/\d+ : /.test(l))?.replace(/^.*?Step \d+\/\d+ : /, '')
  const buildkit = tail
    .map((l) => /^\s*>\s*\[(?:[^\]]*\s)?\d+\/\d+\]\s+(.*?):\s*$/.exec(l)?.[1])
    .find((t) => t !== undefined)
  const step = legacy ?? buildkit
  if (step === undefined) return undefined
  const text = step.replace(/\s+/g, ' ').trim().toLowerCase()
  const found = df.instructions.find(
    (i) => `${i.keyword} ${i.raw}`.replace(/\s+/g, ' ').trim().toLowerCase() === text,
  )
  return found?.line
}

/** build.image: the image was built (or the named image exists). */
function judgeBuild(obs: Observations): CheckOutcome {
  const host = notBuiltInHostMode(obs)
  if (host) return host
  const b = obs.build
  const image = present(obs.image)
  const size = image ? `, ${megabytes(image.sizeBytes)}` : ''
  if (b.ok && b.mode === 'existing') {
    return {
      status: 'passed',
      summary: `using the existing image ${b.imageRef}${size}`,
      evidence: [
        `image: ${b.imageRef}`,
        ...(image ? [`image size: ${megabytes(image.sizeBytes)}`] : []),
      ],
    }
  }
  if (b.ok) {
    return {
      status: 'passed',
      summary: `built in ${seconds(b.durationMs)}${size}`,
      evidence: [
        `docker build: exit 0 after ${seconds(b.durationMs)}`,
        ...(image ? [`image size: ${megabytes(image.sizeBytes)}`] : []),
      ],
    }
  }
  if (b.mode === 'existing') {
    return {
      status: 'failed',
      summary: `image ${b.imageRef} does not exist`,
      evidence: b.error ? [b.error] : [],
      fix: 'push or pull the image first, or leave `image` empty to build it from the Dockerfile',
    }
  }
  // BuildKit's CLI exits 1 whatever the step did; the step's own code is in its error line.
  const stepCode = /exit code: (\d+)\s*$/.exec(b.error ?? '')?.[1]
  const exitCode = stepCode !== undefined ? Number(stepCode) : b.exitCode
  const code = exitCode !== undefined ? ` with exit code ${exitCode}` : ''
  const tail = lastLines(b.logTail, 40).map(maskBuildLine)
  // The error line is usually the tail's last line too: show it once.
  const error = b.error && !tail.some((l) => l.includes(b.error ?? '')) ? [b.error] : []
  const needs = legacyBuilderFailure(obs) ? buildkitOnly(obs) : []
  if (needs.length > 0) {
    const first = needs[0]
    return {
      status: 'failed',
      summary: `the Dockerfile needs BuildKit (${first.feature} at line ${first.line}), but the legacy builder ran it`,
      evidence: [
        ...needs.map((n) => `Dockerfile line ${n.line}: ${n.feature} is BuildKit syntax`),
        ...error,
        ...tail,
      ],
      fix: 'build with BuildKit: install the docker buildx plugin (docker/setup-buildx-action on GitHub) or set DOCKER_BUILDKIT=1; do not set DOCKER_BUILDKIT=0',
      location: dockerfileAt(obs, first.line),
    }
  }
  const line = failedLine(obs)
  return {
    status: 'failed',
    summary: `docker build failed${code} after ${seconds(b.durationMs)}${line ? ` at Dockerfile line ${line}` : ''}`,
    evidence: [...error, ...tail],
    fix: 'fix the failing build step shown in the log (run `docker build` locally to reproduce it)',
    location: dockerfileAt(obs, line),
  }
}

/** COPY . . / COPY . /app / ADD . : the whole build context. */
function copiesWholeSource(i: DockerInstruction): boolean {
  if ((i.keyword !== 'COPY' && i.keyword !== 'ADD') || i.from !== undefined) return false
  return i.args.slice(0, -1).some((src) => ['.', './', './.', '*', './*'].includes(src))
}

interface Install {
  run: DockerInstruction
  commands: InstallCommand[]
}

/** The manifest to copy first, from what the install uses. */
function manifestHint(installs: Install[]): string {
  const commands = installs.flatMap((i) => i.commands)
  const req = commands.find((c) => c.requirements !== undefined)?.requirements
  if (req !== undefined) return req
  if (commands.some((c) => /\bpoetry\b/.test(c.text))) return 'pyproject.toml poetry.lock'
  if (commands.some((c) => /\bpipenv\b/.test(c.text))) return 'Pipfile Pipfile.lock'
  if (commands.some((c) => /\buv\s+sync\b/.test(c.text))) return 'pyproject.toml uv.lock'
  return 'requirements.txt'
}

function pipNoCacheEnv(steps: DockerInstruction[], before: DockerInstruction): boolean {
  return steps.some(
    (i) =>
      i.keyword === 'ENV' &&
      i.line < before.line &&
      (i.variables ?? []).some((v) => v.name === 'PIP_NO_CACHE_DIR' && v.hasValue),
  )
}

/** build.layer-cache: dependencies install in their own layer, before the source is copied. */
function judgeLayerCache(obs: Observations): CheckOutcome {
  const host = notBuiltInHostMode(obs)
  if (host) return host
  const df = present(obs.dockerfile)
  if (df === undefined) return { status: 'skipped', summary: 'the Dockerfile was not read' }
  const steps = imageInstructions(df)
  const installs: Install[] = steps
    .map((run) => ({ run, commands: installCommands(run) }))
    .filter((i) => i.commands.length > 0)
  const depInstalls = installs.filter((i) => i.commands.some((c) => !c.toolingOnly))
  const sourceCopy = steps.find(copiesWholeSource)

  const uncached = installs.flatMap((i) =>
    i.commands
      .filter((c) => c.tool === 'pip' && !pipCacheAvoided(c, i.run, pipNoCacheEnv(steps, i.run)))
      .map(() => i.run),
  )
  const lateOnly =
    sourceCopy !== undefined &&
    depInstalls.length > 0 &&
    depInstalls.every((i) => i.run.line > sourceCopy.line)

  if (!lateOnly && uncached.length === 0) {
    if (depInstalls.length === 0) {
      return {
        status: 'passed',
        summary:
          'no dependency install in the image stages: dependencies come with the base image or another stage',
      }
    }
    const first = depInstalls[0].run
    const order = sourceCopy ? `, before the source is copied (line ${sourceCopy.line})` : ''
    return {
      status: 'passed',
      summary: `dependencies install at line ${first.line}${order}; pip keeps no download cache`,
      evidence: [instructionLine(first), ...(sourceCopy ? [instructionLine(sourceCopy)] : [])],
    }
  }

  const evidence: string[] = []
  const summaries: string[] = []
  const fixes: string[] = []
  if (lateOnly && sourceCopy) {
    const manifest = manifestHint(depInstalls)
    summaries.push(
      `dependencies install after the whole source is copied (line ${sourceCopy.line}), so every code change reinstalls them`,
    )
    evidence.push(`${instructionLine(sourceCopy)} (copies the whole build context)`)
    evidence.push(`${instructionLine(depInstalls[0].run)} (runs after it)`)
    fixes.push(
      `copy ${manifest} and install dependencies before \`${sourceCopy.keyword} ${sourceCopy.raw}\``,
    )
  }
  for (const run of new Set(uncached)) {
    evidence.push(`${instructionLine(run)} (no --no-cache-dir)`)
  }
  if (uncached.length > 0) {
    summaries.push(
      `pip keeps its download cache in the image (line ${uncached[0].line}: no --no-cache-dir)`,
    )
    fixes.push('run pip install with --no-cache-dir (or set ENV PIP_NO_CACHE_DIR=1)')
  }
  return {
    status: 'failed',
    summary: summaries.join('; '),
    evidence,
    fix: fixes.join('; '),
    location: dockerfileAt(obs, lateOnly && sourceCopy ? sourceCopy.line : uncached[0]?.line),
  }
}

export const buildImage: Check = {
  id: 'build.image',
  title: 'Image builds',
  severity: 'error',
  needs: [],
  passesWhen: '`docker build` of the context succeeds (or `image` names an existing image)',
  run: judgeBuild,
}

export const buildLayerCache: Check = {
  id: 'build.layer-cache',
  title: 'Dependencies install in their own cached layer',
  severity: 'warning',
  needs: ['dockerfile'],
  passesWhen:
    'the dependency manifest is copied and installed before the rest of the source; pip runs with `--no-cache-dir`',
  run: judgeLayerCache,
}
