import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { parseNginxError } from '../../src/facts/nginx-config'

const data = path.join(__dirname, '../data/nginx')
const stderrOf = (name: string): string => readFileSync(path.join(data, name), 'utf8')

// Captured from `nginx -t` (error log on stderr, as in Docker images) and `nginx -t -e FILE`.
describe.each(['nginx-t', 'nginx-t-e-file'])('real %s stderr', (variant) => {
  test('unknown directive: message, file and line', () => {
    expect(parseNginxError(stderrOf(`reject-syntax.${variant}.stderr.txt`))).toEqual({
      level: 'emerg',
      message: 'unknown directive "proxy_set_heade"',
      file: '/etc/nginx/conf.d/site.conf',
      line: 12,
    })
  })

  test('listen ssl without a certificate', () => {
    expect(parseNginxError(stderrOf(`reject-no-cert.${variant}.stderr.txt`))).toEqual({
      level: 'emerg',
      message: 'no "ssl_certificate" is defined for the "listen ... ssl" directive',
      file: '/etc/nginx/conf.d/site.conf',
      line: 1,
    })
  })

  test('upstream host that does not resolve', () => {
    expect(parseNginxError(stderrOf(`reject-host-not-found.${variant}.stderr.txt`))).toMatchObject({
      message: 'host not found in upstream "flask-app"',
      line: 4,
    })
  })

  test('a missing certificate file names no line', () => {
    const e = parseNginxError(stderrOf(`reject-missing-cert-file.${variant}.stderr.txt`))
    expect(e?.message).toMatch(
      /^cannot load certificate "\/etc\/letsencrypt\/live\/example.com\/fullchain.pem"/,
    )
    expect(e?.file).toBeUndefined()
    expect(e?.line).toBeUndefined()
  })
})

test('success output has no error', () => {
  const ok =
    'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n' +
    'nginx: configuration file /etc/nginx/nginx.conf test is successful\n'
  expect(parseNginxError(ok)).toBeUndefined()
})

test('warnings are skipped; the first error wins', () => {
  const stderr =
    'nginx: [warn] the "http2" directive is deprecated in /etc/nginx/conf.d/a.conf:3\n' +
    'nginx: [emerg] invalid number of arguments in "listen" directive in /etc/nginx/conf.d/a.conf:7\n'
  expect(parseNginxError(stderr)).toEqual({
    level: 'emerg',
    message: 'invalid number of arguments in "listen" directive',
    file: '/etc/nginx/conf.d/a.conf',
    line: 7,
  })
})
