/**
 * nginx configuration as data: the effective config printed by `nginx -T` parsed into one
 * directive tree, the facts checks read from it, the rewrite that points a user's upstream at
 * the app container, and the reading of `nginx -t` errors. All pure.
 */
export { NginxSyntaxError, parseNginxFile, tokenizeNginx } from './nginx/tokenize'
export type { NginxDirective, NginxToken } from './nginx/tokenize'
export { matchFiles, parseNginxDump, splitNginxDump } from './nginx/dump'
export type { NginxConfigFile, NginxConfigTree } from './nginx/dump'
export { configFacts } from './nginx/facts'
export type * from './nginx/types'
export { isLoopbackHost, rewriteUpstreams } from './nginx/rewrite'
export type { UpstreamKept, UpstreamRewrite, UpstreamRewriteResult } from './nginx/rewrite'
export { parseNginxError } from './nginx/error'
export type { NginxError } from './nginx/error'
