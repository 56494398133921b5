/**
 * Host mode's pure parts: ExecStart= mapped onto the venv and the checkout, nginx listens moved
 * to loopback ports with every other byte kept, the /proc readers, and logs.stdout accepting the
 * rotating-file alternative (on the recorded systemd-good run's own access-log lines).
 */
import { runCatalog } from '../../src/checks/catalog'
import { mapCommand, rebind } from '../../src/host/command'
import { writable } from '../../src/host/log-files'
import { parseStat, parseUid } from '../../src/host/proc'
import { listenPort, listenPorts, moveListens } from '../../src/proxy/listen'
import { recorded, withPart } from '../data/observations/load'

test('ExecStart= runs from the venv in the checkout, on the port host mode chose', () => {
  expect(
    mapCommand({
      argv: [
        '/srv/myapp/.venv/bin/gunicorn',
        '-w',
        '2',
        '-b',
        '0.0.0.0:8000',
        '-c',
        '/srv/myapp/gunicorn.conf.py',
        'app:app',
      ],
      serverIndex: 0,
      server: 'gunicorn',
      venvDir: '/tmp/venv',
      checkout: '/work/repo',
      workingDirectory: '/srv/myapp/',
      port: 21001,
    }),
  ).toEqual({
    file: '/tmp/venv/bin/python',
    args: [
      '-m',
      'gunicorn',
      '-w',
      '2',
      '-b',
      '0.0.0.0:21001',
      '-c',
      '/work/repo/gunicorn.conf.py',
      'app:app',
    ],
  })
  // No bind on the command line (a config file or GUNICORN_CMD_ARGS has it): the command line wins.
  expect(rebind('gunicorn', ['app:app'], 21002, '127.0.0.1')).toEqual([
    '--bind',
    '127.0.0.1:21002',
    'app:app',
  ])
  expect(rebind('waitress', ['--listen=127.0.0.1:8080', 'app:app'], 21003)).toEqual([
    '--listen=127.0.0.1:21003',
    'app:app',
  ])
  expect(rebind('gunicorn', ['--bind=unix:/run/app.sock', 'app:app'], 21004)).toEqual([
    '--bind=unix:/run/app.sock',
    'app:app',
  ])
})

test('listens move to loopback ports; IPv6 ones to 127.0.0.2; lines and other text unchanged', () => {
  const text =
    'server {\n    listen 80;\n    listen [::]:80;\n}\nserver {\n    listen 443 ssl default_server;\n    listen 0.0.0.0:8443 ssl;\n}\n'
  expect(listenPorts(text).sort()).toEqual([443, 80, 8443].sort())
  const moved = moveListens(
    text,
    new Map([
      [80, 21080],
      [443, 21443],
    ]),
  )
  expect(moved.text).toBe(
    'server {\n    listen 127.0.0.1:21080;\n    listen 127.0.0.2:21080;\n}\nserver {\n    listen 127.0.0.1:21443 ssl default_server;\n    listen 0.0.0.0:8443 ssl;\n}\n',
  )
  expect(moved.moves.map((m) => m.line)).toEqual([2, 3, 6])
  expect([
    listenPort('443'),
    listenPort('*:80'),
    listenPort('[::]:443'),
    listenPort('localhost'),
  ]).toEqual([443, 80, 443, 80])
})

test('/proc readers: a command name with spaces and parens, the real uid, write-open flags', () => {
  expect(parseStat('4242 (gunicorn: (worker) x) S 4200 4200 4200 0 -1')).toEqual({
    ppid: 4200,
    pgrp: 4200,
  })
  expect(parseUid('Name:\tgunicorn\nUid:\t33\t33\t33\t33\n')).toBe(33)
  expect(writable('pos:\t0\nflags:\t02102001\n')).toBe(true)
  expect(writable('pos:\t0\nflags:\t02100000\n')).toBe(false)
})

test('host mode: logs.stdout passes on a log file the server writes and names it', () => {
  const obs = recorded('systemd-good')
  const logs = obs.logs as Exclude<typeof obs.logs, { unavailable: string }>
  const accessLines = logs.stdout.filter((l) => /"GET /.test(l))
  const moved = withPart(obs, 'logs', {
    stdout: logs.stdout.filter((l) => !/"GET /.test(l)),
    stderr: logs.stderr,
    truncated: false,
    files: [{ path: 'access.log', source: 'Gunicorn --access-logfile', lines: accessLines }],
  })
  const result = runCatalog(moved).find((r) => r.id === 'logs.stdout')
  expect(result).toMatchObject({ status: 'passed' })
  expect(result?.summary).toMatch(/in access\.log \(Gunicorn --access-logfile\), not on stdout$/)
  const onStdout = runCatalog(obs).find((r) => r.id === 'logs.stdout')
  expect(onStdout?.summary).toMatch(/on stdout\/stderr$/)
  const nowhere = withPart(moved, 'logs', { ...logs, stdout: [], stderr: [], files: [] })
  expect(runCatalog(nowhere).find((r) => r.id === 'logs.stdout')?.status).toBe('failed')
})
