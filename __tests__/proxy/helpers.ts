/** Shared pieces of the proxy e2e tests: a tiny Gunicorn app image and workspaces holding configs. */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import type { Docker } from '../../src/docker/docker'

export const BASE_IMAGE = process.env.FDC_BASE_IMAGE ?? 'flask-deploy-check/python:bookworm'
export const PROXY_IMAGE = process.env.FDC_PROXY_IMAGE ?? 'flask-deploy-check/nginx:bookworm'

/** Flask under Gunicorn with an access log: /, /healthz, /docs/ and static files under /app/static. */
const APP = `
from flask import Flask
app = Flask(__name__)

@app.get('/healthz')
def health():
    return 'ok'

@app.get('/')
def index():
    return 'hello'

@app.get('/docs/')
def docs():
    return 'docs'
`

const DOCKERFILE = `FROM ${BASE_IMAGE}
WORKDIR /app
COPY . .
EXPOSE 8000
CMD ["gunicorn", "-b", "0.0.0.0:8000", "-w", "1", "--access-logfile", "-", "app:app"]
`

const dirs: string[] = []

/** A fresh temp dir, removed by removeDirs(). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  dirs.push(dir)
  return dir
}

/** Writes files (relative path -> content) under dir. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
    writeFileSync(path.join(dir, rel), text)
  }
}

/** Builds the test app image, labelled with buildId; returns its tag. */
export async function buildAppImage(docker: Docker, buildId: string): Promise<string> {
  const dir = tempDir('fdc-proxy-app-')
  writeFiles(dir, {
    'app.py': APP,
    Dockerfile: DOCKERFILE,
    'static/app.css': 'body { color: #123456 }\n',
    'static/img/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
  })
  const tag = `flask-deploy-check/app:${buildId}`
  const built = await docker.build({
    context: dir,
    file: path.join(dir, 'Dockerfile'),
    tag,
    runId: buildId,
    buildArgs: [],
    timeoutMs: 300_000,
  })
  if (built.exitCode !== 0) throw new Error(`build failed: ${built.tail.join('\n')}`)
  return tag
}

/** Labelled containers and networks of a run, as `kind name` lines. */
export function leftovers(runId: string): string[] {
  const label = `label=flask-deploy-check.run=${runId}`
  const list = (args: string[]): string[] =>
    execFileSync('docker', args).toString().split('\n').filter(Boolean)
  return [
    ...list(['ps', '-a', '--format', 'container {{.Names}}', '--filter', label]),
    ...list(['network', 'ls', '--format', 'network {{.Name}}', '--filter', label]),
  ]
}

export function removeImage(tag: string): void {
  execFileSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' })
}

export function removeDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
}
