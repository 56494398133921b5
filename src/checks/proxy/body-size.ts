/**
 * proxy.body-size (notice): nginx's client_max_body_size (default 1m) is at least Flask's
 * MAX_CONTENT_LENGTH, so an upload the app accepts is not refused by nginx with 413. The 2 MB
 * upload of the proxy stage shows nginx's answer live.
 */
import type { Observations } from '../../facts/types'
import { proxyExchanges } from '../lib/http'
import { isCaddy, userLocation } from '../lib/nginx'
import { appLocationOf, nginxBytes, settingLine, sizeText } from '../lib/nginx-limits'
import { probeAnswers, probeSkip } from '../lib/probe'
import type { Check, CheckOutcome } from '../lib/types'

const NGINX_DEFAULT = 1024 * 1024

/** 'POST / (2 MiB) -> 413 from nginx' from the proxy stage's upload, when it was made. */
function uploadLine(obs: Observations): string | undefined {
  const x = proxyExchanges(obs, ['upload'])[0]
  if (x === undefined) return undefined
  const status = x.response?.status
  const own = /<center>nginx/i.test(x.response?.body ?? '') ? " (nginx's own page)" : ''
  return `live: ${x.request.method} ${x.request.path} with a 2 MiB body -> ${status ?? x.error ?? 'no answer'}${own}`
}

function judge(obs: Observations): CheckOutcome {
  const at = appLocationOf(obs, 'the upload limit')
  if ('status' in at) return at
  const answers = probeAnswers(obs)
  const known = answers.find((a) => a.maxContentLength !== undefined)
  if (known === undefined) {
    return {
      status: 'skipped',
      skipReason: probeSkip(obs),
      summary: 'the introspection probe did not report MAX_CONTENT_LENGTH',
    }
  }
  const { loc } = at
  const v = loc.clientMaxBodySize
  // Caddy reads request bodies of any size unless request_body max_size is set.
  const limit = v ? nginxBytes(v.value) : isCaddy(obs) ? 0 : NGINX_DEFAULT
  const line = settingLine(obs, 'client_max_body_size', v, loc, '1m')
  if (limit === undefined) return { status: 'skipped', summary: `cannot read ${line}` }
  const upload = uploadLine(obs)
  const max = known.maxContentLength
  if (max === null || max === undefined) {
    return {
      status: 'passed',
      summary: isCaddy(obs)
        ? "the app sets no MAX_CONTENT_LENGTH: Caddy's request_body max_size is the only limit"
        : "the app sets no MAX_CONTENT_LENGTH: nginx's client_max_body_size is the only limit",
      evidence: [line, ...(upload ? [upload] : [])],
    }
  }
  const evidence = [
    line,
    `app.config['MAX_CONTENT_LENGTH'] = ${max} (${sizeText(max)})`,
    ...(upload ? [upload] : []),
  ]
  if (limit === 0 || limit >= max) {
    return {
      status: 'passed',
      summary: `client_max_body_size ${limit === 0 ? 'unlimited' : sizeText(limit)} >= MAX_CONTENT_LENGTH ${sizeText(max)}`,
      evidence,
    }
  }
  const mib = Math.ceil(max / 1024 ** 2)
  return {
    status: 'failed',
    summary: `client_max_body_size ${sizeText(limit)} is below the app's MAX_CONTENT_LENGTH ${sizeText(max)}: nginx refuses larger uploads with 413 before the app sees them`,
    evidence,
    fix: `set client_max_body_size ${mib}m; in the location that proxies to the app (${loc.path}) or the server`,
    location: userLocation(obs, v && !v.inherited ? v : loc),
  }
}

export const proxyBodySize: Check = {
  id: 'proxy.body-size',
  title: "Proxy accepts the app's largest upload",
  severity: 'notice',
  needs: ['proxyConfig', 'probe'],
  passesWhen:
    "nginx's `client_max_body_size` (default 1 MB) is at least Flask's `MAX_CONTENT_LENGTH` when the app sets one",
  run: judge,
}
