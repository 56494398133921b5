import { reportFailureMessage, stepFailureMessage } from '../../src/report/verdict-text'
import { recordedReport, rejudged, withoutSkipReasons } from './recorded'

const BOOT_CAUSE =
  'blocked by boot.ready: container did not become ready: the container exited with code 3 after 0.8 s'

test('a boot failure: the failed check, then the error checks it left unchecked and why', () => {
  expect(stepFailureMessage(rejudged('crash-on-boot', 'error'), 'error')).toBe(
    "1 check(s) failed under fail-on 'error': boot.ready (error); " +
      `11 error check(s) could not be checked (${BOOT_CAUSE}): server.production-wsgi, ` +
      'health.endpoint, proxy.https-urls, proxy.forwarded-headers, proxy.config-valid, tls.hsts, ' +
      'cookies.secure, config.debug-off, secret.from-env, secret.strength, static.alias-traversal. ' +
      'The job summary has the evidence and the fix for each.',
  )
})

test('a rejected nginx config: the proxy checks it blocked, one cause for all of them', () => {
  const message = stepFailureMessage(rejudged('invalid-nginx', 'warning'), 'warning')
  expect(message).toBe(
    "1 check(s) failed under fail-on 'warning': proxy.config-valid (error); " +
      '5 error check(s) could not be checked (blocked by proxy.config-valid: nginx rejected the ' +
      'configuration: unknown directive "includeSubDomains" ' +
      '(__tests__/fixtures/invalid-nginx/deploy/nginx.conf:35)): proxy.https-urls, ' +
      'proxy.forwarded-headers, tls.hsts, cookies.secure, static.alias-traversal. ' +
      'The job summary has the evidence and the fix for each.',
  )
})

test('blocked error checks alone make the message when no failure is at fail-on', () => {
  const report = rejudged('build-failed', 'error', { 'build.image': { severity: 'warning' } })
  const message = stepFailureMessage(report, 'error')
  expect(message).toMatch(
    /^13 error check\(s\) could not be checked \(blocked by build\.image: the image did not build\): image\.no-baked-secrets, boot\.ready, /,
  )
  expect(message).not.toContain('failed under')
})

test("comment-only repeats the report's own verdict, blocked checks included", () => {
  expect(reportFailureMessage(recordedReport('crash-on-boot'))).toMatch(
    /^the report's verdict is fail \(1 failed check\(s\): boot\.ready; 11 error check\(s\) could not be checked \(blocked by boot\.ready: .*\): server\.production-wsgi, .*static\.alias-traversal\)$/,
  )
  // A report from before skip_reason has no blocked checks to name.
  expect(reportFailureMessage(withoutSkipReasons(recordedReport('crash-on-boot')))).toBe(
    "the report's verdict is fail (1 failed check(s): boot.ready)",
  )
})
