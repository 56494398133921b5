/**
 * The systemd.* checks on the recorded host-mode runs of systemd-good and systemd-defect (and a
 * docker run, where they do not apply), with unit-file line locations and no secret value.
 */
import { runCatalog } from '../../src/checks/catalog'
import type { CheckResult } from '../../src/checks/lib/types'
import { HOST_CASES, HOST_GOOD, HOST_ONLY, NOT_IN_HOST_MODE } from '../e2e/cases'
import { recorded, withPart } from '../data/observations/load'

const UNIT = '__tests__/fixtures/systemd-defect/deploy/myapp.service'
const byId = (obs: ReturnType<typeof recorded>): Map<string, CheckResult> =>
  new Map(runCatalog(obs).map((r) => [r.id, r]))

test('the good unit passes every check but build.* and image.*, which are not applicable', () => {
  const results = runCatalog(recorded(HOST_GOOD))
  expect(results.filter((r) => r.status !== 'passed').map((r) => [r.id, r.skip_reason])).toEqual(
    NOT_IN_HOST_MODE.map((id) => [id, 'not-applicable']),
  )
})

test('the defect unit fails exactly the systemd.* checks, each at its unit-file line', () => {
  const results = byId(recorded('systemd-defect'))
  const failed = [...results.values()].filter((r) => r.status === 'failed').map((r) => r.id)
  expect(failed).toEqual(Object.keys(HOST_CASES[0].expect))
  expect(results.get('systemd.user')).toMatchObject({
    severity: 'warning',
    summary: 'the unit has no User=: systemd runs the server as root',
    location: { file: UNIT, line: 12 },
  })
  expect(results.get('systemd.restart')).toMatchObject({
    summary: 'Restart=no: a crashed server stays down',
    location: { file: UNIT, line: 14 },
  })
  expect(results.get('systemd.secrets')).toMatchObject({
    severity: 'error',
    summary: "2 secrets written into the unit's environment: SECRET_KEY, DATABASE_URL",
    evidence: [
      'Environment= line 9: SECRET_KEY (48 characters, value not shown)',
      'Environment= line 9: DATABASE_URL (a URL with a password, value not shown)',
    ],
    location: { file: UNIT, line: 9 },
  })
  expect(results.get('systemd.bind-local')).toMatchObject({
    summary: 'the server binds 0.0.0.0:8000: it is reachable without the proxy',
    location: { file: UNIT, line: 12 },
  })
})

test('a docker run has no unit: every systemd.* check is not applicable', () => {
  const results = byId(recorded('good'))
  for (const id of HOST_ONLY)
    expect(results.get(id)).toMatchObject({ status: 'skipped', skip_reason: 'not-applicable' })
})

test('bind-local follows Gunicorn: a config file bind is located in that file; root and unix sockets', () => {
  const obs = recorded('systemd-defect')
  const unit = obs.unit as Exclude<typeof obs.unit, { unavailable: string }>
  const fromConfig = withPart(obs, 'unit', {
    ...unit,
    user: { value: 'root', line: 3 },
    bind: {
      addresses: ['unix:/run/app.sock'],
      source: 'gunicorn.conf.py',
      file: 'gunicorn.conf.py',
      line: 2,
    },
  })
  const results = byId(fromConfig)
  expect(results.get('systemd.bind-local')).toMatchObject({
    status: 'passed',
    location: { file: 'gunicorn.conf.py', line: 2 },
  })
  expect(results.get('systemd.user')).toMatchObject({
    status: 'failed',
    summary: 'the unit runs the server as root (User=root)',
    location: { file: UNIT, line: 3 },
  })
})

test('a committed EnvironmentFile= holding a secret fails systemd.secrets, by name only', () => {
  const obs = recorded(HOST_GOOD)
  const unit = obs.unit as Exclude<typeof obs.unit, { unavailable: string }>
  const results = byId(
    withPart(obs, 'unit', {
      ...unit,
      environmentFiles: [
        {
          path: '/srv/myapp/.env',
          optional: false,
          line: 13,
          inRepo: true,
          vars: [{ name: 'API_TOKEN', valueLength: 40, urlWithCredentials: false, line: 13 }],
        },
      ],
    }),
  )
  expect(results.get('systemd.secrets')).toMatchObject({
    status: 'failed',
    evidence: [
      '/srv/myapp/.env (committed, EnvironmentFile= line 13): API_TOKEN (40 characters, value not shown)',
    ],
  })
})
