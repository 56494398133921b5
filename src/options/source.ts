/**
 * `mode` and `report-file`, then where the app comes from: `image`, a compose project, or
 * `context` and `file`, and how it runs (`runtime`, `unit-file`). Validated in this order.
 */
import * as path from 'node:path'
import { composeOf, composeRuntime } from './compose'
import { imageRef } from './image'
import { runtimeOf, type RuntimeChoice } from './runtime'
import type { ComposeOptions, Mode, OptionsEnvironment, RawInputs } from './types'
import { UsageError, bad, existing } from './values'

export interface AppSource {
  mode: Mode
  commentOnly: boolean
  /** comment-only: the report to post (absolute). */
  reportFile?: string
  /** The image checked instead of building ('none' in comment-only without one). */
  image?: string
  compose?: ComposeOptions
  context: string
  file: string
  choice: RuntimeChoice
}

export function appSourceOf(raw: RawInputs, env: OptionsEnvironment): AppSource {
  const get = (k: keyof RawInputs): string => (raw[k] ?? '').trim()
  const mode = get('mode') || 'check'
  if (mode !== 'check' && mode !== 'comment-only')
    throw bad('mode', mode, "'check' or 'comment-only'")
  const commentOnly = mode === 'comment-only'
  const reportFileRaw = get('report-file')
  if (commentOnly && !reportFileRaw)
    throw new UsageError("input 'report-file' is required with mode: comment-only")
  if (!commentOnly && reportFileRaw)
    throw bad('report-file', reportFileRaw, 'only used with mode: comment-only')
  const reportFile = commentOnly
    ? existing('report-file', reportFileRaw, env.workspace, 'file')
    : undefined
  // comment-only builds nothing, so the build inputs are not looked at.
  const imageRaw = get('image')
  const image = commentOnly
    ? imageRaw || 'none'
    : imageRaw
      ? imageRef('image', imageRaw)
      : undefined
  const compose = composeOf(raw, env.workspace, commentOnly || image !== undefined)
  const contextRaw = get('context') || '.'
  const context = image
    ? path.resolve(env.workspace, contextRaw)
    : existing('context', contextRaw, env.workspace, 'directory')
  const fileRaw = get('file')
  let file = path.join(context, 'Dockerfile')
  if (fileRaw)
    file = image
      ? path.resolve(env.workspace, fileRaw)
      : existing('file', fileRaw, env.workspace, 'file')
  const choice: RuntimeChoice = commentOnly
    ? { runtime: 'docker' as const }
    : compose
      ? composeRuntime(get('runtime'))
      : runtimeOf(
          { runtime: get('runtime'), unitFile: get('unit-file') },
          { context, dockerfile: file, image: image !== undefined, workspace: env.workspace },
          bad,
        )
  if (!fileRaw && !image && !compose && choice.runtime === 'docker')
    existing('file', path.relative(env.workspace, file) || 'Dockerfile', env.workspace, 'file')
  return { mode, commentOnly, reportFile, image, compose, context, file, choice }
}
