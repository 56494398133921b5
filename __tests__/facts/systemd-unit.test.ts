/**
 * The unit reader against systemd.syntax(7) and units as deployments write them: the deployment
 * guide's unit, a Django-style unit with ExecStart= continued over lines and a unix socket, an
 * Environment= with several quoted assignments, comments inside a continuation.
 */
import { readUnit, type UnitInput } from '../../src/facts/systemd'
import { listOf, parseUnit } from '../../src/facts/systemd-unit'
import { environmentAssignments, execLine, unitWords } from '../../src/facts/unit-words'
import { parseEnvFile } from '../../src/facts/env-file'

const GUIDE = `[Unit]
Description=My Flask App
After=network.target

[Service]
User=www-data
WorkingDirectory=/srv/myapp
Environment="SECRET_KEY=..." "DATABASE_URL=..."
ExecStart=/srv/myapp/.venv/bin/gunicorn -w 4 -b 127.0.0.1:8000 "app:create_app()"
Restart=always

[Install]
WantedBy=multi-user.target
`

const CONTINUED = `[Unit]
Description=gunicorn daemon
Requires=gunicorn.socket
After=network.target

[Service]
User=ubuntu
Group=www-data
WorkingDirectory=/home/ubuntu/site
ExecStart=/home/ubuntu/env/bin/gunicorn \\
          --access-logfile - \\
# a comment inside the continuation is dropped
          --workers 3 \\
          --bind unix:/run/gunicorn.sock \\
          site.wsgi:application

[Install]
WantedBy=multi-user.target
`

const input = (text: string): UnitInput => ({
  text,
  path: 'deploy/app.service',
  inRepo: () => false,
  readRepoFile: () => undefined,
})

test('the guide unit: settings with their lines, both Environment= assignments, argv unquoted', () => {
  const { facts, spec } = readUnit(input(GUIDE))
  expect(facts.user).toEqual({ value: 'www-data', line: 6 })
  expect(facts.restart).toEqual({ value: 'always', line: 10 })
  expect(facts.environment.map((v) => [v.name, v.line])).toEqual([
    ['SECRET_KEY', 8],
    ['DATABASE_URL', 8],
  ])
  expect(facts.execStart).toEqual({
    argv: ['/srv/myapp/.venv/bin/gunicorn', '-w', '4', '-b', '127.0.0.1:8000', 'app:create_app()'],
    line: 9,
    privileged: false,
  })
  expect(facts.server).toBe('gunicorn')
  expect(facts.bind).toEqual({
    addresses: ['127.0.0.1:8000'],
    source: 'ExecStart',
    file: 'deploy/app.service',
    line: 9,
  })
  expect(spec?.serverIndex).toBe(0)
})

test('continuation lines join with a space, a comment line inside is dropped, the line is the first', () => {
  const { facts } = readUnit(input(CONTINUED))
  expect(facts.execStart?.line).toBe(10)
  expect(facts.execStart?.argv).toEqual([
    '/home/ubuntu/env/bin/gunicorn',
    '--access-logfile',
    '-',
    '--workers',
    '3',
    '--bind',
    'unix:/run/gunicorn.sock',
    'site.wsgi:application',
  ])
  expect(facts.bind?.addresses).toEqual(['unix:/run/gunicorn.sock'])
  expect(facts.user?.value).toBe('ubuntu')
})

test('an escaped backslash at the end does not continue the line', () => {
  const unit = parseUnit('[Service]\nEnvironment=A=x\\\\\nUser=app\n')
  expect(unit.assignments.map((a) => [a.key, a.value, a.line])).toEqual([
    ['Environment', 'A=x\\\\', 2],
    ['User', 'app', 3],
  ])
})

test('an empty assignment resets a list setting; the last single setting wins', () => {
  const unit = parseUnit(
    '[Service]\nEnvironment=A=1\nEnvironment=\nEnvironment=B=2\nUser=a\nUser=b\n',
  )
  expect(listOf(unit, 'Service', 'Environment').map((a) => a.value)).toEqual(['B=2'])
  const { facts } = readUnit(input('[Service]\nUser=a\nUser=b\nExecStart=/bin/true\n'))
  expect(facts.user).toEqual({ value: 'b', line: 3 })
})

test('comments (# and ;), a key outside any section and a line without = are what systemd ignores', () => {
  const unit = parseUnit('; top\nUser=x\n[Service]\n  # indented comment\nnonsense\nUser=y\n')
  expect(unit.assignments.map((a) => a.value)).toEqual(['y'])
  expect(unit.ignored).toEqual([
    { line: 2, reason: 'assignment outside of any section' },
    { line: 5, reason: "missing '='" },
  ])
})

test('Environment=: several quoted assignments, quotes inside a word, C escapes, invalid words ignored', () => {
  expect(
    environmentAssignments(
      '"DJANGO_SETTINGS_MODULE=core.settings" "PYTHONPATH=/opt/app:/opt/lib" LANG=C.UTF-8',
    ).vars,
  ).toEqual([
    ['DJANGO_SETTINGS_MODULE', 'core.settings'],
    ['PYTHONPATH', '/opt/app:/opt/lib'],
    ['LANG', 'C.UTF-8'],
  ])
  expect(environmentAssignments(`MSG="two words" 'Q=it''s' T=a\\tb`).vars).toEqual([
    ['MSG', 'two words'],
    ['Q', 'its'],
    ['T', 'a\tb'],
  ])
  expect(environmentAssignments('=x 1A=2 OK=1')).toEqual({ vars: [['OK', '1']], invalid: 2 })
  expect(unitWords('"open')).toEqual({ error: 'unterminated " quote' })
  expect(unitWords('100%% sure')).toEqual({ words: ['100%', 'sure'] })
})

test('ExecStart=: prefixes, $VAR split into words, ${VAR} kept as one, $$ a dollar', () => {
  const env = new Map([
    ['OPTS', '-w 4  --timeout 60'],
    ['APP', 'app:create_app()'],
  ])
  const line = execLine('-/usr/bin/gunicorn $OPTS "${APP}" --name=$$x', env)
  expect(line).toEqual({
    argv: ['/usr/bin/gunicorn', '-w', '4', '--timeout', '60', 'app:create_app()', '--name=$x'],
    ignoreFailure: true,
    privileged: false,
    noExpand: false,
  })
  expect(execLine('+/usr/bin/gunicorn app:app', env)).toMatchObject({ privileged: true })
  expect(execLine('@/usr/bin/gunicorn gunicorn-main app:app', env)).toMatchObject({
    argv: ['/usr/bin/gunicorn', 'app:app'],
  })
})

test('EnvironmentFile=: quoting, comments, continuation; a file in the repository is read, names only', () => {
  expect(
    parseEnvFile('# c\nA=1\n; c\nB = "x y"\nC=\'lit $x\'\nD=a\\\nb\nE="q\\"q"\n  F=  spaced  \n'),
  ).toEqual([
    ['A', '1'],
    ['B', 'x y'],
    ['C', 'lit $x'],
    ['D', 'ab'],
    ['E', 'q"q'],
    ['F', 'spaced'],
  ])
  const { facts, spec } = readUnit({
    text: '[Service]\nEnvironment=SECRET_KEY=from-unit\nEnvironmentFile=-/srv/app/.env\nExecStart=/usr/bin/gunicorn app:app\n',
    path: 'app.service',
    inRepo: (p) => p === '/srv/app/.env',
    readRepoFile: () => ({ text: 'SECRET_KEY=from-file-abcdef\n' }),
  })
  expect(facts.environmentFiles).toEqual([
    {
      path: '/srv/app/.env',
      optional: true,
      line: 3,
      inRepo: true,
      vars: [{ name: 'SECRET_KEY', valueLength: 16, urlWithCredentials: false, line: 3 }],
    },
  ])
  // systemd applies EnvironmentFile= after Environment=: the file's value wins.
  expect(new Map(spec?.env).get('SECRET_KEY')).toBe('from-file-abcdef')
  expect(JSON.stringify(facts)).not.toContain('from-file')
})
