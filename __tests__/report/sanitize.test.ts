import {
  codeBlock,
  codeSpan,
  escapeMarkdown,
  inlineMarkdown,
  makeRedactor,
  redactResults,
  stripControl,
} from '../../src/report/sanitize'
import { GFM_AUTOLINK, MENTION, textOf, toHtml, visibleText } from './render'

describe('makeRedactor', () => {
  it('masks a long secret that a length cap cut short, but not unrelated text', () => {
    const token = '3f9a1c7e5b2d4086a1b2c3d4e5f60718'
    const redact = makeRedactor([token])
    expect(redact(`GET /__flask_deploy_check/${token.slice(0, 13)}…`)).toBe(
      'GET /__flask_deploy_check/***…',
    )
    expect(redact(`a ${token} b ${token.slice(0, 20)}`)).toBe('a *** b ***')
    expect(redact('3f9a1c7 is shorter than the head')).toBe('3f9a1c7 is shorter than the head')
  })

  test('replaces every occurrence of each secret, longest first', () => {
    const redact = makeRedactor(['hunter22', 'hunter22-and-more', 'abc'])
    expect(redact('a hunter22-and-more b hunter22 c abc')).toBe('a *** b *** c abc')
  })

  test('treats secrets literally and also catches their URL-encoded and JSON-escaped forms', () => {
    const redact = makeRedactor(['p@ss.w*rd/"x"'])
    expect(redact('url=p%40ss.w*rd%2F%22x%22 json="p@ss.w*rd/\\"x\\"" raw p@ss.w*rd/"x"')).toBe(
      'url=*** json="***" raw ***',
    )
    expect(redact('pXss.wwrd')).toBe('pXss.wwrd')
  })

  test('with no usable secrets it is the identity', () => {
    expect(makeRedactor(['', 'ab'])('ab cd')).toBe('ab cd')
  })

  test('redactResults covers summary, evidence and fix', () => {
    const redact = makeRedactor(['s3cr3t-value'])
    const [r] = redactResults(
      [
        {
          id: 'secret.from-env',
          title: 't',
          status: 'failed',
          severity: 'error',
          summary: 'key s3cr3t-value',
          evidence: ['SECRET_KEY=s3cr3t-value'],
          fix: 'rotate s3cr3t-value',
        },
      ],
      redact,
    )
    expect(JSON.stringify(r)).not.toContain('s3cr3t-value')
    expect(r).toMatchObject({ summary: 'key ***', evidence: ['SECRET_KEY=***'], fix: 'rotate ***' })
  })
})

describe('escapeMarkdown', () => {
  const contexts: [string, (s: string) => string][] = [
    ['paragraph', (s) => s],
    ['heading', (s) => `### ${s}`],
    ['list item', (s) => `- ${s}`],
    ['table cell', (s) => `| a | b |\n|---|---|\n| ${s} | x |`],
  ]

  test.each([
    '<img src=x onerror=alert(1)>',
    '[x](javascript:alert(1))',
    '[x](https://evil.com)',
    '![i](http://x/y.png)',
    '<script>alert(1)</script>',
    '<a href="https://evil.example">x</a>',
    'see https://evil.com/login and ftp://evil.com',
    '**bold** _em_ ~~strike~~ `code` $x^2$ <!-- c -->',
  ])('%s stays literal text in every context', (input) => {
    for (const [, wrap] of contexts) {
      // Sanity: unescaped, the input does make elements (javascript: links markdown-it drops itself).
      if (!input.includes('javascript:'))
        expect(toHtml(wrap(input))).toMatch(/<(img|a|script|em|strong|s|code|!--)[\s>]/)
      const html = toHtml(wrap(escapeMarkdown(input)))
      expect(html).not.toMatch(/<(img|a|script|em|strong|s|del|code|!--)[\s>]/)
      expect(visibleText(html)).toContain(input)
    }
  })

  test('www., URL and e-mail autolinks are broken, yet read the same', () => {
    for (const input of [
      'www.evil.com',
      'mail me@evil.com',
      'WWW.EVIL.COM/x',
      'go https://evil.com',
    ]) {
      expect(input).toMatch(GFM_AUTOLINK)
      const text = textOf(toHtml(escapeMarkdown(input)))
      expect(text).not.toMatch(GFM_AUTOLINK)
      expect(text.replace(/\u200d/g, '').trim()).toBe(input)
    }
  })

  test('@mentions and #references are broken, yet read the same', () => {
    const html = toHtml(escapeMarkdown('ping @org/team and @octocat about #12'))
    expect(html).not.toMatch(MENTION)
    expect(visibleText(html).trim()).toBe('ping @org/team and @octocat about #12')
  })

  test('block syntax at the start stays text', () => {
    for (const input of [
      '# title',
      '- item',
      '+ item',
      '1. item',
      '> quote',
      '---',
      '=== ',
      '    code',
    ]) {
      const html = toHtml(escapeMarkdown(input))
      expect(html).toMatch(/^<p>/)
    }
  })

  test('a pipe does not split a table cell', () => {
    const html = toHtml(`| a | b |\n|---|---|\n| ${escapeMarkdown('x | y')} | z |`)
    expect(html).toContain('<td>x | y</td>')
  })

  test('control characters go, line breaks collapse, a 10 KB line is capped with an ellipsis', () => {
    expect(escapeMarkdown('a\x1b[31mred\x1b[0m\x07\r\nb\n\n c\u202e')).toBe('ared b c')
    const long = escapeMarkdown('x'.repeat(10_000), 300)
    expect(long).toBe(`${'x'.repeat(299)}…`)
  })

  test('a secret already redacted stays redacted and the text is escaped', () => {
    const redact = makeRedactor(['correct-horse-battery'])
    const out = escapeMarkdown(redact('SECRET_KEY=correct-horse-battery <b>'))
    expect(out).toBe('SECRET\\_KEY=\\*\\*\\* &lt;b&gt;')
    expect(visibleText(toHtml(out)).trim()).toBe('SECRET_KEY=*** <b>')
  })
})

describe('codeSpan', () => {
  test('shows text containing backticks verbatim', () => {
    for (const input of ['a ` b', '``x``', '`start', 'end`', '<img src=x>']) {
      const html = toHtml(codeSpan(input))
      const code = /<code>(.*)<\/code>/.exec(html)
      expect(code).not.toBeNull()
      expect(visibleText(code?.[1] ?? '')).toBe(input)
    }
  })

  test('is one line and capped', () => {
    expect(codeSpan('a\nb', 10)).toBe('`a b`')
    expect(codeSpan('y'.repeat(10_000), 50)).toBe(`\`${'y'.repeat(49)}…\``)
  })

  test('in a table cell a pipe stays inside the code', () => {
    const html = toHtml(`| a | b |\n|---|---|\n| ${codeSpan('x | y', 80, true)} | z |`)
    expect(html).toContain('<td><code>x | y</code></td>')
  })
})

describe('inlineMarkdown', () => {
  test('backtick pairs become code spans, the rest is escaped text', () => {
    const html = toHtml(inlineMarkdown('add `USER app` to <b>Dockerfile</b> @org `a|b` `x'))
    expect(html).toBe(
      '<p>add <code>USER app</code> to &lt;b&gt;Dockerfile&lt;/b&gt; @\u200dorg <code>a|b</code> `x</p>\n',
    )
  })

  test('code inside a table cell keeps its pipe', () => {
    const html = toHtml(
      `| a | b |\n|---|---|\n| ${inlineMarkdown('run `a | b` now', 80, true)} | z |`,
    )
    expect(html).toContain('<td>run <code>a | b</code> now</td>')
  })

  test('hostile text stays inert inside and outside the code', () => {
    const html = toHtml(inlineMarkdown('- `<img src=x>` ![i](http://x/y.png) `[x](javascript:1)`'))
    expect(html).toMatch(/^<p>- <code>/)
    expect(html).not.toMatch(/<img|<a /)
  })
})

describe('codeBlock', () => {
  test('cannot be closed from inside and caps lines', () => {
    const lines = ['```', '````', 'ok', ...Array.from({ length: 30 }, (_, i) => `line ${i}`)]
    const block = codeBlock(lines, { maxLines: 5, maxLen: 20 })
    const html = toHtml(`${block}\n\nafter`)
    expect(html.match(/<pre>/g)).toHaveLength(1)
    expect(visibleText(html)).toContain('```\n````\nok\nline 0\nline 1\n… 28 more lines')
    expect(html).toContain('<p>after</p>')
  })

  test('html and mentions inside are shown as code', () => {
    const html = toHtml(codeBlock(['<img src=x onerror=alert(1)> @org/team']))
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; @org/team')
    expect(html).not.toContain('<img')
  })
})

test('stripControl removes escape sequences (CSI, OSC hyperlinks) but keeps line breaks', () => {
  const osc = '\x1b]8;;http://evil\x07click\x1b]8;;\x07'
  expect(stripControl(`a\x1b[1;31mb\x1b[0m\n${osc}\x00\x9b`)).toBe('ab\nclick')
})
