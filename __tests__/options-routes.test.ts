/** `routes: auto` (issue 12): the probe finds the routes; `/` stays the fallback. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseOptions, UsageError } from '../src/options'

const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-routes-'))
fs.writeFileSync(path.join(ws, 'Dockerfile'), 'FROM scratch\n')
afterAll(() => fs.rmSync(ws, { recursive: true, force: true }))

const parse = (routes: string): ReturnType<typeof parseOptions> =>
  parseOptions({ routes }, { workspace: ws })

describe('the routes input', () => {
  it('auto asks the probe, with / as the fallback', () => {
    expect(parse('auto')).toMatchObject({ routesAuto: true, routes: ['/'] })
  })

  it('a list of paths is taken as given, and none means /', () => {
    expect(parse('/\n/docs')).toMatchObject({ routesAuto: false, routes: ['/', '/docs'] })
    expect(parse('')).toMatchObject({ routesAuto: false, routes: ['/'] })
  })

  it('auto is not a path among others', () => {
    expect(() => parse('/\nauto')).toThrow(UsageError)
  })
})
