/**
 * The Observatory's score and letter (algorithm 4, @mdn/mdn-http-observatory grader/charts.js
 * and scanner/index.js): start at 100, add every test's modifier; bonuses count only when the
 * score without them is at least 90; round down to a multiple of 5 for the letter. Pure.
 */
import { cookiesTest, subresourceIntegrityTest } from './cookies'
import { cspTest } from './csp'
import type { ScanInput } from './input'
import {
  crossOriginResourcePolicyTest,
  hstsTest,
  redirectionTest,
  referrerPolicyTest,
  xContentTypeOptionsTest,
  xFrameOptionsTest,
} from './tests'

export const ALGORITHM_VERSION = 4

/** Expectation -> score modifier (SCORE_TABLE). */
export const MODIFIERS: Record<string, number> = {
  'csp-implemented-with-no-unsafe-default-src-none': 10,
  'csp-implemented-with-no-unsafe': 5,
  'csp-implemented-with-unsafe-inline-in-style-src-only': 0,
  'csp-implemented-with-insecure-scheme-in-passive-content-only': -10,
  'csp-implemented-with-unsafe-eval': -10,
  'csp-implemented-with-unsafe-inline': -20,
  'csp-implemented-with-insecure-scheme': -20,
  'csp-header-invalid': -25,
  'csp-not-implemented': -25,
  'csp-not-implemented-but-reporting-enabled': -25,
  'csp-implemented-but-duplicate-directives': 0,
  'cookies-secure-with-httponly-sessions-and-samesite': 5,
  'cookies-secure-with-httponly-sessions': 0,
  'cookies-not-found': 0,
  'cookies-without-secure-flag-but-protected-by-hsts': -5,
  'cookies-session-without-secure-flag-but-protected-by-hsts': -10,
  'cookies-without-secure-flag': -20,
  'cookies-samesite-flag-invalid': -20,
  'cookies-anticsrf-without-samesite-flag': -20,
  'cookies-session-without-httponly-flag': -30,
  'cookies-session-without-secure-flag': -40,
  'cross-origin-resource-sharing-not-implemented': 0,
  'redirection-to-https': 0,
  'redirection-not-needed-no-http': 0,
  'redirection-off-host-from-http': -5,
  'redirection-not-to-https-on-initial-redirection': -10,
  'redirection-not-to-https': -20,
  'redirection-missing': -20,
  'referrer-policy-private': 5,
  'referrer-policy-not-implemented': 0,
  'referrer-policy-unsafe': -5,
  'referrer-policy-header-invalid': -5,
  'hsts-implemented-max-age-at-least-six-months': 0,
  'hsts-implemented-max-age-less-than-six-months': -10,
  'hsts-not-implemented': -20,
  'hsts-header-invalid': -20,
  'hsts-not-implemented-no-https': -20,
  'sri-implemented-and-all-scripts-loaded-securely': 5,
  'sri-implemented-and-external-scripts-loaded-securely': 5,
  'sri-not-implemented-response-not-html': 0,
  'sri-not-implemented-but-no-scripts-loaded': 0,
  'sri-not-implemented-but-all-scripts-loaded-from-secure-origin': 0,
  'sri-not-implemented-but-external-scripts-loaded-securely': -5,
  'sri-implemented-but-external-scripts-not-loaded-securely': -20,
  'sri-not-implemented-and-external-scripts-not-loaded-securely': -50,
  'x-content-type-options-nosniff': 0,
  'x-content-type-options-not-implemented': -5,
  'x-content-type-options-header-invalid': -5,
  'x-frame-options-implemented-via-csp': 5,
  'x-frame-options-sameorigin-or-deny': 0,
  'x-frame-options-allow-from-origin': 0,
  'x-frame-options-not-implemented': -20,
  'x-frame-options-header-invalid': -20,
  'corp-header-invalid': -5,
  'corp-implemented-with-cross-origin': 0,
  'corp-implemented-with-same-origin': 10,
  'corp-implemented-with-same-site': 10,
  'corp-not-implemented': 0,
}

const BANDS: [number, string][] = [
  [100, 'A+'],
  [90, 'A'],
  [85, 'A-'],
  [80, 'B+'],
  [70, 'B'],
  [65, 'B-'],
  [60, 'C+'],
  [50, 'C'],
  [45, 'C-'],
  [40, 'D+'],
  [30, 'D'],
  [25, 'D-'],
  [0, 'F'],
]
const EXTRA_CREDIT_FROM = 90

/** getGradeForScore: the letter of a score (floored at 0, above 100 is A+). */
export function letterOf(score: number): string {
  const key = Math.min(Math.max(score, 0) - (Math.max(score, 0) % 5), 100)
  return BANDS.find(([from]) => key >= from)?.[1] ?? 'F'
}

/** One test's outcome: its name in the Observatory, the expectation met and its modifier. */
export interface TestOutcome {
  test: string
  result: string
  modifier: number
}

/** The ten tests in the scanner's order (ALL_TESTS). */
export function runTests(scan: ScanInput): TestOutcome[] {
  const hsts = hstsTest(scan)
  const results: [string, string][] = [
    ['content-security-policy', cspTest(scan.auto).result],
    ['cookies', cookiesTest(scan, hsts === 'hsts-implemented-max-age-at-least-six-months')],
    // No CORS preflight is recorded: scored as the Observatory scores no Access-Control-Allow-Origin.
    ['cross-origin-resource-sharing', 'cross-origin-resource-sharing-not-implemented'],
    ['redirection', redirectionTest(scan)],
    ['referrer-policy', referrerPolicyTest(scan)],
    ['strict-transport-security', hsts],
    ['subresource-integrity', subresourceIntegrityTest(scan)],
    ['x-content-type-options', xContentTypeOptionsTest(scan)],
    ['x-frame-options', xFrameOptionsTest(scan)],
    ['cross-origin-resource-policy', crossOriginResourcePolicyTest(scan)],
  ]
  return results.map(([test, result]) => ({ test, result, modifier: MODIFIERS[result] ?? 0 }))
}

export interface Grade {
  score: number
  grade: string
  tests: TestOutcome[]
}

/** The scanner's score: bonuses only when the penalties alone leave at least 90. */
export function gradeOf(scan: ScanInput): Grade {
  const tests = runTests(scan)
  const withCredit = 100 + tests.reduce((s, t) => s + t.modifier, 0)
  const uncurved = 100 + tests.reduce((s, t) => s + Math.min(t.modifier, 0), 0)
  const raw = uncurved >= EXTRA_CREDIT_FROM ? withCredit : uncurved
  const score = Math.max(raw, 0)
  return { score, grade: letterOf(score), tests }
}
