/**
 * proxy.timeouts and proxy.body-size behind uwsgi_pass (uwsgi_read_timeout, harakiri), and
 * Gunicorn's timeout as the running server resolved it from its -c config file (the probe's
 * workerTimeout). Recorded runs; a branch no fixture reaches changes the probe part (withPart).
 */
import { runCatalog } from '../../src/checks/catalog'
import type { CheckResult } from '../../src/checks/lib/types'
import type { Observations, ProbeWorkerTimeout } from '../../src/facts/types'
import { recorded, withPart } from '../data/observations/load'

function outcome(obs: Observations, id: string): CheckResult {
  const r = runCatalog(obs).find((x) => x.id === id)
  if (r === undefined) throw new Error(`no ${id}`)
  return r
}

/** The recording with every probe answer reporting this worker timeout. */
function withWorkerTimeout(obs: Observations, t: ProbeWorkerTimeout | null): Observations {
  const probe = obs.probe
  if ('unavailable' in probe) throw new Error('the recording has no probe answers')
  const answers = probe.answers.map((a) => ({ ...a, workerTimeout: t }))
  return withPart(obs, 'probe', { answers })
}

describe('behind uwsgi_pass (uwsgi-socket)', () => {
  const uwsgi = (): Observations => recorded('uwsgi-socket')

  it("compares uwsgi_read_timeout's default 60s with harakiri from uWSGI's options", () => {
    const r = outcome(
      withWorkerTimeout(uwsgi(), { server: 'uwsgi', harakiri: 30 }),
      'proxy.timeouts',
    )
    expect(r.status).toBe('passed')
    expect(r.summary).toBe(
      'uwsgi_read_timeout 60 s >= the worker timeout 30 s (uWSGI harakiri = 30 (its options))',
    )
    expect(r.evidence[0]).toMatch(
      /^uwsgi_read_timeout not set for location \/ \(__tests__\/fixtures\/uwsgi-socket\/deploy\/nginx\.conf:\d+\): nginx's default 60s$/,
    )
  })

  it('fails a harakiri above it, with the uwsgi_read_timeout to set', () => {
    const r = outcome(
      withWorkerTimeout(uwsgi(), { server: 'uwsgi', harakiri: 120 }),
      'proxy.timeouts',
    )
    expect(r.status).toBe('failed')
    expect(r.fix).toMatch(
      /^set uwsgi_read_timeout 125s; in the location that proxies to the app \(\/\)/,
    )
    expect(r.location?.file).toBe('__tests__/fixtures/uwsgi-socket/deploy/nginx.conf')
  })

  it('skips uWSGI without harakiri: no worker timeout to compare', () => {
    const r = outcome(
      withWorkerTimeout(uwsgi(), { server: 'uwsgi', harakiri: null }),
      'proxy.timeouts',
    )
    expect(r).toMatchObject({ status: 'skipped', skip_reason: 'not-applicable' })
  })

  it('judges client_max_body_size of the uwsgi_pass location (the app sets no MAX_CONTENT_LENGTH)', () => {
    const r = outcome(uwsgi(), 'proxy.body-size')
    expect(r.status).toBe('passed')
    expect(r.evidence[0]).toMatch(/^client_max_body_size not set for location \//)
  })
})

describe("Gunicorn's -c config file", () => {
  it('is read as Gunicorn resolved it (gunicorn-config-timeout: timeout = 120)', () => {
    const r = outcome(recorded('gunicorn-config-timeout'), 'proxy.timeouts')
    expect(r.status).toBe('failed')
    expect(r.evidence).toContain(
      "worker timeout: Gunicorn's timeout 120 (from its config file gunicorn.conf.py)",
    )
  })

  it("falls back to Gunicorn's default and says the file was not read without the probe", () => {
    const obs = withPart(recorded('gunicorn-config-timeout'), 'probe', {
      unavailable: 'introspect is off',
    })
    const r = outcome(obs, 'proxy.timeouts')
    expect(r.status).toBe('passed')
    expect(r.evidence).toContain(
      "worker timeout: Gunicorn's default --timeout 30 (its config file gunicorn.conf.py could not be read: no probe answer)",
    )
  })
})
