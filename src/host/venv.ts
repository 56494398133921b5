/**
 * The virtualenv host mode runs the app in: made under RUNNER_TEMP with --system-site-packages
 * (the runner's Debian packages serve offline, scripts/provision-host.sh installs them), then
 * requirements.txt installed into it by pip. Removed with the run.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { run } from '../exec'
import type { Logger } from '../log'

const VENV_TIMEOUT_MS = 120_000
const PIP_TIMEOUT_MS = 600_000

export interface Venv {
  ok: boolean
  dir: string
  python: string
  ms: number
  /** The pip (or venv) output's last lines. */
  logTail: string[]
  error?: string
}

/** The interpreter the venv is made from: the system's, whose site-packages hold Debian's. */
export function basePython(): string {
  return fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'
}

export function venvDir(runId: string): string {
  return path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'flask-deploy-check', `venv-${runId}`)
}

function tail(text: string, n = 20): string[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-n)
}

/** Makes the venv and installs requirements.txt (when the checkout has one). */
export async function makeVenv(runId: string, checkout: string, log: Logger): Promise<Venv> {
  const started = Date.now()
  const dir = venvDir(runId)
  const python = path.join(dir, 'bin', 'python')
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(path.dirname(dir), { recursive: true })
  // --without-pip: the system's pip (from site-packages) installs into the venv, no ensurepip.
  const made = await run(
    basePython(),
    ['-m', 'venv', '--system-site-packages', '--without-pip', dir],
    { timeoutMs: VENV_TIMEOUT_MS, log },
  )
  const done = (ok: boolean, out: string, error?: string): Venv => ({
    ok,
    dir,
    python,
    ms: Date.now() - started,
    logTail: tail(out),
    ...(error ? { error } : {}),
  })
  if (made.exitCode !== 0)
    return done(false, made.stderr, `python3 -m venv failed: ${tail(made.stderr, 1).join('')}`)
  const requirements = path.join(checkout, 'requirements.txt')
  if (!fs.existsSync(requirements)) return done(true, 'no requirements.txt')
  log.info(`pip install -r requirements.txt into ${dir}`)
  const pip = await run(
    python,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-r', requirements],
    { timeoutMs: PIP_TIMEOUT_MS, env: { PIP_NO_INPUT: '1' }, log },
  )
  const out = `${pip.stdout}\n${pip.stderr}`
  if (pip.exitCode !== 0)
    return done(
      false,
      out,
      `pip install -r requirements.txt failed: ${tail(pip.stderr, 1).join('')}`,
    )
  return done(true, out)
}
