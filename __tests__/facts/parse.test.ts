/** Parsers of captured docker output (see __tests__/data/README.md for where each file came from). */
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { uwsgiIniOf } from '../../src/facts/port'
import {
  detectPort,
  isLoopback,
  loopbackOnly,
  parseContainerState,
  parseHistory,
  parseHostPort,
  parseImageInspect,
  parseProcNetTcp,
  parseTimestampedLogs,
  parseTop,
  splitWords,
} from '../../src/facts/parse'

const data = (name: string): string =>
  readFileSync(path.join(__dirname, '..', 'data', 'docker', name), 'utf8')

describe('parseImageInspect', () => {
  test('config facts, and env as names and shapes only', () => {
    const { facts, env } = parseImageInspect(data('image-inspect-gunicorn.json'))
    expect(facts).toMatchObject({
      id: expect.stringMatching(/^sha256:/),
      user: 'nobody',
      entrypoint: null,
      cmd: ['gunicorn', '-b', '0.0.0.0:8000', '-w', '3', 'app:app'],
      exposedPorts: [8000], // 9000/udp is not a TCP port
      workingDir: '/app',
      historyVars: [],
    })
    expect(facts.sizeBytes).toBeGreaterThan(1_000_000)
    expect(facts.env).toContainEqual({
      name: 'DATABASE_URL',
      valueLength: 34,
      urlWithCredentials: true,
    })
    expect(facts.env).toContainEqual({
      name: 'SECRET_KEY',
      valueLength: 3,
      urlWithCredentials: false,
    })
    expect(JSON.stringify(facts)).not.toContain('hunter2')
    expect(env.get('PORT')).toBe('8000')
  })

  test('values holding = and empty values', () => {
    const { facts } = parseImageInspect(data('image-inspect-edge.json'))
    expect(facts.env).toContainEqual({ name: 'EQ', valueLength: 3, urlWithCredentials: false })
    expect(facts.env).toContainEqual({ name: 'EMPTY', valueLength: 0, urlWithCredentials: false })
    expect(facts.cmd).toEqual(['/bin/sh', '-c', 'gunicorn app:app'])
  })
})

describe('parseHistory', () => {
  const envNames = (file: string): string[] => [...parseImageInspect(data(file)).env.keys()]

  test('build args on RUN lines, ARG defaults and ENV values (legacy builder)', () => {
    const vars = parseHistory(
      data('history-legacy-builder.txt'),
      envNames('image-inspect-gunicorn.json'),
    )
    expect(vars).toEqual(
      expect.arrayContaining([
        { name: 'PIP_TOKEN', valueLength: 7, urlWithCredentials: false },
        // ARG default 1.2.3 and the build arg 9: the longer one is kept.
        { name: 'BUILD_VERSION', valueLength: 5, urlWithCredentials: false },
        { name: 'DATABASE_URL', valueLength: 34, urlWithCredentials: true },
        { name: 'SECRET_KEY', valueLength: 3, urlWithCredentials: false },
        { name: 'PORT', valueLength: 4, urlWithCredentials: false },
      ]),
    )
    expect(vars).toHaveLength(5)
  })

  test('values with spaces and = signs: only declared names start a pair', () => {
    const vars = parseHistory(data('history-legacy-edge.txt'), envNames('image-inspect-edge.json'))
    const byName = Object.fromEntries(vars.map((v) => [v.name, v.valueLength]))
    expect(byName).toEqual({
      API_TOKEN: 'sp ace=x'.length,
      GREETING: 'hello world'.length, // the ARG default; the RUN line's last value is cut at a space
      MSG: 'two words'.length,
      EQ: 3,
      LEGACY_KEY: 'legacy value here'.length,
    })
  })

  test('exec-form RUN and a changed SHELL', () => {
    const vars = parseHistory(data('history-legacy-shell-and-exec-run.txt'), [])
    expect(vars).toEqual([{ name: 'TOK', valueLength: 3, urlWithCredentials: false }])
  })

  test('BuildKit format (instruction names, no #(nop))', () => {
    // Shape documented by BuildKit's image history; not captured here (this engine has no buildx).
    const text = [
      'CMD ["gunicorn" "app:app"]',
      'RUN |1 DB_PASSWORD=s3cret /bin/sh -c pip install -r requirements.txt # buildkit',
      'ENV REDIS_URL=redis://:pw@cache:6379/0',
      'ARG DB_PASSWORD',
    ].join('\n')
    expect(parseHistory(text, ['REDIS_URL'])).toEqual([
      { name: 'DB_PASSWORD', valueLength: 6, urlWithCredentials: false },
      { name: 'REDIS_URL', valueLength: 24, urlWithCredentials: true },
    ])
  })
})

describe('parseTop', () => {
  test('exec form: Gunicorn master is PID 1, three workers', () => {
    const rows = parseTop(data('top-gunicorn-exec-form.txt'), 3823)
    expect(rows).toHaveLength(4)
    expect(rows[0]).toEqual({
      pid: 3823,
      ppid: 3803,
      uid: 65534,
      args: '/usr/bin/python3 /usr/bin/gunicorn -b 0.0.0.0:8000 -w 3 app:app',
      isInit: true,
    })
    expect(rows.slice(1).every((r) => r.ppid === 3823 && !r.isInit)).toBe(true)
  })

  test('shell form: dash stays PID 1', () => {
    const rows = parseTop(data('top-gunicorn-shell-form.txt'), 4306)
    expect(rows.find((r) => r.isInit)?.args).toBe('sh -c gunicorn -b 0.0.0.0:8000 app:app')
  })

  test('State.Pid from docker inspect', () => {
    expect(parseContainerState(data('container-inspect-running.json'))).toMatchObject({
      status: 'running',
      running: true,
      pid: 3823,
    })
  })
})

describe('parseProcNetTcp', () => {
  test('all interfaces', () => {
    expect(parseProcNetTcp(data('proc-net-tcp-all-interfaces.txt'))).toEqual([
      { address: '0.0.0.0', port: 8000 },
    ])
  })

  test("Gunicorn's default bind is loopback only", () => {
    const l = parseProcNetTcp(data('proc-net-tcp-loopback-only.txt'))
    expect(l).toEqual([{ address: '127.0.0.1', port: 8000 }])
    expect(loopbackOnly(l, 8000)).toBe(true)
    expect(loopbackOnly(l, 5000)).toBe(false) // nothing there at all: not the loopback case
  })

  test('IPv6 wildcard and a second loopback socket', () => {
    const l = parseProcNetTcp(data('proc-net-tcp-ipv6-and-loopback.txt'))
    expect(l).toEqual([
      { address: '127.0.0.1', port: 9001 },
      { address: '::', port: 8000 },
    ])
    expect(loopbackOnly(l, 8000)).toBe(false)
    expect(loopbackOnly(l, 9001)).toBe(true)
  })

  test('IPv6 loopback, mapped addresses, and non-LISTEN states are skipped', () => {
    const text = [
      '  sl  local_address                         remote_address                        st',
      '   0: 00000000000000000000000001000000:1F40 00000000000000000000000000000000:0000 0A 00000000:00000000',
      '   1: 0000000000000000FFFF00000100007F:1F41 00000000000000000000000000000000:0000 0A 00000000:00000000',
      '   2: 0100007F:1F40 0100007F:D2F0 01 00000000:00000000',
    ].join('\n')
    expect(parseProcNetTcp(text)).toEqual([
      { address: '::1', port: 8000 },
      { address: '::ffff:127.0.0.1', port: 8001 },
    ])
    expect(['::1', '::ffff:127.0.0.1', '127.1.2.3'].every(isLoopback)).toBe(true)
    expect(isLoopback('172.17.0.2')).toBe(false)
  })
})

describe('parseTimestampedLogs', () => {
  test('streams apart, and merged in the order written', () => {
    const logs = parseTimestampedLogs(data('logs-crash.stdout.txt'), data('logs-crash.stderr.txt'))
    expect(logs.stdout).toEqual(['out-line', 'out2', 'py-out'])
    expect(logs.stderr).toEqual(['err-line', 'py-err'])
    expect(logs.merged).toEqual(['out-line', 'err-line', 'out2', 'py-out', 'py-err'])
  })

  test('Gunicorn writes everything to stderr', () => {
    const logs = parseTimestampedLogs(
      data('logs-gunicorn.stdout.txt'),
      data('logs-gunicorn.stderr.txt'),
    )
    expect(logs.stdout).toEqual([])
    expect(logs.stderr[0]).toBe('[2026-11-24 16:17:26 +0000] [1] [INFO] Starting gunicorn 20.1.0')
    expect(logs.stderr).toHaveLength(6)
  })

  test('fractions of different lengths compare as times', () => {
    const out = '2024-01-01T00:00:00.5Z second\n'
    const err = '2024-01-01T00:00:00.123456789Z first\n'
    expect(parseTimestampedLogs(out, err).merged).toEqual(['first', 'second'])
  })
})

test('parseHostPort', () => {
  expect(parseHostPort('127.0.0.1:32768\n')).toBe(32768)
  expect(parseHostPort('0.0.0.0:49153\n[::]:49153\n')).toBe(49153)
  expect(parseHostPort('')).toBeUndefined()
})

describe('detectPort', () => {
  const none = new Map<string, string>()
  test('uWSGI `socket` speaks the uwsgi protocol; the port comes from the args or the ini file', () => {
    const ini = readFileSync(
      path.join(__dirname, '..', 'fixtures', 'uwsgi-socket', 'uwsgi.ini'),
      'utf8',
    )
    expect(detectPort(['uwsgi', '--ini', 'uwsgi.ini'], [8000], none, ini)).toEqual({
      port: 8080,
      portSource: 'bind-argument',
      protocol: 'uwsgi',
    })
    expect(uwsgiIniOf(['uwsgi', '--ini', 'uwsgi.ini'])).toBe('uwsgi.ini')
    expect(uwsgiIniOf(['/usr/bin/uwsgi_python3', 'deploy/app.ini'])).toBe('deploy/app.ini')
    expect(detectPort(['uwsgi_python3', '-s', ':9000', '-w', 'app:app'], [], none)).toEqual({
      port: 9000,
      portSource: 'bind-argument',
      protocol: 'uwsgi',
    })
    expect(detectPort(['uwsgi', '--http', ':5008'], [], none).protocol).toBe('http')
  })

  test.each<[string, string[], number, string]>([
    ['gunicorn -b', ['gunicorn', '-b', '0.0.0.0:5000', 'app:app'], 5000, 'bind-argument'],
    ['gunicorn --bind=', ['gunicorn', '--bind=0.0.0.0:5001', 'app:app'], 5001, 'bind-argument'],
    ['gunicorn glued -b', ['gunicorn', '-b0.0.0.0:5002', 'app:app'], 5002, 'bind-argument'],
    [
      'gunicorn [::]',
      ['python', '-m', 'gunicorn', '--bind', '[::]:5003', 'app:app'],
      5003,
      'bind-argument',
    ],
    [
      'gunicorn unix socket then tcp',
      ['gunicorn', '-b', 'unix:/tmp/s', '-b', ':5004', 'app:app'],
      5004,
      'bind-argument',
    ],
    ['gunicorn host only', ['gunicorn', '-b', '0.0.0.0', 'app:app'], 8000, 'bind-argument'],
    [
      'shell form',
      ['/bin/sh', '-c', 'exec gunicorn -w 2 --bind 0.0.0.0:5005 app:app'],
      5005,
      'bind-argument',
    ],
    ['waitress --listen=', ['waitress-serve', '--listen=*:5006', 'app:app'], 5006, 'bind-argument'],
    ['waitress --port=', ['waitress-serve', '--port=5007', 'app:app'], 5007, 'bind-argument'],
    ['waitress default', ['waitress-serve', 'app:app'], 8080, 'default'],
    ['uwsgi --http', ['uwsgi', '--http', ':5008', '--module', 'app:app'], 5008, 'bind-argument'],
    [
      'uwsgi --http-socket',
      ['uwsgi', '--http-socket=0.0.0.0:5009', '-w', 'app:app'],
      5009,
      'bind-argument',
    ],
    ['flask run -p', ['flask', 'run', '--host=0.0.0.0', '-p', '5010'], 5010, 'bind-argument'],
    [
      'flask --app x run --port=',
      ['flask', '--app', 'app', 'run', '--port=5011'],
      5011,
      'bind-argument',
    ],
    ['flask run default', ['python', '-m', 'flask', 'run'], 5000, 'default'],
    ['unknown server', ['python', 'app.py'], 8000, 'default'],
    ['no command', [], 8000, 'default'],
  ])('%s', (_name, argv, port, portSource) => {
    expect(detectPort(argv, [], none)).toMatchObject({ port, portSource })
  })

  test('EXPOSE when the arguments say nothing; the arguments win over EXPOSE', () => {
    expect(detectPort(['python', 'app.py'], [5000, 9000], none)).toMatchObject({
      port: 5000,
      portSource: 'expose',
    })
    expect(detectPort(['gunicorn', '-b', ':7000', 'a:a'], [5000], none)).toMatchObject({
      port: 7000,
      portSource: 'bind-argument',
    })
  })

  test('variables the servers read themselves, and $VARS in shell forms', () => {
    const env = new Map([
      ['PORT', '8081'],
      ['FLASK_RUN_PORT', '5055'],
    ])
    expect(detectPort(['gunicorn', 'app:app'], [8000], env)).toMatchObject({
      port: 8081,
      portSource: 'bind-argument',
    })
    expect(detectPort(['flask', 'run'], [], env)).toMatchObject({
      port: 5055,
      portSource: 'bind-argument',
    })
    expect(detectPort(['sh', '-c', 'gunicorn -b 0.0.0.0:$PORT app:app'], [], env).port).toBe(8081)
    expect(
      detectPort(['sh', '-c', 'gunicorn -b 0.0.0.0:${APP_PORT:-9090} app:app'], [], env).port,
    ).toBe(9090)
    const cmdArgs = new Map([['GUNICORN_CMD_ARGS', '--bind=0.0.0.0:6060 --workers=3']])
    expect(detectPort(['gunicorn', 'app:app'], [8000], cmdArgs)).toMatchObject({
      port: 6060,
      portSource: 'bind-argument',
    })
  })
})

test('splitWords keeps quoted words together', () => {
  expect(splitWords(`gunicorn --bind "0.0.0.0:80" 'app:create_app()'`)).toEqual([
    'gunicorn',
    '--bind',
    '0.0.0.0:80',
    'app:create_app()',
  ])
})
