import { CATALOG } from '../../src/checks/catalog'
import { failureSection, renderSummary, statusIcon } from '../../src/report/markdown'
import { buildReport, type Report } from '../../src/report/report'
import { makeRedactor, redactResults } from '../../src/report/sanitize'
import { MENTION, textOf, toHtml, visibleText } from './render'
import { idsOf, recordedReport, rejudged, withoutSkipReasons } from './recorded'
import { HOSTILE, SAMPLE_PASSED, sampleReport, sampleResults } from './sample'

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
      `<h3>❌ flask-deploy-check · web: fail — 3 failed (1 error, 1 warning, 1 notice), ${SAMPLE_PASSED} passed, 2 skipped</h3>`,
    )
  })

  test('the table has one row per check that ran, in catalog order, with status icons', () => {
    expect(html).toContain('<th></th>\n<th>Check</th>\n<th>Result</th>')
    const table = rows(html)
    const ran = CATALOG.map((c) => c.id).filter(
      (id) => id !== 'proxy.client-ip' && id !== 'proxy.rate-limit',
    )
    expect(table.map((r) => /<code>(.*?)<\/code>/.exec(r[1])?.[1])).toEqual(ran)
    const icon = (id: string): string | undefined => table[ran.indexOf(id)][0]
    expect(icon('tls.hsts')).toBe('❌')
    expect(icon('image.non-root')).toBe('⚠️')
    expect(icon('health.no-session')).toBe('ℹ️')
    expect(icon('build.image')).toBe('✅')
  })

  test('the checks skipped on request follow, with their reasons', () => {
    const skipped = html.slice(html.indexOf('<h3>Skipped</h3>'))
    expect(visibleText(skipped)).toContain(
      'Skipped on request\n\n⏭️ proxy.client-ip App sees the real client address: introspect is off\n' +
        '⏭️ proxy.rate-limit Proxy rate-limits requests: skipped by skip-checks',
    )
    expect(html).not.toContain('Could not be checked')
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
  expect(html).toContain(
    `<h3>✅ flask-deploy-check: pass — 0 failed, ${SAMPLE_PASSED + 3} passed, 2 skipped</h3>`,
  )
  expect(html).not.toMatch(/<h4>|What to fix|Could not be checked/)
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

test('statusIcon covers every status, severity and skip reason', () => {
  expect(statusIcon({ status: 'failed', severity: 'error' })).toBe('❌')
  expect(statusIcon({ status: 'failed', severity: 'warning' })).toBe('⚠️')
  expect(statusIcon({ status: 'failed', severity: 'notice' })).toBe('ℹ️')
  expect(statusIcon({ status: 'passed', severity: 'error' })).toBe('✅')
  expect(statusIcon({ status: 'skipped', severity: 'warning' })).toBe('⏭️')
  expect(statusIcon({ status: 'skipped', severity: 'error', skip_reason: 'requested' })).toBe('⏭️')
  expect(statusIcon({ status: 'skipped', severity: 'error', skip_reason: 'blocked' })).toBe('🚫')
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

/** The <h4> headings and the list items under each, as a reader sees them. */
function groupsOf(html: string): [string, string[]][] {
  return [...html.matchAll(/<h4>(.*?)<\/h4>([\s\S]*?)(?=<h[34]>|<p><sub>)/g)].map((m) => [
    visibleText(m[1]),
    [...m[2].matchAll(/<li>(.*?)<\/li>/g)].map((li) => visibleText(li[1])),
  ])
}

describe('a boot failure (crash-on-boot, recorded)', () => {
  const html = toHtml(renderSummary(recordedReport('crash-on-boot')))
  const blocked = html.slice(html.indexOf('<h3>Could not be checked</h3>'))

  test('the heading counts the 21 unchecked checks apart from skips', () => {
    expect(html).toContain(
      '<h3>❌ flask-deploy-check · web: fail — 1 failed (1 error), 21 could not be checked, 5 passed, 0 skipped</h3>',
    )
  })

  test('the table holds the 6 checks that ran; boot.ready is the one thing to fix', () => {
    // The build and image checks, then boot.ready: the catalog up to the failure.
    const ran = CATALOG.map((c) => c.id).slice(0, 6)
    expect(ran.at(-1)).toBe('boot.ready')
    expect(rows(html).map((r) => visibleText(r[1]).split(' ')[0])).toEqual(ran)
    const fixes = html.slice(html.indexOf('<h3>What to fix</h3>'), html.indexOf('<h3>Could not'))
    expect([...fixes.matchAll(/<h4>(.*?)<\/h4>/g)].map((m) => visibleText(m[1]))).toEqual([
      '❌ boot.ready Container answers HTTP on the app port',
    ])
  })

  test('the 21 blocked checks sit under one heading: the cause, with the failed check', () => {
    const groups = groupsOf(blocked)
    expect(groups.map(([h]) => h)).toEqual([
      '🚫 blocked by boot.ready: container did not become ready: the container exited with code 3 after 0.8 s',
    ])
    const items = groups[0][1]
    expect(items.map((i) => i.split(' ')[0])).toEqual(
      idsOf(recordedReport('crash-on-boot'), 'skipped'),
    )
    expect(items).toContain('tls.hsts HSTS on every HTTPS response (error)')
    expect(items).toContain('server.workers Enough workers to serve concurrent requests')
    expect(visibleText(blocked)).toContain(
      'A check that could not run is not a pass: the error checks among these fail the verdict.',
    )
    expect(html).not.toContain('<h3>Skipped</h3>')
  })

  test('under fail-on never nothing says the verdict fails', () => {
    const passing = toHtml(renderSummary(rejudged('crash-on-boot', 'never')))
    expect(passing).toContain('<h3>✅ flask-deploy-check · web: pass')
    expect(passing).toContain('<h3>Could not be checked</h3>')
    expect(passing).not.toContain('fail the verdict')
  })
})

test('a rejected nginx config: one group for the proxy checks, cause and config line included', () => {
  const html = toHtml(renderSummary(recordedReport('invalid-nginx')))
  const groups = groupsOf(html.slice(html.indexOf('<h3>Could not be checked</h3>')))
  expect(groups).toHaveLength(1)
  expect(groups[0][0]).toBe(
    '🚫 blocked by proxy.config-valid: nginx rejected the configuration: unknown directive "includeSubDomains" (__tests__/fixtures/invalid-nginx/deploy/nginx.conf:35)',
  )
  const skipped = idsOf(recordedReport('invalid-nginx'), 'skipped')
  expect(skipped).toHaveLength(11)
  expect(groups[0][1].map((i) => i.split(' ')[0])).toEqual(skipped)
})

test('a check that skipped itself for the same cause, without blocked_by, joins the group', () => {
  // As the checks that read the config themselves reported it before they named the cause.
  const edit = { blocked_by: undefined }
  const report = rejudged('invalid-nginx', 'error', {
    'proxy.forwarded-headers': edit,
    'proxy.rate-limit': edit,
  })
  const html = toHtml(renderSummary(report))
  const groups = groupsOf(html.slice(html.indexOf('<h3>Could not be checked</h3>')))
  expect(groups.map(([h, items]) => [h.split(':')[0], items.length])).toEqual([
    ['🚫 blocked by proxy.config-valid', 11],
  ])
})

test('a build failure blocks everything that needs the image, under build.image', () => {
  const html = toHtml(renderSummary(recordedReport('build-failed')))
  const groups = groupsOf(html.slice(html.indexOf('<h3>Could not be checked</h3>')))
  expect(groups.map(([h, items]) => [h, items.length])).toEqual([
    ['🚫 blocked by build.image: the image did not build', 25],
  ])
})

/** The visible lines from the "Skipped" heading on. */
function skippedLines(report: Report): string[] {
  const text = visibleText(toHtml(renderSummary(report)))
  return text
    .slice(text.indexOf('Skipped\n'))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
}

test('skips on request are a short group of their own, each with its reason', () => {
  expect(skippedLines(recordedReport('no-introspect')).slice(0, 4)).toEqual([
    'Skipped',
    'Skipped on request',
    '⏭️ proxy.client-ip App sees the real client address: introspect is off',
    '⏭️ proxy.rate-limit Proxy rate-limits requests: skipped by skip-checks',
  ])
})

test('so are the checks that do not apply (the reference proxy, no-nginx-config)', () => {
  const report = recordedReport('no-nginx-config')
  const lines = skippedLines(report)
  expect(lines.slice(0, 2)).toEqual(['Skipped', 'Not applicable'])
  expect(lines.slice(2, 6).map((l) => l.split(' ')[1])).toEqual([
    'tls.https-redirect',
    'proxy.host-header',
    'proxy.rate-limit',
    'proxy.forwarded-spoof',
  ])
  expect(lines[2]).toBe(
    '⏭️ tls.https-redirect Plain HTTP redirects to HTTPS: the config has no port-80 server',
  )
  const html = toHtml(renderSummary(report))
  expect(html).toContain(
    '<h3>✅ flask-deploy-check · web: pass — 0 failed, 23 passed, 4 skipped</h3>',
  )
  expect(html).not.toContain('Could not be checked')
})

test('a report from before skip_reason lists its skips as plain skips, with their summaries', () => {
  const html = toHtml(renderSummary(withoutSkipReasons(recordedReport('crash-on-boot'))))
  expect(html).not.toMatch(/could not be checked|🚫/i)
  const text = visibleText(html.slice(html.indexOf('<h3>Skipped</h3>')))
  expect(text).toContain(
    '⏭️ tls.hsts HSTS on every HTTPS response: container did not become ready: the container exited with code 3 after 0.8 s',
  )
})

test('a cause quoting the app is inert in its heading', () => {
  const cause = `nginx rejected the configuration: ${HOSTILE.img} ${HOSTILE.mention} ${HOSTILE.link}`
  const report = rejudged('invalid-nginx', 'error', {
    'tls.hsts': { summary: cause },
    'cookies.secure': { summary: cause },
  })
  const html = toHtml(renderSummary(report))
  expect(html).not.toMatch(/<img|<a /)
  expect(textOf(html)).not.toMatch(MENTION)
  const headings = groupsOf(html).map(([h]) => h)
  expect(headings).toContain(`🚫 blocked by proxy.config-valid: ${cause}`)
})
