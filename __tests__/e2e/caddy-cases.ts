/**
 * The Caddy fixtures (issue 10): the good app with a deploy/Caddyfile instead of the nginx
 * config (caddy-good: every check passes or does not apply), and that Caddyfile with one
 * defect. caddy.e2e.test.ts runs them; fixtures.test.ts keeps them copies of good.
 */
import type { DefectCase } from './cases'

/** Caddy's standard build has no rate limiter: the check does not apply to a Caddyfile. */
export const CADDY_NOT_APPLICABLE = ['proxy.rate-limit'] as const

/** The image that runs Caddy in the tests: Debian's caddy 2.6.2, offline (scripts/provision.sh). */
export const CADDY_TEST_IMAGE = process.env.FDC_CADDY_IMAGE || 'flask-deploy-check/caddy:bookworm'

export const CADDY_GOOD: DefectCase = {
  fixture: 'caddy-good',
  defect: 'none: the good app behind Caddy (deploy/Caddyfile) instead of nginx',
  expect: { 'proxy.rate-limit': 'skip' },
  changedFiles: ['deploy/Caddyfile', 'deploy/nginx.conf'],
  exitCode: 0,
  configFile: 'deploy/Caddyfile',
  inputs: { 'proxy-image': CADDY_TEST_IMAGE },
}

export const CADDY_CASES: DefectCase[] = [
  CADDY_GOOD,
  {
    fixture: 'caddy-no-hsts',
    defect: "the Caddyfile's header block sets no Strict-Transport-Security (Caddy adds none)",
    expect: { 'tls.hsts': 'fail', 'proxy.rate-limit': 'skip' },
    changedFiles: ['deploy/Caddyfile', 'deploy/nginx.conf'],
    exitCode: 1,
    configFile: 'deploy/Caddyfile',
    inputs: { 'proxy-image': CADDY_TEST_IMAGE },
    configLine: { 'tls.hsts': /^example\.com \{/ },
    evidence: { 'tls.hsts': [/no Strict-Transport-Security/, /header Strict-Transport-Security/] },
  },
]
