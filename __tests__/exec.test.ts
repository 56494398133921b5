/** The exec choke point: deadlines that kill, bounded output, secrets through the environment. */
import { CommandError, mustSucceed, run, runStreaming } from '../src/exec'

describe.each(['gnu-timeout', 'node'])('watchdog: %s', (kind) => {
  const saved = process.env.FDC_EXEC_WATCHDOG
  beforeAll(() => {
    if (kind === 'node') process.env.FDC_EXEC_WATCHDOG = 'node'
  })
  afterAll(() => {
    if (saved === undefined) delete process.env.FDC_EXEC_WATCHDOG
    else process.env.FDC_EXEC_WATCHDOG = saved
  })

  test('returns output and exit code without throwing', async () => {
    const r = await run('sh', ['-c', 'echo out; echo err >&2; exit 3'], { timeoutMs: 10_000 })
    expect(r).toMatchObject({
      exitCode: 3,
      stdout: 'out\n',
      stderr: 'err\n',
      timedOut: false,
      truncated: false,
    })
  })

  test('kills the command at its deadline', async () => {
    const r = await run('sleep', ['30'], { timeoutMs: 400 })
    expect(r.timedOut).toBe(true)
    expect(r.ms).toBeLessThan(3000)
  })

  test('a command that ignores SIGTERM is killed 2 s later', async () => {
    const r = await run('sh', ['-c', "trap '' TERM; while :; do sleep 0.1; done"], {
      timeoutMs: 300,
    })
    expect(r.timedOut).toBe(true)
    expect(r.ms).toBeLessThan(5000)
  })

  test('a command that is not installed throws instead of returning 127', async () => {
    await expect(run('no-such-tool-fdc', ['x'], { timeoutMs: 5000 })).rejects.toThrow(
      'no-such-tool-fdc could not be started',
    )
    await expect(runStreaming('no-such-tool-fdc', [], { timeoutMs: 5000 })).rejects.toThrow(
      CommandError,
    )
    // A command that runs and exits 127 itself is a result, not an exception.
    expect((await run('sh', ['-c', 'exit 127'], { timeoutMs: 5000 })).exitCode).toBe(127)
  })

  test('values travel in the environment, not the arguments', async () => {
    const r = await run('sh', ['-c', 'printf %s "$FDC_TEST_SECRET"'], {
      timeoutMs: 5000,
      env: { FDC_TEST_SECRET: 's3 cr=t' },
    })
    expect(r.stdout).toBe('s3 cr=t')
  })
})

test('input goes to stdin', async () => {
  const r = await run('cat', [], { timeoutMs: 5000, input: 'hello' })
  expect(r.stdout).toBe('hello')
})

test('output beyond maxOutputBytes is dropped and flagged', async () => {
  const r = await run('sh', ['-c', 'head -c 100000 /dev/zero | tr "\\0" a'], {
    timeoutMs: 5000,
    maxOutputBytes: 1000,
  })
  expect(r.stdout).toHaveLength(1000)
  expect(r.truncated).toBe(true)
})

test('runStreaming forwards every line and keeps the last ones', async () => {
  const seen: string[] = []
  const r = await runStreaming(
    'sh',
    ['-c', 'for i in 1 2 3 4 5; do echo line$i; done; echo fatal >&2; exit 2'],
    {
      timeoutMs: 5000,
      keepLines: 3,
      onLine: (l) => seen.push(l),
    },
  )
  expect(seen).toEqual(['line1', 'line2', 'line3', 'line4', 'line5', 'fatal'])
  expect(r).toMatchObject({
    exitCode: 2,
    tail: ['line4', 'line5', 'fatal'],
    lastErrorLine: 'fatal',
    timedOut: false,
  })
})

test('mustSucceed names the command, exit code and last stderr line', async () => {
  const r = await run('sh', ['-c', 'echo first >&2; echo "no such image" >&2; exit 1'], {
    timeoutMs: 5000,
  })
  expect(() => mustSucceed(r, 'docker', ['pull', 'x'])).toThrow(
    new CommandError('docker', ['pull', 'x'], 1, 'no such image'),
  )
  expect(() => mustSucceed(r, 'docker', ['pull', 'x'])).toThrow(
    'docker pull x exited with 1: no such image',
  )
})
