/**
 * What scripts/provision.sh provides, on the real engine (Docker 20.10 here): the docker buildx
 * and compose CLI plugins, and the offline caddy and postgres stand-in images, each doing what the
 * official image does for a user. Self-contained (docker CLI and node only, nothing from src/).
 * Everything it starts carries the label below and is removed, volumes included.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import * as os from 'node:os'
import * as path from 'node:path'

jest.setTimeout(120_000)

const CADDY_IMAGE = process.env.FDC_CADDY_IMAGE || 'flask-deploy-check/caddy:bookworm'
const POSTGRES_IMAGE = process.env.FDC_POSTGRES_IMAGE || 'flask-deploy-check/postgres:bookworm'
const ID = randomBytes(4).toString('hex')
const LABEL = `flask-deploy-check.provision-test=${ID}`
/** Names of this file's containers, networks, images and compose project. */
const name = (what: string): string => `fdc-provision-${ID}-${what}`

interface Run {
  status: number | null
  stdout: string
  stderr: string
}

function run(command: string, args: string[], options: { input?: string; cwd?: string } = {}): Run {
  const r = spawnSync(command, args, { encoding: 'utf8', ...options })
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? r.error?.message ?? '' }
}

/** docker ARGS; throws with its stderr when it fails. */
function docker(args: string[], input?: string): string {
  const r = run('docker', args, { input })
  if (r.status !== 0) {
    throw new Error(`docker ${args.join(' ')} failed (${r.status}): ${r.stderr.trim()}`)
  }
  return r.stdout
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls PROBE until it returns a value (not undefined) or TIMEOUT_MS pass. */
async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(250)
  }
}

/** The loopback port docker published for a container port ("443/tcp"). */
function publishedPort(container: string, port: string): number {
  const out = docker(['port', container, port]).trim().split('\n')[0]
  const m = /:(\d+)$/.exec(out)
  if (!m) throw new Error(`docker port ${container} ${port}: ${out}`)
  return Number(m[1])
}

const dirs: string[] = []
function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-provision-'))
  dirs.push(dir)
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text)
  return dir
}

const images: string[] = []
const composeProjects: { project: string; file: string }[] = []
const lines = (text: string): string[] => text.split('\n').filter(Boolean)

/** Removes what this file started (volumes included); returns what is still there after. */
function removeAll(): string[] {
  const containers = lines(docker(['ps', '-aq', '--filter', `label=${LABEL}`]))
  const volumes = containers.flatMap((id) =>
    run('docker', [
      ...['inspect', '-f', '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}'],
      id,
    ])
      .stdout.split(/\s+/)
      .filter(Boolean),
  )
  const projects = composeProjects.splice(0)
  for (const { project, file } of projects) {
    run('docker', ['compose', '-p', project, '-f', file, 'down', '-v', '--remove-orphans'])
  }
  for (const id of containers) run('docker', ['rm', '-f', '-v', id])
  const networks = (): string[] => [
    ...lines(docker(['network', 'ls', '-q', '--filter', `label=${LABEL}`])),
    ...projects.flatMap(({ project }) =>
      lines(
        docker(['network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${project}`]),
      ),
    ),
  ]
  for (const id of networks()) run('docker', ['network', 'rm', id])
  for (const image of images.splice(0)) run('docker', ['rmi', '-f', image])
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  return [
    ...lines(docker(['ps', '-aq', '--filter', `label=${LABEL}`])).map((id) => `container ${id}`),
    ...networks().map((id) => `network ${id}`),
    ...volumes
      .filter((v) => run('docker', ['volume', 'inspect', v]).status === 0)
      .map((v) => `volume ${v}`),
  ]
}

afterAll(() => {
  removeAll() // after a failed test; the last test checks the cleanup itself
})

describe('docker CLI plugins', () => {
  test('docker buildx and docker compose answer', () => {
    expect(docker(['buildx', 'version'])).toMatch(/^github\.com\/docker\/buildx v?\d+\.\d+/)
    expect(docker(['compose', 'version'])).toMatch(/^Docker Compose version v?\d+\.\d+/)
  })

  test('buildx builds with BuildKit against the engine, from a local image', () => {
    const image = name('buildkit')
    images.push(image)
    const dockerfile = `FROM ${CADDY_IMAGE}\nRUN caddy version > /caddy-version\n`
    const r = run(
      'docker',
      ['buildx', 'build', '--progress', 'plain', '--load', '-t', image, '-'],
      {
        input: dockerfile,
      },
    )
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({
      status: 0,
      stderr: '',
    })
    // BuildKit's plain progress (`#5 [2/2] RUN ...`), not the legacy builder's `Step 2/2 : RUN`.
    expect(r.stderr).toMatch(/^#\d+ \[\d\/\d\] RUN caddy version/m)
    expect(docker(['run', '--rm', image, 'cat', '/caddy-version'])).toMatch(/^v?2\.\d+/)
  })
})

describe('caddy stand-in', () => {
  test('is configured like the official image', () => {
    const config = JSON.parse(docker(['image', 'inspect', '-f', '{{json .Config}}', CADDY_IMAGE]))
    expect(config.Cmd).toEqual([
      'caddy',
      'run',
      '--config',
      '/etc/caddy/Caddyfile',
      '--adapter',
      'caddyfile',
    ])
    expect(config.Env).toEqual(
      expect.arrayContaining(['XDG_CONFIG_HOME=/config', 'XDG_DATA_HOME=/data']),
    )
    expect(Object.keys(config.ExposedPorts)).toEqual(expect.arrayContaining(['80/tcp', '443/tcp']))
  })

  test('reverse_proxies over TLS from `tls internal`, and redirects HTTP with a 308', async () => {
    const network = name('caddy-net')
    docker(['network', 'create', '--label', LABEL, network])
    const upstream = tempDir({
      Caddyfile:
        ':8000 {\n\trespond "upstream host={host} proto={header.X-Forwarded-Proto} xff={header.X-Forwarded-For}"\n}\n',
    })
    const front = tempDir({
      Caddyfile: 'fdc.test {\n\ttls internal\n\treverse_proxy app:8000\n}\n',
    })
    docker([
      ...['run', '-d', '--name', name('caddy-app'), '--label', LABEL],
      ...['--network', network, '--network-alias', 'app', '-v', `${upstream}:/etc/caddy:ro`],
      CADDY_IMAGE,
    ])
    const proxy = name('caddy-proxy')
    docker([
      ...['run', '-d', '--name', proxy, '--label', LABEL, '--network', network],
      ...['-p', '127.0.0.1::443', '-p', '127.0.0.1::80', '-v', `${front}:/etc/caddy:ro`],
      CADDY_IMAGE,
    ])
    const port = publishedPort(proxy, '443/tcp')
    // The local CA caddy made for `tls internal` (under XDG_DATA_HOME=/data), to verify against.
    const ca = await waitFor('caddy local CA', () => {
      const r = run('docker', ['exec', proxy, 'cat', '/data/caddy/pki/authorities/local/root.crt'])
      return r.status === 0 && r.stdout.includes('BEGIN CERTIFICATE') ? r.stdout : undefined
    })
    const answer = await waitFor('an HTTPS answer through caddy', () =>
      request(https, { port, ca, servername: 'fdc.test' }).catch(() => undefined),
    )
    expect(answer.status).toBe(200)
    expect(answer.body).toMatch(/^upstream host=fdc\.test proto=https xff=\d+\.\d+\.\d+\.\d+$/)

    const redirect = await request(http, { port: publishedPort(proxy, '80/tcp') })
    expect({ status: redirect.status, location: redirect.headers.location }).toEqual({
      status: 308,
      location: 'https://fdc.test/',
    })
  })
})

interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/** GET / with Host fdc.test on a loopback port, over http or https (verified against CA). */
function request(
  client: typeof http | typeof https,
  options: { port: number; ca?: string; servername?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = client.request(
      {
        host: '127.0.0.1',
        port: options.port,
        path: '/',
        headers: { Host: 'fdc.test' },
        ca: options.ca,
        servername: options.servername,
        timeout: 5_000,
      },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      },
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}

describe('postgres stand-in', () => {
  const password = randomBytes(12).toString('hex')

  test('initialises from POSTGRES_* and takes password logins from another container', async () => {
    const network = name('pg-net')
    const db = name('pg')
    docker(['network', 'create', '--label', LABEL, network])
    docker([
      ...[
        'run',
        '-d',
        '--name',
        db,
        '--label',
        LABEL,
        '--network',
        network,
        '--network-alias',
        'db',
      ],
      ...[
        '-e',
        'POSTGRES_USER=fdc',
        '-e',
        `POSTGRES_PASSWORD=${password}`,
        '-e',
        'POSTGRES_DB=fdcdb',
      ],
      POSTGRES_IMAGE,
    ])
    // Over TCP: the socket answers already while the entrypoint's socket-only init server runs.
    await waitFor(
      'pg_isready',
      () =>
        run('docker', ['exec', db, 'pg_isready', '-h', '127.0.0.1', '-U', 'fdc', '-d', 'fdcdb'])
          .status === 0 || undefined,
    )
    // postgres itself is PID 1, as the postgres user (setpriv exec, no supervisor).
    expect(docker(['exec', db, 'sh', '-c', 'cat /proc/1/comm; stat -c %U /proc/1']).trim()).toBe(
      'postgres\npostgres',
    )

    const psql = (pass: string): Run =>
      run('docker', [
        ...['run', '--rm', '--label', LABEL, '--network', network, '-e', `PGPASSWORD=${pass}`],
        POSTGRES_IMAGE,
        ...['psql', '-h', 'db', '-U', 'fdc', '-d', 'fdcdb', '-Atc'],
        "SELECT current_user, current_database(), current_setting('listen_addresses'), inet_server_port()",
      ])
    const ok = psql(password)
    expect({ status: ok.status, stdout: ok.stdout.trim(), stderr: ok.stderr.trim() }).toEqual({
      status: 0,
      stdout: 'fdc|fdcdb|*|5432',
      stderr: '',
    })
    const wrong = psql('wrong')
    expect(wrong.status).toBe(2)
    expect(wrong.stderr).toMatch(/password authentication failed for user "fdc"/)

    // STOPSIGNAL SIGINT: a fast shutdown, exit 0 well within docker stop's 10 s.
    const started = Date.now()
    docker(['stop', db])
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(docker(['inspect', '-f', '{{.State.ExitCode}}', db]).trim()).toBe('0')
  })

  test('refuses to initialise without POSTGRES_PASSWORD, as the official image does', () => {
    const r = run('docker', ['run', '--rm', '--label', LABEL, POSTGRES_IMAGE])
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/superuser password is not specified/)
  })

  test('docker compose: a client waits for the healthcheck, the password comes from a secret', () => {
    const project = name('compose')
    const dir = tempDir({
      db_password: `${password}\n`,
      'compose.yaml': `services:
  db:
    image: ${POSTGRES_IMAGE}
    labels: ["${LABEL}"]
    environment:
      POSTGRES_USER: app
      POSTGRES_DB: app
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    secrets: [db_password]
    healthcheck:
      test: ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", "app", "-d", "app"]
      interval: 1s
      retries: 60
  client:
    image: ${POSTGRES_IMAGE}
    labels: ["${LABEL}"]
    depends_on:
      db: { condition: service_healthy }
    environment: { PGPASSWORD: "${password}" }
    command: ["psql", "-h", "db", "-U", "app", "-d", "app", "-Atc", "SELECT 'compose ok'"]
secrets:
  db_password: { file: ./db_password }
`,
    })
    const file = path.join(dir, 'compose.yaml')
    composeProjects.push({ project, file })
    const r = run(
      'docker',
      [
        ...['compose', '-p', project, '-f', file, 'up'],
        ...['--abort-on-container-exit', '--exit-code-from', 'client'],
      ],
      { cwd: dir },
    )
    expect({ status: r.status, out: r.status === 0 ? '' : r.stdout + r.stderr }).toEqual({
      status: 0,
      out: '',
    })
    expect(r.stdout).toMatch(/client.*\| compose ok/)
  })
})

describe('cleanup (last)', () => {
  test('removes every container, network and volume it started', () => {
    expect(removeAll()).toEqual([])
  })
})
