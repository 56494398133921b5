/** Reads the run's Dockerfile from the checkout: the one file read facts/dockerfile.ts needs. */
import { readFileSync } from 'node:fs'
import { dockerfileFacts, secretValuesIn } from '../facts/dockerfile'
import type { DockerfileFacts, Part } from '../facts/types'

function readText(absPath: string): string | { unreadable: string } {
  try {
    return readFileSync(absPath, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : code
    return { unreadable: reason ?? String(err) }
  }
}

/** The Dockerfile at absPath as facts (unavailable with the reason when it cannot be used). */
export function readDockerfile(
  absPath: string,
  repoRelativePath: string,
  target?: string,
): Part<DockerfileFacts> {
  return dockerfileFacts(readText(absPath), repoRelativePath, target)
}

/** Secret-looking literal values of the Dockerfile (registered for redaction before the build). */
export function dockerfileSecrets(absPath: string): string[] {
  const text = readText(absPath)
  return typeof text === 'string' ? secretValuesIn(text) : []
}
