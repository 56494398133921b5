/**
 * The probe's workerTimeout and autoRoutes fields (issue 12), read from a recorded answer with
 * the values recorded runs of routes-auto, uwsgi-socket and gunicorn-config-timeout got from it.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { interpretProbe } from '../../src/probe/introspect'
import { recorded } from '../data/observations/load'

const base = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'data', 'probe', 'proxyfix.json'), 'utf8'),
) as { token: string; body: Record<string, unknown> }

function read(extra: Record<string, unknown>): ReturnType<typeof interpretProbe> {
  const body = JSON.stringify({ ...base.body, ...extra })
  return interpretProbe(body, 'app', {}, { token: base.token })
}

const autoRoutes = recorded('routes-auto').run.autoRoutes
const uwsgiProbe = recorded('uwsgi-socket').probe
const gunicornProbe = recorded('gunicorn-config-timeout').probe

describe('interpretProbe: routes: auto and the worker timeout', () => {
  it('keeps the rules found and passed over as the probe sent them', () => {
    expect(read({ autoRoutes })?.autoRoutes).toEqual(autoRoutes)
  })

  it('drops a found path the proxy stage could not request as one path', () => {
    if (!autoRoutes || 'unavailable' in autoRoutes) throw new Error('no routes recorded')
    const found = [...autoRoutes.found, { rule: '/a b', endpoint: 'x', path: '/a b' }]
    const got = read({ autoRoutes: { ...autoRoutes, found } })?.autoRoutes
    expect(got?.found.map((f) => f.path)).toEqual(autoRoutes.found.map((f) => f.path))
  })

  it("reads uWSGI's harakiri and Gunicorn's timeout, and null under another server", () => {
    if ('unavailable' in uwsgiProbe || 'unavailable' in gunicornProbe) throw new Error('no probe')
    const t = uwsgiProbe.answers[0].workerTimeout
    expect(read({ workerTimeout: t })?.workerTimeout).toEqual({ server: 'uwsgi', harakiri: 30 })
    const gunicorn = gunicornProbe.answers[0].workerTimeout
    expect(read({ workerTimeout: gunicorn })?.workerTimeout).toEqual({
      server: 'gunicorn',
      timeout: 120,
      configFile: 'gunicorn.conf.py',
    })
    expect(read({ workerTimeout: null })?.workerTimeout).toBeNull()
    expect(read({})?.workerTimeout).toBeUndefined()
  })
})
