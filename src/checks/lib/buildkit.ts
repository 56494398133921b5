/**
 * Dockerfile syntax only BuildKit understands (heredocs, RUN --mount and friends), and whether
 * a failed build came from the legacy builder, which rejects it with its own wording. Pure.
 */
import type { DockerInstruction, Observations } from '../../facts/types'
import { present } from './parts'

/** Flags the legacy builder refuses (it knows --from and --chown only). */
const BUILDKIT_FLAGS =
  /^--(mount|network|security|chmod|link|parents|exclude|checksum|keep-git-dir)\b/

/** A feature this instruction needs BuildKit for, e.g. 'RUN --mount' or 'a heredoc (RUN <<EOF)'. */
function buildkitFeature(i: DockerInstruction): string | undefined {
  if (!['RUN', 'COPY', 'ADD'].includes(i.keyword)) return undefined
  const words = i.raw.split(/\s+/)
  const flag = words.find((w) => BUILDKIT_FLAGS.test(w))
  if (flag) return `${i.keyword} ${flag.split('=')[0]}`
  const heredoc = /(?:^|\s)<<-?(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(i.raw)
  return heredoc ? `a heredoc (${i.keyword} <<${heredoc[2]})` : undefined
}

/** The BuildKit-only instructions of the Dockerfile, with their lines. */
export function buildkitOnly(obs: Observations): { line: number; feature: string }[] {
  const df = present(obs.dockerfile)
  return (df?.instructions ?? []).flatMap((i) => {
    const feature = buildkitFeature(i)
    return feature ? [{ line: i.line, feature }] : []
  })
}

/** True when the failed build's log is the legacy builder's (Step N/M, or its BuildKit refusal). */
export function legacyBuilderFailure(obs: Observations): boolean {
  const text = [obs.build.error ?? '', ...obs.build.logTail].join('\n')
  return /requires BuildKit|Step \d+\/\d+ : |Sending build context to Docker daemon|dockerfile parse error line \d+/.test(
    text,
  )
}
