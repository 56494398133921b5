/**
 * End to end: compose projects (compose-file) through the bundled action on the real engine with
 * Compose v2. Each fixture under __tests__/fixtures/compose-* gives exactly its outcome; the
 * faults are one clear line or a failed boot.ready naming the dependency; and after every run,
 * a killed one included, no container, network or volume of the run is left.
 *
 * Offline the fixtures use the stand-ins (POSTGRES_IMAGE and the python image with psycopg2) by
 * interpolation; where a registry answers, FDC_POSTGRES_IMAGE / FDC_BASE_PG_IMAGE may name the
 * real images (postgres:16, python:3.12-slim).
 */
import * as fs from 'node:fs'
import { CATALOG_IDS, HOST_ONLY } from './cases'
import {
  docker,
  labelledObjects,
  parseCommandFile,
  runAction,
  runPost,
  startAction,
  type ActionResult,
} from './run-action'
import { check, reportOf, textOf } from './report-checks'

const RUN_MS = 4 * 60_000
const POSTGRES_IMAGE = process.env.FDC_POSTGRES_IMAGE || 'flask-deploy-check/postgres:bookworm'
const BASE_PG_IMAGE = process.env.FDC_BASE_PG_IMAGE || 'flask-deploy-check/python-pg:bookworm'
const RUN_LABEL = 'flask-deploy-check.run'

const fixture = (name: string): string => `__tests__/fixtures/${name}/docker-compose.yml`
const override = (name: string): string => `__tests__/e2e/compose-overrides/${name}.yml`
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

const runs = new Map<string, Promise<ActionResult>>()
/** Runs the action on a compose project once per inputs (later callers share the result). */
function runCompose(files: string[], inputs: Record<string, string> = {}): Promise<ActionResult> {
  const all = {
    'compose-file': files.join('\n'),
    'build-args': `BASE=${BASE_PG_IMAGE}`,
    'boot-timeout': '30',
    ...inputs,
  }
  const key = JSON.stringify(all)
  let run = runs.get(key)
  if (run === undefined) {
    run = runAction({ label: files[0], inputs: all, env: { POSTGRES_IMAGE } })
    runs.set(key, run)
  }
  return run
}

/** Containers, networks and volumes carrying the run's label. */
function leftoversOf(runId: string): string[] {
  const volumes = docker(['volume', 'ls', '-q', '--filter', `label=${RUN_LABEL}=${runId}`])
  return [
    ...labelledObjects(runId).map((o) => `${o.kind} ${o.name}`),
    ...volumes
      .split('\n')
      .filter(Boolean)
      .map((v) => `volume ${v}`),
  ]
}

function runIdOf(run: ActionResult): string {
  const id = run.state.runId
  if (!id) throw new Error('the main step saved no runId')
  return id
}

const failed = (run: ActionResult): string[] =>
  reportOf(run)
    .checks.filter((c) => c.status === 'failed')
    .map((c) => c.id)

/** Projects that must pass every check, through their own nginx service's config. */
const PASSING: { fixture: string; why: string; config: string; inputs?: Record<string, string> }[] =
  [
    { fixture: 'compose-good', why: 'web + db + nginx service', config: 'nginx/nginx.conf' },
    {
      fixture: 'compose-wait-for-db',
      why: 'an entrypoint that waits for db itself',
      config: 'nginx/nginx.conf',
    },
    {
      fixture: 'compose-nginx-build',
      why: 'an nginx service with its own build context',
      config: 'nginx/nginx.conf',
    },
    {
      fixture: 'compose-secret-file',
      why: 'the database password as a compose secret',
      config: 'nginx/nginx.conf',
    },
    {
      fixture: 'compose-two-builds',
      why: 'two built services, compose-service naming one',
      config: 'nginx/nginx.conf',
      inputs: { 'compose-service': 'web' },
    },
  ]

describe.each(PASSING)('the $fixture project ($why)', ({ fixture: name, config, inputs }) => {
  let run: ActionResult
  beforeAll(async () => {
    run = await runCompose([fixture(name)], inputs)
  }, RUN_MS)

  it('passes every check of the catalog', () => {
    expect({ exit: run.exitCode, failed: failed(run) }).toEqual({ exit: 0, failed: [] })
    // The systemd.* checks judge a unit file: not applicable to a compose project.
    const skipped = reportOf(run).checks.filter((c) => c.status === 'skipped')
    expect(skipped.map((c) => c.id)).toEqual([...HOST_ONLY])
    expect(skipped.every((c) => c.skip_reason === 'not-applicable')).toBe(true)
    expect(
      reportOf(run)
        .checks.map((c) => c.id)
        .sort(),
    ).toEqual([...CATALOG_IDS].sort())
  })

  it('reports the compose runtime, the service, its dependencies and the nginx service config', () => {
    const { target } = reportOf(run)
    expect(target.runtime).toBe('compose')
    expect(target.compose?.service).toBe('web')
    expect(target.compose?.dependencies.map((d) => [d.service, d.ok])).toEqual([['db', true]])
    expect(target.proxy?.config).toBe(`__tests__/fixtures/${name}/${config}`)
    // Named as the nginx service's, not as if the nginx-config input had given it.
    const evidence = check(run, 'proxy.config-valid').evidence.join('\n')
    expect(evidence).toMatch(/\(compose service nginx\)/)
    expect(evidence).not.toMatch(/\(nginx-config\)/)
    expect(check(run, 'proxy.upstream').summary).toMatch(/web:8000 reaches the app/)
  })

  it('leaves no container, network or volume of the run', () => {
    expect(leftoversOf(runIdOf(run))).toEqual([])
  })
})

describe('the compose-secret-file project', () => {
  it(
    'never shows the secret file in the log, the summary or the report',
    async () => {
      const run = await runCompose([fixture('compose-secret-file')])
      const secret = fs
        .readFileSync('__tests__/fixtures/compose-secret-file/secrets/db_password.txt', 'utf8')
        .trim()
      for (const surface of [run.log, run.summary, JSON.stringify(run.report)])
        expect(surface).not.toContain(secret)
    },
    RUN_MS,
  )
})

describe('a weak SECRET_KEY written in the compose file', () => {
  it(
    'fails secret.strength, and nothing else',
    async () => {
      const run = await runCompose([fixture('compose-weak-secret')])
      expect({ exit: run.exitCode, failed: failed(run) }).toEqual({
        exit: 1,
        failed: ['secret.strength'],
      })
      expect(textOf(check(run, 'secret.strength'))).toMatch(/\bdev\b/)
      expect(leftoversOf(runIdOf(run))).toEqual([])
    },
    RUN_MS,
  )
})

/** Bad input: one line naming the problem, nothing built or started. */
const USAGE: { name: string; files: string[]; inputs?: Record<string, string>; says: RegExp }[] = [
  {
    name: 'a missing env_file',
    files: [fixture('compose-missing-env-file')],
    says: /does not validate: env file .*config\/production\.env not found/,
  },
  {
    name: 'two services that run Gunicorn, compose-service auto',
    files: [fixture('compose-two-builds')],
    says: /several compose services run a WSGI server \(admin, web\): set compose-service/,
  },
  {
    name: 'an unknown compose-service',
    files: [fixture('compose-good')],
    inputs: { 'compose-service': 'api' },
    says: /compose-service 'api' is not a service of the project \(db, nginx, web\)/,
  },
  {
    name: 'a compose file that does not validate',
    files: [fixture('compose-good'), override('undefined-dependency')],
    says: /does not validate: .*cache/,
  },
  {
    name: 'a missing secret file',
    files: [fixture('compose-good'), override('missing-secret')],
    says: /compose secret 'api_token': the file .*secrets\/api_token\.txt does not exist/,
  },
]

describe.each(USAGE)('$name', ({ files, inputs, says }) => {
  it(
    'is one error line, before anything is built, and leaves nothing',
    async () => {
      const run = await runCompose(files, inputs)
      const errors = run.annotations.filter((a) => a.level === 'error')
      expect({ exit: run.exitCode, errors: errors.length }).toEqual({ exit: 1, errors: 1 })
      expect(errors[0].message).toMatch(says)
      expect(errors[0].message).not.toContain('\n')
      expect(run.log).not.toMatch(/Build image/)
      expect(leftoversOf(runIdOf(run))).toEqual([])
    },
    RUN_MS,
  )
})

describe('a dependency that never becomes healthy', () => {
  it(
    'fails boot.ready naming it, with its log tail, and leaves nothing',
    async () => {
      const run = await runCompose([fixture('compose-good'), override('db-unhealthy')])
      expect(run.exitCode).toBe(1)
      const boot = check(run, 'boot.ready')
      expect(boot.status).toBe('failed')
      expect(boot.summary).toMatch(/compose service db did not become ready.*unhealthy/)
      expect(boot.evidence.join('\n')).toMatch(/last lines of db's log:[\s\S]*database system/)
      expect(reportOf(run).target.compose?.dependencies.map((d) => [d.service, d.ok])).toEqual([
        ['db', false],
      ])
      expect(leftoversOf(runIdOf(run))).toEqual([])
    },
    RUN_MS,
  )
})

describe('a compose run killed mid-way', () => {
  it(
    'leaves no container, network or volume once its post step ran',
    async () => {
      const running = startAction({
        label: 'compose-killed',
        inputs: {
          'compose-file': fixture('compose-good'),
          'build-args': `BASE=${BASE_PG_IMAGE}`,
          'boot-timeout': '30',
        },
        env: { POSTGRES_IMAGE },
      })
      let runId = ''
      let seen: string[] = []
      const deadline = Date.now() + 3 * 60_000
      while (Date.now() < deadline && running.child.exitCode === null) {
        const state = fs.existsSync(running.files.state)
          ? fs.readFileSync(running.files.state, 'utf8')
          : ''
        runId = parseCommandFile(state).runId ?? ''
        // Killed once the app runs beside its database: the project's volume exists by then.
        seen = runId ? leftoversOf(runId) : []
        if (seen.some((o) => o.endsWith('-app')) && seen.some((o) => o.startsWith('volume'))) break
        await sleep(150)
      }
      running.child.kill('SIGKILL')
      const main = await running.result
      expect({ signal: main.signal, volume: seen.some((o) => o.startsWith('volume')) }).toEqual({
        signal: 'SIGKILL',
        volume: true,
      })
      expect(leftoversOf(runId).length).toBeGreaterThan(0)
      const post = await runPost(main, { timeoutMs: 2 * 60_000, env: { POSTGRES_IMAGE } })
      expect(post.exitCode).toBe(0)
      expect(leftoversOf(runId)).toEqual([])
    },
    RUN_MS,
  )
})
