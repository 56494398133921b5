/**
 * headers.server-tokens: neither the Server header nor nginx's own error pages name the nginx
 * version. nginx writes its own page for a request it refuses (the oversized header the proxy
 * stage sends, the 413 of the upload, the port-80 redirect): `<hr><center>nginx/1.22.1</center>`.
 */
import type { HttpExchange, Observations } from '../../facts/types'
import { headerValues, labelled, proxyExchanges } from '../lib/http'
import { lineRef, mainServer, proxyConfigOf, proxyName, userLocation } from '../lib/nginx'
import { clip, listOf, plural } from '../lib/text'
import type { Check, CheckOutcome } from '../lib/types'

const VERSION = /\bnginx\/\d[\w.]*/i
const PAGE_SIGNATURE = /<center>(nginx[^<]*)<\/center>/i

interface Leak {
  x: HttpExchange
  where: string
  page: boolean
}

function leaks(x: HttpExchange): Leak[] {
  const out: Leak[] = []
  const server = headerValues(x.response, 'server').find((v) => VERSION.test(v))
  if (server) out.push({ x, where: `Server: ${clip(server, 60)}`, page: false })
  const page = PAGE_SIGNATURE.exec(x.response?.body ?? '')
  if (page && VERSION.test(page[1]))
    out.push({ x, where: `its own page signs "${clip(page[1], 40)}"`, page: true })
  return out
}

function judgeServerTokens(obs: Observations): CheckOutcome {
  if (proxyConfigOf(obs)?.source === 'reference') {
    return {
      status: 'skipped',
      skipReason: 'not-applicable',
      summary:
        'no nginx config in the repository: the reference proxy is not your production proxy',
    }
  }
  const answered = proxyExchanges(obs).filter((x) => x.response !== undefined)
  if (answered.length === 0) {
    return { status: 'skipped', summary: 'no response through the proxy' }
  }
  const own = answered.filter((x) => PAGE_SIGNATURE.test(x.response?.body ?? ''))
  // Pages first: a Server header alone is the lesser leak, and every response repeats it.
  const found = answered.flatMap(leaks).sort((a, b) => Number(b.page) - Number(a.page))
  const pages = own.length
    ? `nginx's own pages: ${listOf(own.map((x) => `${labelled(x)} -> ${x.response?.status}`))}`
    : 'no page nginx wrote itself was seen'
  if (found.length === 0) {
    const server = headerValues(answered[0].response, 'server')[0] ?? '(none)'
    return {
      status: 'passed',
      summary: `no ${proxyName(obs)} version in ${plural(answered.length, 'response')} (Server: ${clip(server, 40)})`,
      evidence: [clip(pages, 240)],
    }
  }
  const main = mainServer(obs)
  const tokens = main?.serverTokens
  const at = tokens ?? main
  const where = tokens
    ? `server_tokens ${tokens.value} at ${lineRef(obs, tokens)}`
    : main
      ? `no server_tokens in the configuration: nginx's default is on (${lineRef(obs, main)})`
      : "no server_tokens: nginx's default is on"
  const first = found[0]
  return {
    status: 'failed',
    summary: clip(
      `nginx names its version: ${first.where} on ${labelled(first.x)}${found.length > 1 ? ` and ${found.length - 1} more` : ''}`,
      240,
    ),
    evidence: [
      ...found.slice(0, 6).map((l) => `${labelled(l.x)} -> ${l.x.response?.status}: ${l.where}`),
      pages,
      where,
    ].map((l) => clip(l, 240)),
    fix: 'add server_tokens off; to the http block (or each server): the Server header and error pages then say only "nginx"',
    location: userLocation(obs, at),
  }
}

export const headersServerTokens: Check = {
  id: 'headers.server-tokens',
  title: 'nginx version hidden (server_tokens off)',
  severity: 'notice',
  needs: ['proxy', 'http'],
  passesWhen:
    "neither the Server header nor nginx's own error pages name the nginx version (`server_tokens off`)",
  run: judgeServerTokens,
}
