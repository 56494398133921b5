/**
 * image.no-baked-secrets: secret-looking variables with a value in the image config, the build
 * history or the Dockerfile. Only names, lengths and sources are reported, never values.
 */
import { looksSecret } from '../../facts/secret-names'
import type { DockerInstruction, EnvVarFacts, Observations } from '../../facts/types'
import { dockerfileAt, present } from '../lib/parts'
import { imageInstructions } from '../lib/stages'
import type { Check, CheckOutcome } from '../lib/types'

interface Finding {
  name: string
  valueLength: number
  url: boolean
  sources: string[]
  line?: number
}

function add(findings: Map<string, Finding>, v: EnvVarFacts, source: string, line?: number): void {
  if (!looksSecret(v.name, v.valueLength, v.urlWithCredentials)) return
  const f = findings.get(v.name) ?? {
    name: v.name,
    valueLength: v.valueLength,
    url: false,
    sources: [],
  }
  f.url ||= v.urlWithCredentials
  if (!f.sources.includes(source)) f.sources.push(source)
  if (line !== undefined) f.line = line
  findings.set(v.name, f)
}

/** Dockerfile ENV/ARG variables of the final image's stages (global ARGs only when redeclared). */
function dockerfileVariables(obs: Observations): { v: EnvVarFacts; i: DockerInstruction }[] {
  const df = present(obs.dockerfile)
  if (df === undefined) return []
  const steps = imageInstructions(df)
  const declared = new Set(
    steps.flatMap((i) => (i.keyword === 'ARG' ? (i.variables ?? []).map((v) => v.name) : [])),
  )
  const globals = df.instructions.filter(
    (i) => i.stage === -1 && (i.variables ?? []).some((v) => declared.has(v.name)),
  )
  return [...globals, ...steps]
    .filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')
    .flatMap((i) => (i.variables ?? []).map((v) => ({ v, i })))
}

function describe(f: Finding): string {
  const what = f.url ? 'a URL with a password' : `a ${f.valueLength}-character value`
  const line = f.line !== undefined ? ` (Dockerfile line ${f.line})` : ''
  return `${f.name}: ${what} in ${f.sources.join(' and ')}${line}`
}

/** image.no-baked-secrets: no secret value is baked into the image. */
function judge(obs: Observations): CheckOutcome {
  const image = present(obs.image)
  if (image === undefined) return { status: 'skipped', summary: 'the image was not inspected' }
  const findings = new Map<string, Finding>()
  for (const v of image.env) add(findings, v, 'the image config (ENV)')
  for (const v of image.historyVars) add(findings, v, 'the build history (docker history)')

  const inImageEnv = new Set(image.env.map((v) => v.name))
  const inHistory = new Set(image.historyVars.map((v) => v.name))
  for (const { v, i } of dockerfileVariables(obs)) {
    // What the image holds decides (ENV SECRET_KEY=$SECRET_KEY is empty when no build arg was
    // given); the Dockerfile adds the line, and defaults the image does not show.
    const decided = i.keyword === 'ENV' ? inImageEnv.has(v.name) : inHistory.has(v.name)
    const found = findings.get(v.name)
    if (found !== undefined) found.line = i.line
    else if (!decided) add(findings, v, `the Dockerfile (${i.keyword} with a value)`, i.line)
  }

  const checked = `checked ${image.env.length} image ENV and ${image.historyVars.length} build-history variables`
  if (findings.size === 0) {
    return {
      status: 'passed',
      summary:
        'no secret-looking variable has a value in the image config, build history or Dockerfile',
      evidence: [checked],
    }
  }
  const list = [...findings.values()]
  const located = list.find((f) => f.line !== undefined)
  return {
    status: 'failed',
    summary: `secret${list.length === 1 ? '' : 's'} baked into the image: ${list.map((f) => f.name).join(', ')} (values not shown)`,
    evidence: [...list.map(describe), checked],
    fix: 'remove the values from the Dockerfile and pass them at run time (docker run -e, the `env` input); for build-time credentials use RUN --mount=type=secret',
    location: located ? dockerfileAt(obs, located.line) : undefined,
  }
}

export const imageNoBakedSecrets: Check = {
  id: 'image.no-baked-secrets',
  title: 'No secrets baked into the image',
  severity: 'error',
  needs: ['image'],
  passesWhen:
    'no secret-looking ENV/ARG value (SECRET_KEY, \\*_PASSWORD, \\*_TOKEN, URLs with credentials) is baked into the image; values are never printed',
  run: judge,
}
