// Resolves the package's analyzer/hsts.js to hsts-stub.mjs (see there); nothing else changes.
import { URL } from 'node:url'

export async function resolve(specifier, context, next) {
  const parent = context.parentURL ?? ''
  if (specifier.endsWith('/hsts.js') && parent.includes('mdn-http-observatory')) {
    return { url: new URL('./hsts-stub.mjs', import.meta.url).href, shortCircuit: true }
  }
  return next(specifier, context)
}
