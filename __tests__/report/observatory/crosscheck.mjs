// Runs the real @mdn/mdn-http-observatory tests and grader on recorded responses: reads
// [{hostname, auto: {status, headers, body}, httpRoute}] as JSON on stdin, prints one
// {tests: {name: expectation}, score, grade} per input. Only the retrieval is replaced: the
// Requests object is built from the recording as the package's retriever builds it.
import { register } from 'node:module'
import { URL } from 'node:url'

register('./loader.mjs', import.meta.url)

const pkg = '@mdn/mdn-http-observatory/src'
const { Requests } = await import(`${pkg}/types.js`)
const { ALL_TESTS } = await import(`${pkg}/constants.js`)
const { getGradeForScore, getScoreModifier } = await import(`${pkg}/grader/grader.js`)
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await import(`${pkg}/grader/charts.js`)
const { parseHttpEquivHeaders } = await import(`${pkg}/retriever/utils.js`)
const { AxiosHeaders } = await import('axios')
const { CookieJar } = await import('tough-cookie')

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml'])

function requestsOf({ hostname, auto, httpRoute }) {
  const r = new Requests(hostname)
  const url = new URL(`https://${hostname}/`)
  const jar = new CookieJar()
  const response = {
    status: auto.status,
    headers: new AxiosHeaders(auto.headers),
    data: auto.body,
    verified: true,
  }
  for (const c of [auto.headers['set-cookie'] ?? []].flat()) {
    jar.setCookieSync(c, url.href, { ignoreError: true })
  }
  const type = response.headers['content-type']?.split(';')[0]
  response.httpEquiv =
    HTML_TYPES.has(type) && auto.body ? parseHttpEquivHeaders(auto.body, url.href) : new Map()
  r.responses.auto = response
  r.responses.https = response
  r.responses.cors = null
  if (httpRoute) {
    r.responses.http = { status: httpRoute[0].status, verified: true }
    r.responses.httpRedirects = httpRoute.map((h) => ({ url: new URL(h.url), status: h.status }))
  } else {
    r.responses.http = null
    r.responses.httpRedirects = []
  }
  r.session = { url, jar }
  r.resources.path = auto.body
  return r
}

// The scoring loop of scanner/index.js scan(), after its retrieve().
function graded(requests) {
  const results = ALL_TESTS.map((test) => test(requests))
  let withCredit = 100
  let uncurved = 100
  const tests = {}
  for (const result of results) {
    const modifier = getScoreModifier(result.result)
    withCredit += modifier
    if (modifier < 0) uncurved += modifier
    tests[result.constructor.name] = result.result
  }
  const score = uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withCredit : uncurved
  const final = getGradeForScore(score)
  return { tests, score: final.score, grade: final.grade }
}

let input = ''
for await (const chunk of process.stdin) input += chunk
process.stdout.write(JSON.stringify(JSON.parse(input).map((s) => graded(requestsOf(s)))))
