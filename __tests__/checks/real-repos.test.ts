/**
 * Issue 8 (points 4-6) on recordings of real runs: proxy.upstream on a port mismatch, uWSGI's
 * socket, and the readings that used to be false (an app that signs nothing, a /static/ route
 * in `routes`, a boot that hangs or exits 0, BuildKit syntax on the legacy builder).
 */
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import type { Observations } from '../../src/facts/types'
import { recorded } from '../data/observations/load'
import { result, withDockerfile } from './observations'

const legacyLog = readFileSync(
  path.join(__dirname, '..', 'data', 'docker', 'legacy-build-mount.txt'),
  'utf8',
)
  .trim()
  .split('\n')

describe('proxy.upstream', () => {
  test('a port mismatch fails with the config line, the listening port and the 502', () => {
    const r = result('proxy.upstream', recorded('port-mismatch'))
    expect(r.status).toBe('failed')
    expect(r.summary).toMatch(
      /proxy_pass http:\/\/127\.0\.0\.1:8000 does not reach the app: port 8000/,
    )
    const text = r.evidence.join('\n')
    expect(text).toMatch(/0\.0\.0\.0:5000/)
    expect(text).toMatch(/-> 502 .*through the proxy/)
    expect(r.location).toEqual({
      file: expect.stringMatching(/deploy\/nginx\.conf$/),
      line: expect.any(Number),
    })
    expect(r.fix).toMatch(/:5000/)
  })

  test('checks of the proxied app are blocked by it, not judged on nginx 502s', () => {
    const obs = recorded('port-mismatch')
    for (const id of [
      'proxy.https-urls',
      'cookies.secure',
      'proxy.host-header',
      'proxy.client-ip',
    ]) {
      expect([id, result(id, obs)]).toMatchObject([
        id,
        { status: 'skipped', skip_reason: 'blocked', blocked_by: 'proxy.upstream' },
      ])
    }
  })

  test('passes on the good fixture with the answer seen through the proxy', () => {
    const r = result('proxy.upstream', recorded('good'))
    expect(r.status).toBe('passed')
    expect(r.summary).toMatch(
      /proxy_pass http:\/\/127\.0\.0\.1:8000 reaches the app \(GET \/ -> 200/,
    )
  })

  test('uWSGI behind uwsgi_pass: the uwsgi protocol on 8080 passes', () => {
    const obs = recorded('uwsgi-socket')
    expect(obs.run.appProtocol).toBe('uwsgi')
    expect(result('boot.ready', obs).status).toBe('passed')
    expect(result('proxy.upstream', obs)).toMatchObject({
      status: 'passed',
      summary: expect.stringMatching(/uwsgi_pass 127\.0\.0\.1:8080 reaches the app/),
    })
  })

  test('proxy_pass in front of a uwsgi socket is a protocol mismatch', () => {
    const obs: Observations = {
      ...recorded('port-mismatch'),
      run: { ...recorded('port-mismatch').run, port: 8000, appProtocol: 'uwsgi' },
    }
    const boot = obs.boot as { listening?: { address: string; port: number }[] }
    boot.listening = [{ address: '0.0.0.0', port: 8000 }]
    expect(result('proxy.upstream', obs).summary).toMatch(
      /speaks HTTP, but the app port speaks the uwsgi protocol/,
    )
  })
})

describe('the false readings', () => {
  test('an app that signs nothing: secret.from-env and secret.strength are not applicable', () => {
    const obs = recorded('no-sessions')
    for (const id of ['secret.from-env', 'secret.strength']) {
      expect(result(id, obs)).toMatchObject({
        status: 'skipped',
        skip_reason: 'not-applicable',
        summary: expect.stringMatching(/signs nothing/),
      })
    }
    // The good app reads its key: judged as before.
    expect(result('secret.from-env', recorded('good')).status).toBe('passed')
  })

  test("a /static/ path in routes: the action's own app-port request is not the app serving it", () => {
    const r = result('static.served-by-proxy', recorded('static-route'))
    expect(r.status).toBe('passed')
    expect(r.evidence.join('\n')).toMatch(/action's own request on the app port aside/)
  })

  test('a hanging boot: Docker DNS is never named, and the log tail shows the wait', () => {
    const r = result('boot.ready', recorded('hanging-boot'))
    expect(r.status).toBe('failed')
    const text = [r.summary, ...r.evidence].join('\n')
    expect(text).not.toMatch(/127\.0\.0\.11/)
    expect(text).toMatch(/waiting for db:5432/)
  })

  test('exit 0 says the command finished instead of serving', () => {
    const r = result('boot.ready', recorded('exit-zero'))
    expect(r.summary).toMatch(/^exited 0 after .*: the command finished instead of serving$/)
    expect(r.evidence).toContain('migrations applied')
  })

  test('BuildKit syntax on the legacy builder is named, with its line, and the error once', () => {
    const obs = withDockerfile(
      recorded('good'),
      'FROM flask-deploy-check/python:bookworm\nRUN --mount=type=cache,target=/root/.cache echo hi\n',
    )
    obs.build = {
      ...obs.build,
      ok: false,
      exitCode: 1,
      logTail: legacyLog,
      error: legacyLog[legacyLog.length - 1],
    }
    const r = result('build.image', obs)
    expect(r.summary).toBe(
      'the Dockerfile needs BuildKit (RUN --mount at line 2), but the legacy builder ran it',
    )
    expect(r.evidence.filter((l) => l.includes('requires BuildKit'))).toHaveLength(1)
    expect(r.fix).toMatch(/buildx/)
    expect(r.location?.line).toBe(2)
  })
})
