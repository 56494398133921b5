/**
 * The one pull-request comment shared by every target: COMMENT_MARKER first, then one section
 * per target ordered by name. Merging replaces or inserts this target's section and keeps every
 * other section byte-for-byte; fitComment keeps the body under GitHub's 65,536-character limit.
 * Pure: the GitHub calls (find, create, update, retry on a concurrent change) live elsewhere.
 */
import {
  COMMENT_MARKER,
  EVIDENCE_BLOCK,
  PASSED_BLOCK,
  SECTION_PATTERN,
  renderSection,
  type CommentLimits,
  type SectionMeta,
} from './comment-section'
import type { Report } from './report'

export { COMMENT_MARKER, renderSection, type CommentLimits, type SectionMeta }

/** GitHub's limit on a comment body, in characters. */
export const MAX_COMMENT_LENGTH = 65536

/** A section found in a comment body: its target name, the SHA it was written for, its text. */
export interface ParsedSection {
  name: string
  sha: string
  /** The whole section, markers included, exactly as it stands in the body. */
  text: string
}

interface LocatedSection extends ParsedSection {
  start: number
  end: number
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

function locate(body: string): LocatedSection[] {
  return [...body.matchAll(SECTION_PATTERN)].map((m) => ({
    name: decode(m[1]),
    sha: decode(m[2]),
    text: m[0],
    start: m.index ?? 0,
    end: (m.index ?? 0) + m[0].length,
  }))
}

/** True when `body` is a comment this action wrote (it starts with COMMENT_MARKER). */
export function isOurComment(body: string | undefined | null): boolean {
  return typeof body === 'string' && body.trimStart().startsWith(COMMENT_MARKER)
}

/** The sections of a comment body, in the order they appear. */
export function parseSections(body: string): ParsedSection[] {
  return locate(body).map(({ name, sha, text }) => ({ name, sha, text }))
}

/** Options of mergeComment. */
export interface MergeOptions {
  /** The pull request's current head SHA; guards its section against older runs. */
  headSha?: string
}

function withMarkerFirst(body: string): string {
  if (body.startsWith(COMMENT_MARKER)) return body
  const at = body.indexOf(COMMENT_MARKER)
  const rest = at >= 0 ? body.slice(0, at) + body.slice(at + COMMENT_MARKER.length) : body
  return `${COMMENT_MARKER}\n\n${rest.replace(/^\s+/, '')}`
}

/**
 * Puts `section` (from renderSection with the same `meta`) into `existing`: replaces the section
 * of the same name in place, or inserts it so that sections stay ordered by name; everything
 * else is kept byte-for-byte. `stale: true` (and `existing` unchanged) when the section there was
 * written for `o.headSha` and this one is for another commit: an older run never overwrites it.
 */
export function mergeComment(
  existing: string | undefined,
  section: string,
  meta: SectionMeta,
  o: MergeOptions = {},
): { body: string; stale: boolean } {
  if (existing === undefined || !existing.includes(COMMENT_MARKER)) {
    return { body: `${COMMENT_MARKER}\n\n${section}\n`, stale: false }
  }
  const found = locate(existing)
  const same = found.filter((s) => s.name === meta.name)
  if (same.length > 0) {
    const [first] = same
    if (o.headSha && first.sha === o.headSha && meta.sha !== o.headSha) {
      return { body: existing, stale: true }
    }
    let body = existing
    // Back to front, so earlier offsets stay valid; duplicates of this name are dropped.
    for (const s of [...same].reverse()) {
      const gap = s === first ? 0 : (/^\n{0,2}/.exec(existing.slice(s.end))?.[0].length ?? 0)
      body = body.slice(0, s.start) + (s === first ? section : '') + body.slice(s.end + gap)
    }
    return { body: withMarkerFirst(body), stale: false }
  }
  const next = found.find((s) => s.name > meta.name)
  const last = found[found.length - 1]
  let body: string
  if (next) body = `${existing.slice(0, next.start)}${section}\n\n${existing.slice(next.start)}`
  else if (last) body = `${existing.slice(0, last.end)}\n\n${section}${existing.slice(last.end)}`
  else body = `${existing.trimEnd()}\n\n${section}\n`
  return { body: withMarkerFirst(body), stale: false }
}

/** Smaller and smaller renderings of this target's section; the failures list always stays. */
const LEVELS: CommentLimits[] = [
  {},
  { evidenceLines: 10, lineLength: 160 },
  { evidenceLines: 5, lineLength: 100 },
  { evidence: false },
  { evidence: false, passedList: false },
  { evidence: false, passedList: false, textLength: 200 },
]

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Applies `cut` to the text of every section except the one named `keep`. */
function cutOthers(body: string, keep: string, cut: (text: string) => string): string {
  return body.replace(SECTION_PATTERN, (text: string, name: string) =>
    decode(name) === keep ? text : cut(text),
  )
}

const PASSED_RE = new RegExp(
  `${escapeRegExp(PASSED_BLOCK.open)}[\\s\\S]*?${escapeRegExp(PASSED_BLOCK.close)}`,
  'g',
)
const EVIDENCE_RE = new RegExp(
  `\\n\\n[ ]*${escapeRegExp(EVIDENCE_BLOCK.open)}[\\s\\S]*?${escapeRegExp(EVIDENCE_BLOCK.close)}`,
  'g',
)
const CUT_NOTE = '_Passed and skipped checks cut to fit the comment size limit._'

/**
 * Renders this target's section and merges it into `existing` (see mergeComment), staying within
 * `max` characters: first with less evidence, then without evidence, then without the list of
 * passed and skipped checks; as a last resort the other targets' passed/skipped lists and then
 * their evidence are cut. Failed checks (id, summary, fix) are never dropped, so a body may still
 * exceed `max` when there are very many targets.
 */
export function fitComment(
  existing: string | undefined,
  report: Report,
  meta: SectionMeta,
  o: MergeOptions & { max?: number } = {},
): { body: string; stale: boolean } {
  const max = o.max ?? MAX_COMMENT_LENGTH
  let merged = { body: '', stale: false }
  for (const limits of LEVELS) {
    merged = mergeComment(existing, renderSection(report, meta, limits), meta, o)
    if (merged.stale || merged.body.length <= max) return merged
  }
  let body = cutOthers(merged.body, meta.name, (t) => t.replace(PASSED_RE, CUT_NOTE))
  if (body.length > max) body = cutOthers(body, meta.name, (t) => t.replace(EVIDENCE_RE, ''))
  return { body, stale: false }
}
