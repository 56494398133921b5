/** proxy.client-ip: the app sees the client nginx saw, and a forged X-Forwarded-For does not win. */
import { FORGED_CLIENT } from '../../facts/forged'
import type { Observations, ProbeAnswer } from '../../facts/types'
import { caseless } from '../lib/http'
import { proxyName } from '../lib/nginx'
import { present } from '../lib/parts'
import {
  forgedAnswer,
  hopsText,
  plainAnswer,
  proxyFixFor,
  proxyFixLine,
  proxyFixOf,
} from '../lib/probe'
import { clip } from '../lib/text'
import type { Check, CheckOutcome } from '../lib/types'

const XFF_LINE = 'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;'

function sawLine(a: ProbeAnswer, what: string): string {
  const xff = caseless(a.forwarded, 'x-forwarded-for')
  return clip(
    `${what}: remote_addr ${a.remoteAddr} (X-Forwarded-For reaching the app: ${xff ?? 'none'})`,
  )
}

/** proxy.client-ip: the app sees the client nginx saw, and a forged X-Forwarded-For does not win. */
function judge(obs: Observations): CheckOutcome {
  const client = present(obs.proxy)?.clientAddress
  const hops = present(obs.proxy)?.hops ?? 1
  const fixLine = proxyFixFor(hops)
  const plain = plainAnswer(obs)
  const forged = forgedAnswer(obs)
  const any = plain ?? forged
  if (client === undefined || any === undefined) {
    return { status: 'skipped', summary: 'the probe did not answer through the proxy' }
  }
  const evidence = [
    `${proxyName(obs)} saw the client as ${client}`,
    ...(plain ? [sawLine(plain, 'plain request')] : []),
    ...(forged ? [sawLine(forged, `with a forged X-Forwarded-For: ${FORGED_CLIENT}`)] : []),
    proxyFixLine(any),
  ]
  const xFor = proxyFixOf(any)?.xFor ?? 0
  if (forged?.remoteAddr === FORGED_CLIENT) {
    const passedThrough = caseless(forged.forwarded, 'x-forwarded-for') === FORGED_CLIENT
    return {
      status: 'failed',
      summary: `a client-forged X-Forwarded-For wins: the app takes ${FORGED_CLIENT} as the client address`,
      evidence,
      fix:
        xFor > hops
          ? `ProxyFix x_for=${xFor} trusts ${xFor} ${xFor === 1 ? 'proxy' : 'proxies'} but there ${hops > 1 ? 'are' : 'is'} ${hopsText(hops)}: ${fixLine}`
          : passedThrough
            ? `let nginx append the client address instead of passing the client's header on: ${XFF_LINE}`
            : `trust exactly ${hops > 1 ? 'two proxies (the load balancer and nginx)' : 'one proxy'}: ${fixLine}`,
    }
  }
  if (plain !== undefined && plain.remoteAddr !== client) {
    const xff = caseless(plain.forwarded, 'x-forwarded-for')
    return {
      status: 'failed',
      summary: `the app sees ${plain.remoteAddr} (the proxy) as the client, not ${client}`,
      evidence,
      fix:
        xff === undefined
          ? `${XFF_LINE} in the location that proxies to the app, and ${fixLine}`
          : xFor !== hops && xFor > 0
            ? `ProxyFix x_for=${xFor} expects ${xFor} ${xFor === 1 ? 'proxy' : 'proxies'} but there ${hops > 1 ? 'are' : 'is'} ${hopsText(hops)}: ${fixLine}`
            : `trust the X-Forwarded-For nginx sets: ${fixLine}`,
    }
  }
  const forgedPart = forged ? `; a forged X-Forwarded-For: ${FORGED_CLIENT} did not replace it` : ''
  return {
    status: 'passed',
    summary: `the app sees the client address ${client}${forgedPart}`,
    evidence,
  }
}

export const proxyClientIp: Check = {
  id: 'proxy.client-ip',
  title: 'App sees the real client address',
  severity: 'warning',
  needs: ['proxy', 'probe'],
  needsProxiedApp: true,
  passesWhen: 'the app sees the client address, and a forged X-Forwarded-For does not win',
  run: judge,
}
