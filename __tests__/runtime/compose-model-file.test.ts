/**
 * The model the dependencies start from (recorded compose-good model): everything labelled with
 * the run, the dependencies' host ports dropped, the rest as compose read it.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parseComposeConfig } from '../../src/facts/compose'
import { labelledModel } from '../../src/runtime/compose-model-file'
import type { ComposePlan } from '../../src/runtime/compose-plan'

const model = parseComposeConfig(
  fs.readFileSync(path.join(__dirname, '..', 'data', 'compose', 'compose-good.json'), 'utf8'),
)
const plan = { model, dependencies: ['db'] } as unknown as ComposePlan

test('every service, network and volume carries the run label; the model given is untouched', () => {
  const m = labelledModel(plan, 'abc123')
  const run = { 'flask-deploy-check': '1', 'flask-deploy-check.run': 'abc123' }
  for (const svc of Object.values(m.services)) expect(svc.labels).toMatchObject(run)
  expect(m.networks?.default.labels).toEqual(run)
  expect(m.volumes?.pgdata.labels).toEqual(run)
  expect(model.services.db.labels).toBeUndefined()
})

test("the dependencies publish no host port (db's 5432:5432 is gone); the rest is as read", () => {
  const m = labelledModel(plan, 'abc123')
  expect(model.services.db.ports).toHaveLength(1)
  expect(m.services.db.ports).toBeUndefined()
  expect(m.services.db.environment).toEqual(model.services.db.environment)
  expect(m.services.web.ports).toEqual(model.services.web.ports)
})
