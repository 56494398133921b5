import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { isLoopbackHost, rewriteUpstreams } from '../../src/facts/nginx-config'

const site = (name: string): string =>
  readFileSync(path.join(__dirname, '../data/nginx/cases', name, 'site.conf'), 'utf8')

/** The text with the given replacements applied once each, to state "nothing else changed". */
function replaced(text: string, pairs: [string, string][]): string {
  return pairs.reduce((t, [a, b]) => t.replace(a, b), text)
}

test('the chapter example: proxy_pass host replaced, port and every other byte kept', () => {
  const text = site('seed')
  const r = rewriteUpstreams(text, 'app')
  expect(r.changes).toEqual([
    {
      line: 11,
      directive: 'proxy_pass',
      before: 'http://127.0.0.1:8000',
      after: 'http://app:8000',
    },
  ])
  expect(r.text).toBe(replaced(text, [['http://127.0.0.1:8000', 'http://app:8000']]))
  expect(r.kept).toEqual([])
})

test('upstream block servers are rewritten; proxy_pass to the upstream name is left alone', () => {
  const text = site('upstream-redirect')
  const r = rewriteUpstreams(text, 'flask-app')
  expect(r.changes).toEqual([
    { line: 2, directive: 'server', before: '127.0.0.1:8000', after: 'flask-app:8000' },
    { line: 3, directive: 'server', before: 'localhost:8001', after: 'flask-app:8001' },
  ])
  expect(r.text).toBe(
    replaced(text, [
      ['server 127.0.0.1:8000 max_fails', 'server flask-app:8000 max_fails'],
      ['server localhost:8001 backup', 'server flask-app:8001 backup'],
    ]),
  )
  // Server blocks (`server {`) and server_name are not upstream entries.
  expect(r.text).toContain('server_name example.com "www.example.com";')
})

test('localhost with a path, and IPv6 loopback', () => {
  const r = rewriteUpstreams(site('location-add-header'), 'app')
  expect(r.changes.map((c) => [c.line, c.after])).toEqual([
    [20, 'http://app:8000/api/'],
    [25, 'http://app:8000'],
  ])
  const v6 = rewriteUpstreams(site('alias-no-slash'), 'app')
  expect(v6.changes).toEqual([
    { line: 14, directive: 'proxy_pass', before: 'http://[::1]:8000', after: 'http://app:8000' },
  ])
})

test('quoted arguments, no port, uwsgi_pass, and an IPv6 app host', () => {
  const text = [
    'location / { proxy_pass "http://127.0.0.1/x"; }',
    'location /u { uwsgi_pass 127.0.0.2:3031; }',
    'location /s { proxy_pass https://LOCALHOST:8443; }',
  ].join('\n')
  const r = rewriteUpstreams(text, 'app')
  expect(r.text).toBe(
    [
      'location / { proxy_pass "http://app/x"; }',
      'location /u { uwsgi_pass app:3031; }',
      'location /s { proxy_pass https://app:8443; }',
    ].join('\n'),
  )
  expect(rewriteUpstreams('proxy_pass http://localhost:8000;', 'fd00::5').text).toBe(
    'proxy_pass http://[fd00::5]:8000;',
  )
})

test('non-loopback hosts, unix sockets and variables are kept and reported', () => {
  const text = [
    'upstream u { server unix:/run/gunicorn.sock; server 10.0.0.7:8000; }',
    'server {',
    '  location /a { proxy_pass http://backend.internal:8000; }',
    '  location /b { proxy_pass http://unix:/run/app.sock:/; }',
    '  location /c { proxy_pass $upstream_url; }',
    '  location /d { uwsgi_pass unix:///tmp/uwsgi.sock; }',
    '}',
  ].join('\n')
  const r = rewriteUpstreams(text, 'app')
  expect(r.text).toBe(text)
  expect(r.changes).toEqual([])
  expect(r.kept.map((k) => [k.line, k.directive, k.reason])).toEqual([
    [1, 'server', 'unix-socket'],
    [1, 'server', 'not-loopback'],
    [3, 'proxy_pass', 'not-loopback'],
    [4, 'proxy_pass', 'unix-socket'],
    [5, 'proxy_pass', 'variable'],
    [6, 'uwsgi_pass', 'unix-socket'],
  ])
})

test('comments and look-alikes are not touched', () => {
  const text =
    '# proxy_pass http://127.0.0.1:8000;\nset $x "proxy_pass http://localhost";\nreturn 200 127.0.0.1:8000;\n'
  expect(rewriteUpstreams(text, 'app')).toEqual({ text, changes: [], kept: [] })
})

test.each([
  ['127.0.0.1', true],
  ['127.1.2.3', true],
  ['LocalHost', true],
  ['[::1]', true],
  ['0.0.0.0', true],
  ['[::]', true],
  ['128.0.0.1', false],
  ['localhost.example.com', false],
  ['app', false],
])('isLoopbackHost(%j) is %s', (host, expected) => {
  expect(isLoopbackHost(host)).toBe(expected)
})

test('uwsgi_pass naming an upstream is left to the upstream block', () => {
  const text = 'upstream localhost { server 127.0.0.1:3031; }\nuwsgi_pass localhost;\n'
  const r = rewriteUpstreams(text, 'app')
  expect(r.text).toBe('upstream localhost { server app:3031; }\nuwsgi_pass localhost;\n')
  expect(r.changes.map((c) => c.directive)).toEqual(['server'])
})
