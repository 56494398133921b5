import { NginxSyntaxError, parseNginxFile, tokenizeNginx } from '../../src/facts/nginx-config'

const words = (text: string): string[] => tokenizeNginx(text, 't.conf').map((t) => t.value)

test('words, punctuation and comments, with 1-based lines', () => {
  const tokens = tokenizeNginx('server { # a comment; {\n  listen 443 ssl;\n}\n', 't.conf')
  expect(tokens.map((t) => [t.value, t.line])).toEqual([
    ['server', 1],
    ['{', 1],
    ['listen', 2],
    ['443', 2],
    ['ssl', 2],
    [';', 2],
    ['}', 3],
  ])
})

test('quoted strings lose their quotes and resolve the escapes nginx resolves', () => {
  expect(words(`return 200 "a \\"b\\" c\\n";`)).toEqual(['return', '200', 'a "b" c\n', ';'])
  expect(words(`add_header X 'it\\'s; {ok}';`)).toEqual(['add_header', 'X', "it's; {ok}", ';'])
  // A backslash before any other character stays, as regexes need it.
  expect(words('location ~ \\.php$ {')).toEqual(['location', '~', '\\.php$', '{'])
})

test('variables, ${braced} variables, and # or } inside a word', () => {
  expect(words('proxy_set_header X-Id ${request_id}x;')).toEqual([
    'proxy_set_header',
    'X-Id',
    '${request_id}x',
    ';',
  ])
  expect(words('set $a b#c;')).toEqual(['set', '$a', 'b#c', ';'])
  expect(words('return 200 a}b;')).toEqual(['return', '200', 'a}b', ';'])
})

test('a quoted string spanning lines keeps the line where it starts', () => {
  const tokens = tokenizeNginx('a "x\ny";\nb;', 't.conf')
  expect(tokens.map((t) => [t.value, t.line])).toEqual([
    ['a', 1],
    ['x\ny', 1],
    [';', 2],
    ['b', 3],
    [';', 3],
  ])
})

test('token offsets point at the raw text, quotes included', () => {
  const text = 'proxy_pass "http://127.0.0.1:8000";'
  const arg = tokenizeNginx(text, 't.conf')[1]
  expect(text.slice(arg.start, arg.end)).toBe('"http://127.0.0.1:8000"')
})

test('directives keep file and line, blocks nest', () => {
  const tree = parseNginxFile('http {\n  server {\n    listen 80;\n  }\n}\n', '/etc/nginx/x.conf')
  expect(tree).toEqual([
    {
      name: 'http',
      args: [],
      file: '/etc/nginx/x.conf',
      line: 1,
      block: [
        {
          name: 'server',
          args: [],
          file: '/etc/nginx/x.conf',
          line: 2,
          block: [{ name: 'listen', args: ['80'], file: '/etc/nginx/x.conf', line: 3 }],
        },
      ],
    },
  ])
})

test.each([
  ['server {\n listen 80;\n', 'expecting "}"', 2],
  ['listen 80;\n}\n', 'unexpected "}"', 2],
  ['listen 80\n', 'expecting ";" or "}"', 1],
  ['return 200 "oops;\n', 'quoted string', 1],
  ['; listen 80;', 'unexpected ";"', 1],
])('syntax error %j names the line', (text, message, line) => {
  let error: unknown
  try {
    parseNginxFile(text, 'site.conf')
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(NginxSyntaxError)
  expect((error as NginxSyntaxError).message).toContain(message)
  expect((error as NginxSyntaxError).line).toBe(line)
  expect((error as NginxSyntaxError).file).toBe('site.conf')
})
