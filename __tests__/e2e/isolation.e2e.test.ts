/**
 * Issue 11, points 1, 2 and 5 on the real engine: two runs at once on one engine, the
 * containment of every container a run starts (limits, capabilities, no-new-privileges, no host
 * network, privileged mode or engine socket, none of the runner's environment), a job
 * cancelled with SIGINT then SIGTERM, and the run's image: removed unless keep-image, built
 * through buildx with cache-from / cache-to.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { SERVER_CAPS } from '../../src/docker/containment'
import { inspectRun, runImages, runLeftovers, type ContainerInspect } from './engine-objects'
import {
  SESSION_DIR,
  docker,
  labelledObjects,
  parseCommandFile,
  runAction,
  runPost,
  startAction,
  type ActionResult,
  type RunningAction,
} from './run-action'
import { check, reportOf } from './report-checks'

const RUN_MS = 5 * 60_000
const fixture = (name: string): string => `__tests__/fixtures/${name}`
/** A token-like value in the action's environment, as GITHUB_TOKEN is on a runner. */
const RUNNER_SECRET = 'ghs_fdcRunnerEnvCanary0000000000000000'
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** The run id the step saved, once it has (read from its GITHUB_STATE file). */
function runIdOf(running: RunningAction): string {
  const text = fs.existsSync(running.files.state)
    ? fs.readFileSync(running.files.state, 'utf8')
    : ''
  return parseCommandFile(text).runId ?? ''
}

/** Inspects the run's containers every 150 ms until the step ends; one entry per name. */
function watchContainers(running: RunningAction): Map<string, ContainerInspect> {
  const seen = new Map<string, ContainerInspect>()
  const tick = async (): Promise<void> => {
    while (running.child.exitCode === null && running.child.signalCode === null) {
      const runId = runIdOf(running)
      if (runId) for (const c of inspectRun(runId)) seen.set(c.Name.replace(/^\//, ''), c)
      await sleep(150)
    }
  }
  void tick()
  return seen
}

describe('two runs at once on one engine, watched container by container', () => {
  let good: ActionResult
  let other: ActionResult
  let seen: Map<string, ContainerInspect>
  beforeAll(async () => {
    const a = startAction({
      label: 'parallel good',
      inputs: { context: fixture('good'), 'boot-timeout': '30' },
      env: { GITHUB_TOKEN: RUNNER_SECRET, FDC_RUNNER_CANARY: RUNNER_SECRET },
    })
    const b = startAction({
      label: 'parallel no-hsts',
      inputs: { context: fixture('no-hsts'), 'boot-timeout': '30' },
    })
    seen = watchContainers(a)
    ;[good, other] = await Promise.all([a.result, b.result])
  }, RUN_MS)

  it('both reports are right: distinct runs, images and report files', () => {
    expect({ good: good.exitCode, other: other.exitCode }).toEqual({ good: 0, other: 1 })
    expect(reportOf(good).verdict).toBe('pass')
    expect(check(other, 'tls.hsts').status).toBe('failed')
    expect(good.state.runId).not.toBe(other.state.runId)
    expect(reportOf(good).target.image).not.toBe(reportOf(other).target.image)
    expect(good.outputs['report-path']).not.toBe(other.outputs['report-path'])
  })

  it('each removed its own containers, network, temp files and image', () => {
    expect(runLeftovers(good.state.runId)).toEqual([])
    expect(runLeftovers(other.state.runId)).toEqual([])
  })

  it('the app and the proxy ran contained', () => {
    const names = [...seen.keys()]
    expect(names).toEqual(
      expect.arrayContaining([`fdc-${good.state.runId}-app`, `fdc-${good.state.runId}-proxy`]),
    )
    for (const [name, c] of seen) {
      const h = c.HostConfig
      expect({
        name,
        capDrop: h.CapDrop,
        extraCaps: (h.CapAdd ?? []).filter(
          (cap) => !(SERVER_CAPS as readonly string[]).includes(cap.replace(/^CAP_/, '')),
        ),
        noNewPrivileges: (h.SecurityOpt ?? []).some((o) => /^no-new-privileges(:true)?$/.test(o)),
        privileged: h.Privileged,
        hostNetwork: h.NetworkMode === 'host',
        memoryLimited: h.Memory > 0 && h.MemorySwap === h.Memory,
        cpuLimited: h.NanoCpus > 0,
        pidsLimited: (h.PidsLimit ?? 0) > 0,
        engineSocket: c.Mounts.filter((m) => /docker\.sock|containerd/.test(m.Source)),
      }).toEqual({
        name,
        capDrop: ['ALL'],
        extraCaps: [],
        noNewPrivileges: true,
        privileged: false,
        hostNetwork: false,
        memoryLimited: true,
        cpuLimited: true,
        pidsLimited: true,
        engineSocket: [],
      })
    }
  })

  it("the runner's environment never reached a container", () => {
    for (const [name, c] of seen) {
      const env = c.Config.Env ?? []
      expect({
        name,
        leaked: env.filter(
          (e) => /GITHUB_|RUNNER_|ACTIONS_|FDC_RUNNER/.test(e) || e.includes(RUNNER_SECRET),
        ),
      }).toEqual({
        name,
        leaked: [],
      })
    }
    // It was there to leak: the step had it, and the app got its injected SECRET_KEY.
    const app = seen.get(`fdc-${good.state.runId}-app`)
    expect((app?.Config.Env ?? []).some((e) => e.startsWith('SECRET_KEY='))).toBe(true)
  })
})

describe('a job cancelled: SIGINT, then SIGTERM', () => {
  it(
    'the post step leaves no container, network, volume, image or temp file of the run',
    async () => {
      const running = startAction({
        label: 'cancelled',
        inputs: { context: fixture('good'), 'boot-timeout': '30' },
      })
      let runId = ''
      const deadline = Date.now() + 3 * 60_000
      while (Date.now() < deadline && running.child.exitCode === null) {
        runId = runIdOf(running)
        const app = runId
          ? labelledObjects(runId).filter((o) => o.kind === 'container' && o.name.endsWith('-app'))
          : []
        if (app.length > 0) break
        await sleep(150)
      }
      expect(runId).not.toBe('')
      // What a runner does on cancel: SIGINT, then SIGTERM (then, much later, SIGKILL).
      running.child.kill('SIGINT')
      await sleep(500)
      running.child.kill('SIGTERM')
      const killer = setTimeout(() => running.child.kill('SIGKILL'), 30_000)
      const main = await running.result.finally(() => clearTimeout(killer))
      expect(main.exitCode).not.toBe(0)
      const post = await runPost(main, { timeoutMs: 2 * 60_000 })
      expect(post.exitCode).toBe(0)
      expect(runLeftovers(runId)).toEqual([])
    },
    RUN_MS,
  )
})

describe('the image and the build cache', () => {
  it(
    'keep-image keeps the image, through the post step too; cache-from reaches the build',
    async () => {
      const cache = path.join(SESSION_DIR, 'no-cache-yet')
      const run = await runAction({
        label: 'keep-image',
        inputs: {
          context: fixture('good'),
          'keep-image': 'true',
          'cache-from': `type=local,src=${cache}`,
        },
      })
      const runId = run.state.runId
      try {
        expect(run.exitCode).toBe(0)
        // BuildKit names the local cache source it was given (missing here: a first run).
        expect(run.stdout).toMatch(new RegExp(`local cache import at ${cache}`))
        await runPost(run, { timeoutMs: 60_000 })
        expect(runImages(runId)).toEqual([reportOf(run).target.image])
      } finally {
        for (const image of runImages(runId)) docker(['image', 'rm', '-f', image])
      }
    },
    RUN_MS,
  )

  it(
    "cache-to type=local on the docker driver fails build.image with BuildKit's own reason",
    async () => {
      const run = await runAction({
        label: 'cache-to',
        inputs: {
          context: fixture('good'),
          'cache-to': `type=local,dest=${path.join(SESSION_DIR, 'cache-out')}`,
        },
      })
      const b = check(run, 'build.image')
      expect(b.status).toBe('failed')
      expect([b.summary, ...b.evidence].join('\n')).toMatch(
        /[Cc]ache export is not supported for the docker driver/,
      )
      expect(runLeftovers(run.state.runId)).toEqual([])
    },
    RUN_MS,
  )
})
