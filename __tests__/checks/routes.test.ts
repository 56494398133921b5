/**
 * routes.answer on recorded facts: the good fixture's routes, and the exchanges the hostile
 * server (__tests__/e2e/hostile-server.py) gave in a real run (data/http-faults.json), put in
 * place of the good fixture's http part.
 */
import { runCatalog } from '../../src/checks/catalog'
import type { CheckResult } from '../../src/checks/lib/types'
import type { HttpExchange, Observations } from '../../src/facts/types'
import faults from '../data/http-faults.json'
import { recorded, withPart } from '../data/observations/load'

function outcome(obs: Observations): CheckResult {
  const r = runCatalog(obs).find((x) => x.id === 'routes.answer')
  if (r === undefined) throw new Error('no routes.answer')
  return r
}

const hostile = faults.http as HttpExchange[]

test('the good fixture: every route answered', () => {
  expect(outcome(recorded('good'))).toMatchObject({ status: 'passed' })
})

test('each fault of the hostile server is named, on the app port and through the proxy', () => {
  const r = outcome(withPart(recorded('good'), 'http', hostile))
  expect(r.status).toBe('failed')
  expect(r.severity).toBe('error')
  expect(r.summary).toMatch(/^GET \/endless on the app port: response larger than 8 MiB/)
  const lines = r.evidence.join('\n')
  expect(lines).toMatch(
    /GET \/never .*on the app port.*no response within the per-request timeout of 5 s/,
  )
  expect(lines).toMatch(/GET \/huge-headers .*header block too large/)
  expect(lines).toMatch(/GET \/garbage .*on the app port.*malformed HTTP response/)
  expect(lines).toMatch(/GET \/endless .*through the proxy.*response larger than 8 MiB/)
  // GET / and /healthz answered: they are not findings.
  expect(lines).not.toMatch(/GET \/ /)
  expect(lines).not.toMatch(/healthz/)
})

test('an app that exited during the run fails it, with the exit and the log tail', () => {
  const obs = recorded('good')
  const dead = {
    ...obs,
    run: { ...obs.run, appExited: { exitCode: 9, after: 'GET /die on the app port' } },
  }
  const r = outcome(dead)
  expect(r.status).toBe('failed')
  expect(r.summary).toBe(
    'the app exited with code 9 during the run (its last answer: GET /die on the app port)',
  )
  expect(r.evidence[0]).toBe('exit code 9')
})

test('no route requested: not applicable', () => {
  const onlyHealth = hostile.filter((x) => x.purpose === 'health')
  expect(outcome(withPart(recorded('good'), 'http', onlyHealth))).toMatchObject({
    status: 'skipped',
    skip_reason: 'not-applicable',
  })
})
