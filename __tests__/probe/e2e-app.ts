/**
 * The image and helpers the probe's end-to-end tests share: one tiny Flask app built FROM the
 * Debian python base (APP_MODE picks its defect), booted through startApp with the probe mounted.
 *
 * The image marks Debian's own sitecustomize (it sets DEBIAN_SITECUSTOMIZE=ran) so a test can see
 * that the injected sitecustomize still runs the one it shadows; /app/custom holds a second
 * sitecustomize for an image PYTHONPATH. The app runs as a non-root uid, so the mounted files
 * must be world-readable.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Docker } from '../../src/docker/docker'
import { waitReady } from '../../src/runtime/readiness'
import { removeApp, removeRun, startApp, type AppSpec } from '../../src/docker/stack'
import { silentLogger } from '../../src/log'
import type { BootFacts } from '../../src/facts/types'
import { HttpProbe } from '../../src/probe/http'
import { prepareProbe, type PreparedProbe } from '../../src/probe/introspect'

const BASE = 'flask-deploy-check/python:bookworm'

const APP = `
import os, sys
from flask import Flask, jsonify, session
from werkzeug.middleware.proxy_fix import ProxyFix

app = Flask(__name__)
mode = os.environ.get("APP_MODE", "proxyfix")
if mode == "strict":
    app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]  # KeyError: refuses to start
else:
    app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev")
if mode == "debug":
    app.config["DEBUG"] = True
if mode in ("proxyfix", "strict"):
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

@app.get("/")
def index():
    session["n"] = session.get("n", 0) + 1
    return "hi"

@app.get("/healthz")
def healthz():
    return "ok"

@app.get("/docs/")
def docs():
    return "docs"

@app.get("/site")
def site():
    import sitecustomize
    shadowed = getattr(sitecustomize, "_fdc_shadowed", None)
    return jsonify(
        marker=os.environ.get("DEBIAN_SITECUSTOMIZE"),
        shadowed=getattr(shadowed, "__file__", None),
        probeLoaded="_flask_deploy_check_probe" in sys.modules,
        probeDirOnPath=any("flask-deploy-check" in p for p in sys.path),
    )
`

const DOCKERFILE = `FROM ${BASE}
RUN printf '\\nimport os\\nos.environ["DEBIAN_SITECUSTOMIZE"] = "ran"\\n' >> /etc/python3.11/sitecustomize.py
RUN mkdir -p /app/custom && printf 'import os\\nos.environ["DEBIAN_SITECUSTOMIZE"] = "image-pythonpath"\\n' > /app/custom/sitecustomize.py
WORKDIR /app
COPY app.py .
USER 10001
`

export const GUNICORN = ['gunicorn', '-w', '2', '-b', '0.0.0.0:8000', 'app:app']

export interface Booted {
  boot: BootFacts
  /** GET on the app port; never throws for an HTTP status. */
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: string }>
}

/** One image, one temp dir with the probe, one run id; dispose() removes all of it. */
export class ProbeTestbed {
  readonly docker = new Docker()
  readonly runId = `probe${randomBytes(4).toString('hex')}`
  readonly tag = `fdc-probe-e2e:${process.pid}-${randomBytes(2).toString('hex')}`
  readonly tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-probe-e2e-'))
  readonly probe: PreparedProbe = prepareProbe({ tempDir: this.tmp })

  /** Builds the image (the layer cache makes a second suite's build instant). */
  build(): void {
    const ctx = path.join(this.tmp, 'ctx')
    fs.mkdirSync(ctx)
    fs.writeFileSync(path.join(ctx, 'app.py'), APP)
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), DOCKERFILE)
    const built = spawnSync('docker', ['build', '-q', '-t', this.tag, ctx], { encoding: 'utf8' })
    if (built.status !== 0) throw new Error(`docker build failed: ${built.stderr}`)
  }

  /** Boots the image (probe mounted, probe env added unless `bare`), runs fn, removes it. */
  async withApp(
    spec: { role: string; command: string[]; env: [string, string][]; bare?: boolean },
    fn: (app: Booted) => Promise<void>,
  ): Promise<void> {
    const app: AppSpec = {
      runId: this.runId,
      image: this.tag,
      port: 8000,
      env: spec.bare ? spec.env : [...spec.env, ...this.probe.env],
      command: spec.command,
      mounts: this.probe.mounts,
      role: spec.role,
    }
    const handle = await startApp(this.docker, app)
    try {
      const boot = await waitReady(this.docker, handle, {
        appPort: 8000,
        healthPath: '/healthz',
        timeoutMs: 30_000,
        log: silentLogger,
      })
      const http = new HttpProbe({ via: 'app', host: '127.0.0.1', port: handle.hostPort ?? 0 })
      try {
        await fn({
          boot,
          get: async (p, headers) => {
            const ex = await http.exchange({ purpose: 'test', path: p, headers })
            if (!ex.response) throw new Error(`GET ${p}: ${ex.error}`)
            return { status: ex.response.status, body: ex.response.body }
          },
        })
      } finally {
        await http.close()
      }
    } finally {
      await removeApp(this.docker, handle)
    }
  }

  async dispose(): Promise<void> {
    await removeRun(this.runId, this.docker)
    spawnSync('docker', ['rmi', '-f', this.tag], { stdio: 'ignore' })
    fs.rmSync(this.tmp, { recursive: true, force: true })
  }
}
