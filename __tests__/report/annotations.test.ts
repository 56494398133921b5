import { annotationsFor } from '../../src/report/annotations'
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
