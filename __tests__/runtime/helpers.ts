/** Shared pieces of the runtime e2e tests: a throwaway Flask project, options, a recording logger. */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import type { Logger } from '../../src/log'
import { parseOptions, type Options, type RawInputs } from '../../src/options'

export const BASE_IMAGE = process.env.FDC_BASE_IMAGE ?? 'flask-deploy-check/python:bookworm'

/**
 * A small Flask app; BOOM=1 makes the import fail after BOOM_DELAY seconds (a boot crash),
 * SLOW=N makes the import take N seconds (while Gunicorn already accepts connections).
 */
const APP = `
import os, sys, time
from flask import Flask
time.sleep(float(os.environ.get('SLOW', '0')))
if os.environ.get('BOOM'):
    time.sleep(float(os.environ.get('BOOM_DELAY', '0')))
    raise RuntimeError('boom: the app refused to start')
app = Flask(__name__)

@app.get('/healthz')
def health():
    return 'ok'

@app.get('/')
def index():
    return 'hello'
`

const projects: string[] = []

/** Writes a project (app.py + Dockerfile) to a fresh temp dir and returns the dir. */
export function project(dockerfile: string, app = APP): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fdc-runtime-'))
  projects.push(dir)
  writeFileSync(path.join(dir, 'app.py'), app)
  writeFileSync(
    path.join(dir, 'Dockerfile'),
    dockerfile.replace(/^FROM BASE$/m, `FROM ${BASE_IMAGE}`),
  )
  return dir
}

export const GUNICORN_DOCKERFILE = `FROM BASE
WORKDIR /app
COPY app.py .
EXPOSE 8000
CMD ["gunicorn", "-b", "0.0.0.0:8000", "-w", "2", "app:app"]
`

/** Options for a project dir, as the CLI would produce them. */
export function options(dir: string, raw: RawInputs = {}): Options {
  return parseOptions(
    { context: '.', 'boot-timeout': '30', ...raw },
    { workspace: dir, runnerTemp: dir },
  )
}

export interface RecordingLogger extends Logger {
  lines: string[]
  secrets: string[]
}

/** A logger that keeps every line (debug included) and every registered secret. */
export function recordingLogger(): RecordingLogger {
  const lines: string[] = []
  const secrets: string[] = []
  return {
    lines,
    secrets,
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    stage: (title, fn) => {
      lines.push(`## ${title}`)
      return fn()
    },
    secret: (v) => secrets.push(v),
  }
}

/** Container ids (running or not) labelled with the run id. */
export function containersOfRun(runId: string): string[] {
  const out = execFileSync('docker', [
    'ps',
    '-aq',
    '--filter',
    `label=flask-deploy-check.run=${runId}`,
  ])
  return out.toString().split('\n').filter(Boolean)
}

/** Deletes the temp dirs project() made. */
export function removeProjects(): void {
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/** Removes the images the tests built (they are labelled like everything else). */
export function removeTestImages(runIds: string[]): void {
  for (const id of runIds) {
    const images = execFileSync('docker', [
      'images',
      '-q',
      '--filter',
      `label=flask-deploy-check.build=${id}`,
    ])
      .toString()
      .split('\n')
      .filter(Boolean)
    if (images.length > 0)
      execFileSync('docker', ['rmi', '-f', ...new Set(images)], { stdio: 'ignore' })
  }
}

export function newRunId(tag: string): string {
  return `t${tag}${Math.random().toString(16).slice(2, 8)}`
}
