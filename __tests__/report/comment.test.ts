import { CATALOG } from '../../src/checks/catalog'
import {
  COMMENT_MARKER,
  MAX_COMMENT_LENGTH,
  fitComment,
  isOurComment,
  mergeComment,
  parseSections,
  renderSection,
  type SectionMeta,
} from '../../src/report/comment'
import { buildReport, type Report } from '../../src/report/report'
import { GFM_AUTOLINK, MENTION, textOf, toHtml, visibleText } from './render'
import { HOSTILE, sampleReport, sampleResults } from './sample'

const HEAD = '0123456789abcdef0123456789abcdef01234567'
const OLD = 'fedcba9876543210fedcba9876543210fedcba98'
const RUN = 'https://github.com/o/r/actions/runs/42'
const web: SectionMeta = { name: 'web', sha: HEAD, runUrl: RUN }
const api: SectionMeta = { name: 'api', sha: HEAD }

function passingReport(name = 'api'): Report {
  const fixed = { status: 'passed' as const, summary: 'ok' }
  return buildReport({
    results: sampleResults({
      'tls.hsts': fixed,
      'image.non-root': fixed,
      'health.no-session': fixed,
    }),
    failOn: 'error',
    target: { name, image: 'api:1', context: 'api', file: 'api/Dockerfile' },
    timings: { build: 1_600, boot: 900, checks: 2_100, total: 4_600 },
  })
}

/** The comment a two-target run ends with: a failing `web` and a passing `api`. */
function fullComment(): string {
  const first = fitComment(undefined, sampleReport(), web, { headSha: HEAD })
  return fitComment(first.body, passingReport(), api, { headSha: HEAD }).body
}

describe('the full comment', () => {
  const body = fullComment()
  const html = toHtml(body)

  test('renders to the same HTML as before', () => {
    expect(html).toMatchSnapshot()
  })

  test('starts with the marker; sections in name order', () => {
    expect(body.startsWith(`${COMMENT_MARKER}\n`)).toBe(true)
    expect(isOurComment(body)).toBe(true)
    expect(parseSections(body).map((s) => [s.name, s.sha])).toEqual([
      ['api', HEAD],
      ['web', HEAD],
    ])
  })

  test('a failing section reads verdict, what failed, how to fix, top to bottom', () => {
    const text = visibleText(html.slice(html.indexOf('<h3>')))
    expect(text).toMatch(/^❌ web: fail — 3 failed \(1 error, 1 warning, 1 notice\), 30 passed/)
    const at = (s: string): number => text.indexOf(s)
    expect(at('[ ] ❌ tls.hsts /login has no Strict-Transport-Security')).toBeGreaterThan(0)
    expect(at('— add add_header Strict-Transport-Security')).toBeGreaterThan(at('tls.hsts'))
    expect(at('Warnings')).toBeGreaterThan(at('tls.hsts'))
    expect(at('⚠️ image.non-root')).toBeGreaterThan(at('Warnings'))
    expect(at('ℹ️ health.no-session')).toBeGreaterThan(at('⚠️ image.non-root'))
    expect(html).toContain('<details><summary>evidence</summary>')
    expect(html).toContain('<summary>30 passed, 2 skipped</summary>')
    expect(text).toContain('build 12.3 s · boot 4.1 s · checks 8.0 s')
    expect(text).toContain('commit 0123456')
    expect(html).toContain(`<a href="${RUN}">workflow run</a>`)
  })

  test('the passing target is one line, its details folded', () => {
    const section = parseSections(body)[0].text
    const lines = section.split('\n').filter((l) => l.trim() !== '')
    expect(lines[1]).toBe(
      '✅ **api**: pass — 33 passed, 2 skipped · build 1.6 s · boot 900 ms · checks 2.1 s · total 4.6 s · commit `0123456`',
    )
    expect(lines[2]).toMatch(/^<!-- fdc:passed --><details><summary>details<\/summary>$/)
    expect(toHtml(section)).not.toMatch(/<h\d|<ul>[\s\S]*<\/ul>\s*<details/)
  })

  test('app-controlled text is inert: no image, link, script or mention', () => {
    expect(html).not.toMatch(/<img|<script/)
    expect([...html.matchAll(/<a /g)]).toHaveLength(1)
    const text = textOf(html.replace(/<pre>[\s\S]*?<\/pre>|<code>[\s\S]*?<\/code>/g, ''))
    expect(text).not.toMatch(MENTION)
    expect(visibleText(html)).toContain(HOSTILE.img)
    expect(visibleText(html)).toContain(HOSTILE.mention)
  })
})

describe('a hostile response header', () => {
  const header = `X-Debug: <img src=x onerror=alert(1)> cc @org/team [x](http://evil) <!-- /flask-deploy-check:section name="web" -->`
  const report = sampleReport({
    'tls.hsts': { summary: header, fix: header, evidence: [header] },
  })
  const html = toHtml(fitComment(undefined, report, web).body)

  test('renders inert', () => {
    expect(html).not.toMatch(/<img|<script|href="http:\/\/evil/)
    expect(html.match(/<a /g) ?? []).toHaveLength(1)
    const prose = html.replace(/<pre>[\s\S]*?<\/pre>|<code>[\s\S]*?<\/code>/g, '')
    expect(textOf(prose)).not.toMatch(MENTION)
    expect(textOf(prose)).not.toMatch(GFM_AUTOLINK)
    expect(visibleText(html)).toContain('[x](http://evil)')
  })

  test('cannot forge a section marker', () => {
    const body = fitComment(undefined, report, web).body
    expect(parseSections(body)).toHaveLength(1)
    expect(parseSections(body)[0].text).toContain('<!\u200b-- /flask-deploy-check:section')
  })
})

describe('mergeComment', () => {
  const webSection = renderSection(sampleReport(), web)
  const apiSection = renderSection(passingReport(), api)

  test('creates a body with the marker first', () => {
    expect(mergeComment(undefined, webSection, web)).toEqual({
      body: `${COMMENT_MARKER}\n\n${webSection}\n`,
      stale: false,
    })
  })

  test('inserts a new target in name order, keeping the other byte-for-byte', () => {
    const one = mergeComment(undefined, webSection, web).body
    const two = mergeComment(one, apiSection, api).body
    expect(parseSections(two).map((s) => s.name)).toEqual(['api', 'web'])
    expect(parseSections(two)[1].text).toBe(webSection)
    const zed = renderSection(passingReport('zed'), { name: 'zed', sha: HEAD })
    const three = mergeComment(two, zed, { name: 'zed', sha: HEAD }).body
    expect(parseSections(three).map((s) => s.name)).toEqual(['api', 'web', 'zed'])
    expect(three.startsWith(two.trimEnd())).toBe(true)
  })

  test('replaces a section in place and keeps the rest byte-for-byte', () => {
    const before = mergeComment(mergeComment(undefined, webSection, web).body, apiSection, api)
    const fixed = renderSection(passingReport('web'), web)
    const after = mergeComment(before.body, fixed, web)
    expect(after.stale).toBe(false)
    expect(parseSections(after.body).map((s) => s.text)).toEqual([apiSection, fixed])
    expect(after.body).toBe(before.body.replace(webSection, fixed))
  })

  test('an older run never overwrites the section written for the head SHA', () => {
    const current = mergeComment(undefined, webSection, web).body
    const old = { ...web, sha: OLD }
    const result = mergeComment(current, renderSection(passingReport('web'), old), old, {
      headSha: HEAD,
    })
    expect(result).toEqual({ body: current, stale: true })
    // ...but a run for the head replaces an older section, and a new target is still added.
    const oldBody = mergeComment(undefined, renderSection(sampleReport(), old), old).body
    expect(mergeComment(oldBody, webSection, web, { headSha: HEAD }).body).toContain(webSection)
    expect(mergeComment(current, apiSection, { ...api, sha: OLD }, { headSha: HEAD }).stale).toBe(
      false,
    )
  })

  test('keeps text around the sections and puts the marker first', () => {
    const odd = `note\n${COMMENT_MARKER}\n\n${webSection}\n\nfooter\n`
    const body = mergeComment(odd, apiSection, api).body
    expect(body.startsWith(`${COMMENT_MARKER}\n\nnote\n`)).toBe(true)
    expect(body.endsWith(`${webSection}\n\nfooter\n`)).toBe(true)
  })
})

describe('fitComment', () => {
  const huge = 'x'.repeat(2_000)
  const everythingFails = Object.fromEntries(
    CATALOG.map((c) => [
      c.id,
      {
        status: 'failed' as const,
        summary: `${c.id} failed ${huge}`,
        fix: `fix ${c.id} ${huge}`,
        evidence: Array.from({ length: 100 }, (_, i) => `line ${i} ${huge}`),
      },
    ]),
  )
  const report = sampleReport(everythingFails)

  test('a 200 KB report is trimmed under the limit with every failed id present', () => {
    expect(JSON.stringify(report).length).toBeGreaterThan(200_000)
    const other = fitComment(undefined, sampleReport(), { name: 'api', sha: HEAD }).body
    const { body } = fitComment(other, report, web)
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH)
    const text = visibleText(toHtml(body))
    for (const c of CATALOG)
      expect(text).toContain(
        `[ ] ${c.severity === 'error' ? '❌' : c.severity === 'warning' ? '⚠️' : 'ℹ️'} ${c.id} ${c.id} failed`,
      )
    for (const c of CATALOG) expect(body).toContain(`**${c.id}**`)
    expect(parseSections(body).map((s) => s.name)).toEqual(['api', 'web'])
  })

  test('small reports are not trimmed', () => {
    const { body } = fitComment(undefined, sampleReport(), web)
    expect(body).toBe(`${COMMENT_MARKER}\n\n${renderSection(sampleReport(), web)}\n`)
  })

  test("as a last resort other targets' passed lists and evidence are cut", () => {
    const other = fitComment(undefined, sampleReport(), api).body
    const { body } = fitComment(other, passingReport('web'), web, { max: 1_000 })
    const apiText = parseSections(body)[0].text
    expect(apiText).toContain('**tls.hsts**')
    expect(apiText).not.toContain('<summary>evidence</summary>')
    expect(apiText).toContain('cut to fit the comment size limit')
  })
})
