/**
 * The `nginx -T` verdict both nginx stages (docker and host) read through readTest: when a
 * template variable was left unset, the refusal says to give it in proxy-env. nginx's stderr is
 * the recorded one of the runner's nginx for that very config (__tests__/data/nginx).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import type { RunResult } from '../../src/exec'
import { discoverNginxConfig } from '../../src/proxy/discover'
import { planProxy } from '../../src/proxy/plan'
import { initialFacts, readTest, rejectedStage } from '../../src/runtime/proxy/config-facts'

const DATA = path.join(__dirname, '../data/nginx')
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

/** A repository whose only nginx file is `rel`, holding the capture case's site.conf. */
function repoWith(rel: string, caseName: string): string {
  const ws = mkdtempSync(path.join(tmpdir(), 'fdc-config-facts-'))
  dirs.push(ws)
  mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true })
  writeFileSync(
    path.join(ws, rel),
    readFileSync(path.join(DATA, 'cases', caseName, 'site.conf'), 'utf8'),
  )
  return ws
}

/** The stage's facts before `nginx -T`, as the host stage builds them (upstreams at loopback). */
function factsOf(ws: string): ReturnType<typeof initialFacts> {
  const found = discoverNginxConfig({ nginxConfig: 'auto', context: ws, workspace: ws })
  if (!found) throw new Error('no nginx config found')
  const plan = planProxy(found.text, '127.0.0.1', found.path, { addTls: true })
  return initialFacts(found, plan, 'example.com', [], [])
}

const refused = (stderrFile: string): RunResult => ({
  exitCode: 1,
  stdout: '',
  stderr: readFileSync(path.join(DATA, stderrFile), 'utf8'),
  ms: 12,
  timedOut: false,
  truncated: false,
})

test('a refusal with an unset template variable names it and says to give it in proxy-env', () => {
  const facts = factsOf(repoWith('nginx/default.conf.template', 'reject-unset-template-var'))
  const rejected = readTest(
    facts,
    refused('reject-unset-template-var.host-nginx-T.stderr.txt'),
    (f) => f,
  )
  expect(facts.test).toEqual({
    ok: false,
    message:
      'unknown "flask_server_addr" variable (template variable ${FLASK_SERVER_ADDR} is not set: give it in proxy-env)',
  })
  expect(rejectedStage(facts, rejected as string, { testMs: 12 }).proxy).toEqual({
    unavailable:
      'nginx rejected the configuration: unknown "flask_server_addr" variable; ${FLASK_SERVER_ADDR} not set in proxy-env',
    blockedBy: 'proxy.config-valid',
  })
})

test('a refusal of a config without template variables carries no proxy-env hint', () => {
  const facts = factsOf(repoWith('deploy/nginx.conf', 'reject-host-not-found'))
  const rejected = readTest(facts, refused('reject-host-not-found.nginx-t.stderr.txt'), (f) =>
    f === '/etc/nginx/conf.d/site.conf' ? 'deploy/nginx.conf' : f,
  )
  expect(rejected).toBe('host not found in upstream "flask-app" (deploy/nginx.conf:4)')
  expect(facts.test.message).toBe('host not found in upstream "flask-app"')
})
