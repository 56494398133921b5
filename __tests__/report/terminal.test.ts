import { renderTerminal } from '../../src/report/terminal'
import { sampleReport } from './sample'

// eslint-disable-next-line no-control-regex
const ESC = /\x1b/

describe('renderTerminal without colour', () => {
  const out = renderTerminal(sampleReport(), { color: false })
  const lines = out.split('\n')

  test('has no escape sequences at all', () => {
    expect(out).not.toMatch(ESC)
  })

  test('starts with the tool, target and image', () => {
    expect(lines[0]).toMatch(
      /^flask-deploy-check \d+\.\d+\.\d+ · target web · image flask-deploy-check:abc123$/,
    )
  })

  test('prints one line per check with its glyph, id and summary', () => {
    expect(lines).toContain('✔ build.image              ok')
    expect(lines).toContain('- proxy.rate-limit         skipped by skip-checks')
    expect(lines.filter((l) => /^[✔✖!i-] /.test(l))).toHaveLength(35)
  })

  test('a failure is followed by its evidence, fix and location', () => {
    const at = lines.findIndex((l) => l.startsWith('✖ tls.hsts'))
    expect(lines.slice(at, at + 5)).toEqual([
      '✖ tls.hsts                 /login has no Strict-Transport-Security header <img src=x onerror=alert(1)>',
      '    GET https://example.com/login -> 200',
      '    no Strict-Transport-Security header',
      '    fix: add `add_header Strict-Transport-Security "max-age=31536000" always;` in that location',
      '    at deploy/nginx.conf:12',
    ])
    expect(lines).toContain('! image.non-root           server runs as uid 0, ping @org/team')
    expect(lines).toContain('i health.no-session        /healthz sets a session cookie')
  })

  test('ends with the verdict and the timings', () => {
    expect(lines.slice(-2)).toEqual([
      'FAIL: 3 failed (1 error, 1 warning, 1 notice), 30 passed, 2 skipped',
      'timings: build 12.3 s, boot 4.1 s, checks 8.0 s, total 25.2 s',
    ])
  })
})

test('colour marks glyphs and the verdict only when asked for', () => {
  const out = renderTerminal(sampleReport(), { color: true })
  expect(out).toContain('\x1b[32m✔ build.image')
  expect(out).toContain('\x1b[31m✖ tls.hsts')
  expect(out).toContain('\x1b[33m! image.non-root')
  expect(out).toContain('\x1b[2m- proxy.rate-limit')
  expect(out).toContain('\x1b[1m\x1b[31mFAIL\x1b[0m\x1b[0m: 3 failed')
})

test('escape sequences and control characters from the app never reach the terminal', () => {
  const report = sampleReport({
    'tls.hsts': {
      summary: 'bad\x1b[2J\x1b]0;pwned\x07 title\r\nnext',
      evidence: ['\x1b[31mred\x1b[0m line\x00\x9b', 'a\u202eb'],
      fix: 'f\x1b[1Aix',
    },
  })
  const out = renderTerminal(report, { color: false })
  expect(out).not.toMatch(ESC)
  // eslint-disable-next-line no-control-regex
  expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/)
  expect(out).toContain('bad title next')
  expect(out).toContain('    red line\n    ab\n    fix: fix')
})

test('evidence is capped at 8 lines of at most 160 characters', () => {
  const evidence = ['w'.repeat(10_000), ...Array.from({ length: 20 }, (_, i) => `line ${i}`)]
  const out = renderTerminal(sampleReport({ 'tls.hsts': { evidence } }), { color: false })
  const lines = out.split('\n')
  const at = lines.findIndex((l) => l.startsWith('✖ tls.hsts'))
  expect(lines[at + 1]).toBe(`    ${'w'.repeat(159)}…`)
  expect(lines.slice(at + 2, at + 10)).toEqual([
    ...Array.from({ length: 7 }, (_, i) => `    line ${i}`),
    '    … 13 more',
  ])
})

test('a passing run says PASS, and counts non-blocking failures', () => {
  const report = sampleReport({ 'tls.hsts': { status: 'passed', summary: 'ok', evidence: [] } })
  expect(report.verdict).toBe('pass')
  const out = renderTerminal(report, { color: false })
  expect(out.split('\n').at(-2)).toBe('PASS: 2 failed (1 warning, 1 notice), 31 passed, 2 skipped')
})
