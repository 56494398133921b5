/**
 * Host mode end to end (`runtime: host`, auto-detected: the fixtures have a systemd unit and no
 * Dockerfile): `node dist/index.js` as a runner runs it, no Docker involved. The venv comes from
 * Debian's packages (scripts/provision-host.sh), the app runs as a child process group, the
 * runner's nginx in front on loopback ports (21000-29999, below docker's published ports).
 * Nothing the run started may be left: every process it spawns carries FDC_RUN_ID=<run id>.
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { HOST_CASES, HOST_GOOD, IMPLEMENTED, NOT_IN_HOST_MODE } from './cases'
import { ROOT, runAction, runPost, startAction, type ActionResult } from './run-action'

const fixture = (name: string): string => path.join(ROOT, '__tests__', 'fixtures', name)
const TIMEOUT = 240_000

/** PIDs of live processes whose environment names the run. */
function processesOf(runId: string): number[] {
  const marker = `FDC_RUN_ID=${runId}`
  const pids: number[] = []
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue
    try {
      const env = fs.readFileSync(`/proc/${e}/environ`, 'latin1').split('\0')
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8')
      // A zombie has ended; its parent has not reaped it yet.
      if (env.includes(marker) && !/\) Z /.test(stat)) pids.push(Number(e))
    } catch {
      // gone, or not ours to read
    }
  }
  return pids
}

const statuses = (r: ActionResult): Record<string, string> =>
  Object.fromEntries((r.report?.checks ?? []).map((c) => [c.id, c.status]))

beforeAll(() => {
  const p = spawnSync('bash', [path.join(ROOT, 'scripts', 'provision-host.sh')], {
    stdio: 'inherit',
  })
  if (p.status !== 0) throw new Error('scripts/provision-host.sh failed')
})

describe('the systemd-good fixture in host mode', () => {
  let run: ActionResult
  beforeAll(async () => {
    run = await runAction({ inputs: { context: fixture(HOST_GOOD) }, label: HOST_GOOD })
  }, TIMEOUT)

  it('passes every check but build.* and image.*, which are not applicable; exit 0', () => {
    expect(run.exitCode).toBe(0)
    const expected: Record<string, string> = {}
    for (const c of run.report?.checks ?? [])
      expected[c.id] = (NOT_IN_HOST_MODE as string[]).includes(c.id) ? 'skipped' : 'passed'
    expect(statuses(run)).toEqual(expected)
    for (const c of run.report?.checks ?? [])
      if ((NOT_IN_HOST_MODE as string[]).includes(c.id))
        expect(c.skip_reason).toBe('not-applicable')
  })

  it('reports target.runtime host, the unit file, and the repository nginx config', () => {
    expect(run.report?.target).toMatchObject({
      runtime: 'host',
      file: '__tests__/fixtures/systemd-good/deploy/myapp.service',
      proxy: { kind: 'nginx', config: '__tests__/fixtures/systemd-good/deploy/nginx.conf' },
    })
  })

  it('leaves nothing running and removes the venv from RUNNER_TEMP', () => {
    expect(processesOf(run.state.runId)).toEqual([])
    const temp = path.join(run.files.dir, 'runner-temp', 'flask-deploy-check')
    const left = fs.existsSync(temp)
      ? fs.readdirSync(temp).filter((f) => f.startsWith('venv-'))
      : []
    expect(left).toEqual([])
  })
})

describe.each(HOST_CASES.map((c) => [c.fixture, c] as const))('the %s fixture', (name, c) => {
  let run: ActionResult
  let good: ActionResult
  beforeAll(async () => {
    good = await runAction({ inputs: { context: fixture(HOST_GOOD) }, label: HOST_GOOD })
    run = await runAction({ inputs: { context: fixture(name) }, label: name })
  }, 2 * TIMEOUT)

  it('fails exactly its checks, at the unit-file line, and changes no other', () => {
    expect(run.exitCode).toBe(c.exitCode)
    const mine = statuses(run)
    const theirs = statuses(good)
    for (const id of Object.keys(mine)) {
      if (c.expect[id as keyof typeof c.expect] === 'fail')
        expect([id, mine[id]]).toEqual([id, 'failed'])
      else expect([id, mine[id]]).toEqual([id, theirs[id]])
    }
    for (const id of Object.keys(c.expect)) {
      const check = run.report?.checks.find((x) => x.id === id)
      expect(check?.location?.file).toBe(`__tests__/fixtures/${name}/deploy/myapp.service`)
      expect(check?.location?.line).toBeGreaterThan(0)
      for (const re of c.evidence?.[id as keyof typeof c.evidence] ?? [])
        expect([check?.summary, ...(check?.evidence ?? [])].join('\n')).toMatch(re)
    }
    void IMPLEMENTED
  })

  it('never prints the values written into the unit', () => {
    const text = fs.readFileSync(path.join(fixture(name), 'deploy', 'myapp.service'), 'utf8')
    const values = [...text.matchAll(/"(?:SECRET_KEY|DATABASE_URL)=([^"]+)"/g)].map((m) => m[1])
    expect(values.length).toBe(2)
    const shown = [run.log, run.stderr, run.summary, JSON.stringify(run.report)].join('\n')
    for (const v of values) expect(shown).not.toContain(v)
    expect(shown).not.toContain('hunter2')
  })

  it('leaves nothing running', () => {
    expect(processesOf(run.state.runId)).toEqual([])
  })
})

describe('a cancelled host-mode run', () => {
  it(
    'killed while the app runs, its post step ends every process group it started',
    async () => {
      const started = startAction({
        inputs: { context: fixture(HOST_GOOD) },
        label: 'host-cancelled',
      })
      const stateFile = started.files.state
      let runId = ''
      const deadline = Date.now() + 120_000
      // Wait for the app's processes, then kill the step as a runner's hard cancel does.
      while (Date.now() < deadline) {
        runId =
          /runId<<\S+\n([0-9a-f]+)/.exec(
            fs.existsSync(stateFile) ? fs.readFileSync(stateFile, 'utf8') : '',
          )?.[1] ?? ''
        if (runId && processesOf(runId).length > 0) break
        await new Promise((r) => setTimeout(r, 200))
      }
      expect(processesOf(runId).length).toBeGreaterThan(0)
      started.child.kill('SIGKILL')
      const main = await started.result
      expect(processesOf(runId).length).toBeGreaterThan(0)
      const post = await runPost(main)
      expect(post.exitCode).toBe(0)
      await new Promise((r) => setTimeout(r, 500))
      expect(processesOf(runId)).toEqual([])
    },
    TIMEOUT,
  )
})
