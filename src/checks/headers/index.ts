/** The headers.* checks, one file each. */
export { headersCsp } from './csp'
export { headersFrameOptions } from './frame-options'
export { headersNosniff } from './nosniff'
export { headersReferrerPolicy } from './referrer-policy'
export { headersServerTokens } from './server-tokens'
