/** Image references (`image`, `proxy-image`) and the build cache inputs (`cache-from`, `cache-to`). */
import * as path from 'node:path'
import { bad } from './values'

/** A docker image reference or id; anything else (a leading '-' above all) must not reach docker's argv. */
const IMAGE_REF =
  /^(?:[A-Za-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::\w[\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/

export function imageRef(input: string, value: string): string {
  if (!IMAGE_REF.test(value))
    throw bad(input, value, 'an image reference [host/]name[:tag][@digest], e.g. nginx:1.27')
  return value
}

const CACHE_TYPES = ['registry', 'local', 'gha', 'inline', 's3', 'azblob']

/**
 * One `--cache-from`/`--cache-to` value: `type=T,key=value,...` (a relative local src/dest
 * resolved against the workspace) or, as buildx allows, a bare image reference (registry cache).
 */
export function cacheSpec(input: string, value: string, workspace: string): string {
  const accepted = `type=${CACHE_TYPES.join('|')}[,key=value...] or an image reference`
  if (!value.includes('=')) return imageRefOr(input, value, accepted)
  const fields = value.split(',')
  if (!fields.every((f) => /^[a-z][a-z0-9_-]*=[^\s]*$/.test(f))) throw bad(input, value, accepted)
  const type = fields.find((f) => f.startsWith('type='))?.slice(5)
  if (type === undefined || !CACHE_TYPES.includes(type)) throw bad(input, value, accepted)
  return fields
    .map((f) => {
      const [k, v] = [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]
      return type === 'local' && (k === 'src' || k === 'dest')
        ? `${k}=${path.resolve(workspace, v)}`
        : f
    })
    .join(',')
}

function imageRefOr(input: string, value: string, accepted: string): string {
  if (!IMAGE_REF.test(value)) throw bad(input, value, accepted)
  return value
}
