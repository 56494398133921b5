import { annotationsFor } from '../../src/report/annotations'
import { recordedReport, rejudged } from './recorded'
import { sampleReport } from './sample'

test('failed results with a location become annotations at their severity', () => {
  const annotations = annotationsFor(sampleReport(), 'error')
  expect(annotations).toEqual([
    {
      level: 'warning',
      title: '[web] image.non-root: Server does not run as root',
      message: [
        'server runs as uid 0, ping @org/team',
        '  Config.User is empty',
        '  log: [x](javascript:alert(1)) ![i](http://x/y.png)',
        'Fix: add `USER app` after installing dependencies',
        '(does not fail the step under fail-on: error)',
      ].join('\n'),
      file: 'Dockerfile',
      startLine: 9,
    },
    {
      level: 'error',
      title: '[web] tls.hsts: HSTS on every HTTPS response',
      message: [
        '/login has no Strict-Transport-Security header <img src=x onerror=alert(1)>',
        '  GET https://example.com/login -> 200',
        '  no Strict-Transport-Security header',
        'Fix: add `add_header Strict-Transport-Security "max-age=31536000" always;` in that location',
      ].join('\n'),
      file: 'deploy/nginx.conf',
      startLine: 12,
    },
  ])
})

test('a failure without a location, a pass or a skip gives no annotation', () => {
  const report = sampleReport({
    'tls.hsts': { status: 'passed' },
    'image.non-root': { status: 'skipped' },
    'proxy.rate-limit': { status: 'failed', location: undefined },
  })
  expect(annotationsFor(report, 'warning')).toEqual([])
})

test('a notice stays a notice; a file-only location has no line; controls are stripped', () => {
  const report = sampleReport({
    'tls.hsts': { status: 'passed' },
    'image.non-root': { status: 'passed' },
    'health.no-session': {
      location: { file: 'app.py' },
      summary: 'sets\x1b[31m a cookie\r\nagain',
    },
  })
  const [a] = annotationsFor(report, 'warning')
  expect(a).toEqual({
    level: 'notice',
    title: '[web] health.no-session: Health endpoint sets no cookie and is not cached',
    message: [
      'sets a cookie again',
      '  Set-Cookie: session=abc; HttpOnly',
      'Fix: do not touch the session in the health view',
      '(does not fail the step under fail-on: warning)',
    ].join('\n'),
    file: 'app.py',
  })
})

test('a rejected nginx config: its annotation names the checks it left unchecked', () => {
  const [a, ...rest] = annotationsFor(recordedReport('invalid-nginx'), 'error')
  expect(rest).toEqual([])
  expect(a).toMatchObject({
    level: 'error',
    title: '[web] proxy.config-valid: nginx accepts the configuration',
    file: '__tests__/fixtures/invalid-nginx/deploy/nginx.conf',
    startLine: 35,
  })
  expect(a.message.split('\n').at(-1)).toBe(
    'Because of this, 11 could not be checked (5 errors): proxy.https-urls, proxy.client-ip, ' +
      'proxy.forwarded-headers, tls.hsts, tls.https-redirect, cookies.secure, ' +
      'static.served-by-proxy, proxy.host-header, static.alias-traversal, proxy.rate-limit, ' +
      'proxy.forwarded-spoof',
  )
})

test('a build failure at Dockerfile line 5 carries the 25 checks it blocked', () => {
  const [a] = annotationsFor(recordedReport('build-failed'), 'error')
  expect(a).toMatchObject({ file: '__tests__/fixtures/no-requirements/Dockerfile', startLine: 5 })
  expect(a.message).toMatch(
    /\nBecause of this, 25 could not be checked \(13 errors\): image\.no-baked-secrets, /,
  )
})

test('a located warning whose blocked error checks fail the step does not claim otherwise', () => {
  const edit = { 'proxy.config-valid': { severity: 'warning' as const } }
  const [a] = annotationsFor(rejudged('invalid-nginx', 'error', edit), 'error')
  expect(a.level).toBe('warning')
  expect(a.message).not.toContain('does not fail the step')
  const [never] = annotationsFor(rejudged('invalid-nginx', 'never', edit), 'never')
  expect(never.message.split('\n').at(-1)).toBe('(does not fail the step under fail-on: never)')
})

test('a boot failure has no file line to point at: no annotation (the step message names it)', () => {
  expect(annotationsFor(recordedReport('crash-on-boot'), 'error')).toEqual([])
})
