/**
 * The compose model as the action reads it (`docker compose config --format json` of the compose
 * fixtures, recorded by __tests__/data/compose/record.sh): the app service, its dependencies,
 * the proxy service, the network, the container's environment.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import {
  chooseAppService,
  dependenciesOf,
  proxyServiceKind,
  networkNameOf,
  parseComposeConfig,
  runsWsgiServer,
  serviceEnv,
  serviceNetworks,
  type ComposeModel,
} from '../../src/facts/compose'

const DATA = path.join(__dirname, '..', 'data', 'compose')
const model = (name: string): ComposeModel =>
  parseComposeConfig(fs.readFileSync(path.join(DATA, `${name}.json`), 'utf8'))
const noDockerfile = (): undefined => undefined

describe('the app service', () => {
  test('auto: the one built service whose compose command runs Gunicorn', () => {
    expect(chooseAppService(model('compose-good'), undefined, noDockerfile)).toEqual({
      service: 'web',
    })
  })

  test("auto: found through the Dockerfile's CMD when compose has no command", () => {
    const m = model('compose-good')
    m.services.web.command = null
    const dockerfile = 'FROM python\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n'
    expect(chooseAppService(m, undefined, (n) => (n === 'web' ? dockerfile : undefined))).toEqual({
      service: 'web',
    })
    expect(chooseAppService(m, undefined, noDockerfile)).toEqual({
      error:
        'no compose service with build: runs Gunicorn, uWSGI, Waitress or flask (services: web): set compose-service',
    })
  })

  test('two built services running Gunicorn: a usage error listing them, unless one is named', () => {
    const m = model('compose-two-builds')
    expect(chooseAppService(m, undefined, noDockerfile)).toEqual({
      error:
        'several compose services run a WSGI server (admin, web): set compose-service to the one to check',
    })
    expect(chooseAppService(m, 'web', noDockerfile)).toEqual({ service: 'web' })
  })

  test('a named service that does not exist, or is not built, is refused naming the services', () => {
    const m = model('compose-good')
    expect(chooseAppService(m, 'api', noDockerfile)).toEqual({
      error: "compose-service 'api' is not a service of the project (db, nginx, web)",
    })
    expect(chooseAppService(m, 'db', noDockerfile)).toEqual({
      error: "compose-service 'db' has no build: section to build the app from",
    })
  })

  test('a shell command line, flask run and python -m gunicorn count; a worker does not', () => {
    expect(runsWsgiServer(['sh', '-c', 'flask db upgrade && gunicorn app:app'])).toBe(true)
    expect(runsWsgiServer(['flask', 'run', '--host', '0.0.0.0'])).toBe(true)
    expect(runsWsgiServer(['python', '-m', 'gunicorn', 'app:app'])).toBe(true)
    expect(runsWsgiServer(['celery', '-A', 'tasks', 'worker'])).toBe(false)
    expect(runsWsgiServer(['flask', 'db', 'upgrade'])).toBe(false)
  })
})

describe('what runs beside it', () => {
  test('depends_on, transitively and dependencies first; the proxy service by its image', () => {
    const m = model('compose-good')
    expect(dependenciesOf(m, 'web')).toEqual(['db'])
    expect(dependenciesOf(m, 'nginx')).toEqual(['db', 'web'])
    expect(proxyServiceKind(m.services.nginx, undefined)).toBe('nginx')
    expect(proxyServiceKind(m.services.db, undefined)).toBeUndefined()
    const built = { build: { context: '/x' } }
    expect(proxyServiceKind(built, 'FROM nginx:1.27\nCOPY a b\n')).toBe('nginx')
    expect(proxyServiceKind({ image: 'caddy:2' }, undefined)).toBe('caddy')
    expect(proxyServiceKind({ image: 'team/nginx-exporter:1' }, undefined)).toBe(undefined)
  })

  test("the app joins the project's default network, under the engine's name for it", () => {
    const m = model('compose-good')
    expect(serviceNetworks(m.services.web)).toEqual(['default'])
    expect(networkNameOf(m, 'default')).toBe('fdc-recorded_default')
  })

  test('the environment is env_file and environment merged, as compose gives it', () => {
    const env = serviceEnv(model('compose-good').services.web)
    expect(env).toEqual(
      expect.arrayContaining([
        ['NOTES_TITLE', 'Notes'],
        ['LOG_LEVEL', 'INFO'],
        ['DATABASE_URL', 'postgresql://notes:notes-db-password@db:5432/notes'],
      ]),
    )
  })

  test('a literal $ (escaped $$ in the model) reaches the container once; unset names not at all', () => {
    const env = serviceEnv({ environment: { PRICE: 'a$$b', UNSET: null } })
    expect(env).toEqual([['PRICE', 'a$b']])
  })

  test('secrets name their file; the wait-for-db variant orders the start only', () => {
    expect(model('compose-secret-file').secrets?.db_password.file).toBe(
      '/repo/__tests__/fixtures/compose-secret-file/secrets/db_password.txt',
    )
    expect(model('compose-wait-for-db').services.web.depends_on?.db.condition).toBe(
      'service_started',
    )
  })
})
