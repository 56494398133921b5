/** `compose-file` and `compose-service`: the app as one service of a compose project. */
import type { ComposeOptions, RawInputs } from './types'
import { bad, existing, lines } from './values'

/** compose-file (each must exist) and compose-service; undefined without compose files. */
export function composeOf(
  raw: RawInputs,
  workspace: string,
  unused: boolean,
): ComposeOptions | undefined {
  const files = lines(raw['compose-file'])
  const service = (raw['compose-service'] ?? '').trim()
  if (files.length === 0 || unused) {
    if (service && service !== 'auto' && !unused)
      throw bad('compose-service', service, 'only used with compose-file')
    return undefined
  }
  if (service && service !== 'auto' && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(service))
    throw bad('compose-service', service, "'auto' or a compose service name")
  return {
    files: files.map((f) => existing('compose-file', f, workspace, 'file')),
    ...(service && service !== 'auto' ? { service } : {}),
    contextSet: (raw.context ?? '').trim() !== '',
    fileSet: (raw.file ?? '').trim() !== '',
  }
}

/** A compose project runs in Docker: `runtime` may say so, or nothing. */
export function composeRuntime(asked: string): { runtime: 'docker' } {
  if (asked && asked !== 'auto' && asked !== 'docker')
    throw bad('runtime', asked, "'auto' or 'docker' with compose-file")
  return { runtime: 'docker' }
}
