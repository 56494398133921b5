import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import {
  matchFiles,
  parseNginxDump,
  splitNginxDump,
  type NginxDirective,
} from '../../src/facts/nginx-config'

const data = path.join(__dirname, '../data/nginx')
const dumpOf = (name: string): string =>
  readFileSync(path.join(data, `${name}.nginx-T.txt`), 'utf8')
const CASES = ['seed', 'upstream-redirect', 'location-add-header', 'limit-req', 'alias-no-slash']

/** Every directive of a tree, depth first. */
function flat(ds: NginxDirective[]): NginxDirective[] {
  return ds.flatMap((d) => [d, ...flat(d.block ?? [])])
}

test.each(CASES)('%s: each conf.d file comes back byte for byte, in -T order', (name) => {
  const files = splitNginxDump(dumpOf(name))
  expect(files[0].path).toBe('/etc/nginx/nginx.conf')
  for (const f of files.filter((x) => x.path.startsWith('/etc/nginx/conf.d/'))) {
    const source = readFileSync(path.join(data, 'cases', name, path.basename(f.path)), 'utf8')
    expect(f.text).toBe(source)
  }
})

test('stderr lines before the first header are ignored; no header at all is an error', () => {
  const dump = 'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n' + dumpOf('seed')
  expect(parseNginxDump(dump).files).toHaveLength(5)
  expect(() => parseNginxDump('nginx: [emerg] oops\n')).toThrow(/not nginx -T output/)
})

test('includes are resolved in place: modules, mime.types and the conf.d glob in sorted order', () => {
  const tree = parseNginxDump(dumpOf('seed'))
  expect(tree.main).toBe('/etc/nginx/nginx.conf')
  expect(tree.files.map((f) => f.path)).toEqual([
    '/etc/nginx/nginx.conf',
    '/etc/nginx/modules-enabled/50-mod-http-echo.conf',
    '/etc/nginx/mime.types',
    '/etc/nginx/conf.d/00-tls.conf',
    '/etc/nginx/conf.d/site.conf',
  ])
  // load_module from modules-enabled/*.conf lands at the top level, where the include was.
  expect(tree.directives.map((d) => d.name)).toEqual([
    'user',
    'worker_processes',
    'pid',
    'error_log',
    'load_module',
    'events',
    'http',
  ])
  expect(flat(tree.directives).filter((d) => d.name === 'include')).toEqual([])
  const http = tree.directives.find((d) => d.name === 'http')?.block ?? []
  const fromConfD = http.filter((d) => d.file.startsWith('/etc/nginx/conf.d/'))
  expect(fromConfD.map((d) => `${path.basename(d.file)}:${d.line} ${d.name}`)).toEqual([
    '00-tls.conf:2 ssl_certificate',
    '00-tls.conf:3 ssl_certificate_key',
    'site.conf:1 server',
  ])
  // mime.types keeps its own file and line numbers inside the resolved tree.
  const types = http.find((d) => d.name === 'types')
  expect(types).toMatchObject({ file: '/etc/nginx/mime.types', line: 2 })
  // The empty sites-enabled/* glob matched nothing and leaves nothing behind.
  expect(http.some((d) => d.name === 'include')).toBe(false)
})

test('the per-file view keeps include directives as written', () => {
  const tree = parseNginxDump(dumpOf('seed'))
  const main = tree.files[0].directives
  const http = main.find((d) => d.name === 'http')?.block ?? []
  expect(http.filter((d) => d.name === 'include').map((d) => [d.args[0], d.line])).toEqual([
    ['/etc/nginx/mime.types', 26],
    ['/etc/nginx/conf.d/*.conf', 59],
    ['/etc/nginx/sites-enabled/*', 60],
  ])
})

test('relative includes resolve against the main file directory; an unknown plain path is kept', () => {
  const dump = [
    '# configuration file /etc/nginx/nginx.conf:',
    'http {',
    '  include snippets/*.conf;',
    '  include missing.conf;',
    '}',
    '',
    '# configuration file /etc/nginx/snippets/b.conf:',
    'gzip on;',
    '',
    '# configuration file /etc/nginx/snippets/a.conf:',
    'sendfile on;',
    '',
  ].join('\n')
  const http = parseNginxDump(dump).directives[0].block ?? []
  expect(http.map((d) => [d.name, d.file, d.line])).toEqual([
    ['sendfile', '/etc/nginx/snippets/a.conf', 1],
    ['gzip', '/etc/nginx/snippets/b.conf', 1],
    ['include', '/etc/nginx/nginx.conf', 3],
  ])
})

test('a file that includes itself is not expanded forever', () => {
  const dump =
    '# configuration file /etc/nginx/nginx.conf:\ninclude /etc/nginx/nginx.conf;\nworker_processes 1;\n\n'
  expect(parseNginxDump(dump).directives.map((d) => d.name)).toEqual(['worker_processes'])
})

test('glob matching follows glob(3): no slash crossing, no hidden files, sorted', () => {
  const paths = [
    '/e/conf.d/b.conf',
    '/e/conf.d/a.conf',
    '/e/conf.d/.hidden.conf',
    '/e/conf.d/x/c.conf',
    '/e/conf.d/a.conf.bak',
  ]
  expect(matchFiles('/e/conf.d/*.conf', paths)).toEqual(['/e/conf.d/a.conf', '/e/conf.d/b.conf'])
  expect(matchFiles('/e/conf.d/[ab].conf', paths)).toEqual(['/e/conf.d/a.conf', '/e/conf.d/b.conf'])
  expect(matchFiles('/e/conf.d/[!a].conf', paths)).toEqual(['/e/conf.d/b.conf'])
  expect(matchFiles('/e/conf.d/?.conf*', paths)).toEqual([
    '/e/conf.d/a.conf',
    '/e/conf.d/a.conf.bak',
    '/e/conf.d/b.conf',
  ])
  expect(matchFiles('/e/conf.d/b.conf', paths)).toEqual(['/e/conf.d/b.conf'])
})
