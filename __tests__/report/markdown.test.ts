import { CATALOG } from '../../src/checks/catalog'
import { failureSection, renderSummary, statusIcon } from '../../src/report/markdown'
import { buildReport } from '../../src/report/report'
import { makeRedactor, redactResults } from '../../src/report/sanitize'
import { MENTION, textOf, toHtml, visibleText } from './render'
import { HOSTILE, sampleReport, sampleResults } from './sample'

function rows(html: string): string[][] {
  const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'))
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1].matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1]),
  )
}

describe('renderSummary of a failing target', () => {
  const html = toHtml(renderSummary(sampleReport()))

  test('the heading gives the verdict, the target and the counts', () => {
    expect(html).toContain(
      '<h3>❌ flask-deploy-check · web: fail — 3 failed (1 error, 1 warning, 1 notice), 30 passed, 2 skipped</h3>',
    )
  })

  test('the table has one row per check in catalog order, with status icons', () => {
    expect(html).toContain('<th></th>\n<th>Check</th>\n<th>Result</th>')
    const table = rows(html)
    expect(table.map((r) => /<code>(.*?)<\/code>/.exec(r[1])?.[1])).toEqual(
      CATALOG.map((c) => c.id),
    )
    const icon = (id: string): string | undefined => table[CATALOG.findIndex((c) => c.id === id)][0]
    expect(icon('tls.hsts')).toBe('❌')
    expect(icon('image.non-root')).toBe('⚠️')
    expect(icon('health.no-session')).toBe('ℹ️')
    expect(icon('build.image')).toBe('✅')
    expect(icon('proxy.client-ip')).toBe('⏭️')
    expect(table[CATALOG.findIndex((c) => c.id === 'proxy.client-ip')][2]).toBe(
      'introspection disabled (introspect: false)',
    )
  })

  test('each failure has a section, errors first, with evidence, fix and location', () => {
    const headings = [...html.matchAll(/<h4>(.*?)<\/h4>/g)].map((m) => visibleText(m[1]))
    expect(headings).toEqual([
      '❌ tls.hsts HSTS on every HTTPS response',
      '⚠️ image.non-root Server does not run as root',
      'ℹ️ health.no-session Health endpoint sets no cookie and is not cached',
    ])
    const hsts = html.slice(html.indexOf('<h4>❌'), html.indexOf('<h4>⚠️'))
    expect(hsts).toContain(
      '<pre><code>GET https://example.com/login -&gt; 200\nno Strict-Transport-Security header\n</code></pre>',
    )
    // Backtick pairs in a fix become code, so a config line reads as one.
    expect(hsts).toContain(
      '<strong>Fix:</strong> add <code>add_header Strict-Transport-Security &quot;max-age=31536000&quot; always;</code> in that location',
    )
    expect(hsts).toContain('<strong>Where:</strong> <code>deploy/nginx.conf:12</code>')
  })

  test('app-controlled text shows as text: no injected image, link or mention', () => {
    expect(html).not.toMatch(/<img|<a |<script/)
    expect(textOf(html.replace(/<pre>[\s\S]*?<\/pre>/g, ''))).not.toMatch(MENTION)
    expect(html.replace(/<pre>[\s\S]*?<\/pre>/g, '')).not.toMatch(MENTION)
    const text = visibleText(html)
    expect(text).toContain(HOSTILE.img)
    expect(text).toContain(`ping ${HOSTILE.mention}`)
    expect(text).toContain(`log: ${HOSTILE.link} ${HOSTILE.image}`)
  })

  test('timings and the tool version close the summary', () => {
    expect(html).toMatch(
      /<sub>build 12\.3 s · boot 4\.1 s · checks 8\.0 s · total 25\.2 s · flask-deploy-check \d+\.\d+\.\d+<\/sub>/,
    )
  })
})

test('a passing target has a ✅ heading and no fix sections', () => {
  const results = sampleResults({
    'tls.hsts': { status: 'passed', summary: 'ok', evidence: [] },
    'image.non-root': { status: 'passed', summary: 'ok', evidence: [] },
    'health.no-session': { status: 'passed', summary: 'ok', evidence: [] },
  })
  const report = buildReport({
    results,
    failOn: 'error',
    target: { name: '', image: 'app:1', context: '.', file: 'Dockerfile' },
    timings: { build: 1, boot: 1, checks: 1, total: 3 },
  })
  const html = toHtml(renderSummary(report))
  expect(html).toContain('<h3>✅ flask-deploy-check: pass — 0 failed, 33 passed, 2 skipped</h3>')
  expect(html).not.toContain('<h4>')
})

test('a secret in a result never reaches the summary once results are redacted', () => {
  const secret = 'prod-secret-key-0123'
  const results = redactResults(
    sampleResults({
      'secret.strength': {
        status: 'failed',
        summary: `the key ${secret} is weak`,
        evidence: [`SECRET_KEY=${secret}`, `cookie signed with ${encodeURIComponent(secret)}`],
        fix: `rotate ${secret}`,
      },
    }),
    makeRedactor([secret]),
  )
  const report = buildReport({
    results,
    failOn: 'error',
    target: { name: 'api', image: 'app:1', context: '.', file: 'Dockerfile' },
    timings: { build: 1, boot: 1, checks: 1, total: 3 },
  })
  const markdown = renderSummary(report)
  expect(markdown).not.toContain(secret)
  expect(visibleText(toHtml(markdown))).toContain('SECRET_KEY=***')
})

test('a huge evidence line and many lines are capped', () => {
  const report = sampleReport({
    'tls.hsts': {
      evidence: ['z'.repeat(10_000), ...Array.from({ length: 50 }, (_, i) => `l${i}`)],
    },
  })
  const markdown = renderSummary(report)
  expect(markdown.length).toBeLessThan(12_000)
  expect(markdown).toContain(`${'z'.repeat(299)}…`)
  expect(markdown).toContain('… 31 more lines')
})

test('statusIcon covers every status and severity', () => {
  expect(statusIcon({ status: 'failed', severity: 'error' })).toBe('❌')
  expect(statusIcon({ status: 'failed', severity: 'warning' })).toBe('⚠️')
  expect(statusIcon({ status: 'failed', severity: 'notice' })).toBe('ℹ️')
  expect(statusIcon({ status: 'passed', severity: 'error' })).toBe('✅')
  expect(statusIcon({ status: 'skipped', severity: 'warning' })).toBe('⏭️')
})

test('a failure section can be made smaller for the PR comment', () => {
  const result = sampleResults({
    'tls.hsts': { evidence: Array.from({ length: 10 }, (_, i) => `line ${i} ${'v'.repeat(100)}`) },
  }).find((r) => r.id === 'tls.hsts')
  if (result === undefined) throw new Error('no tls.hsts')
  const section = failureSection(result, {
    headingLevel: 5,
    textLength: 20,
    evidenceLines: 2,
    lineLength: 12,
  })
  expect(section).toMatch(/^##### ❌ `tls.hsts` /)
  expect(section).toContain('\n\n/login has no Stric…\n\n')
  expect(section).toContain('```\nline 0 vvvv…\nline 1 vvvv…\n… 8 more lines\n```')
})
