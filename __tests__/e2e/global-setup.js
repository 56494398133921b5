// Before the end-to-end tests: a Docker engine and the base images (scripts/provision.sh), a
// fresh dist/ (unless FDC_SKIP_BUILD is set, as `npm test` does after checking dist/), and the
// session file global-teardown.js uses to count and attribute what the tests started.
const { spawn, spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const ROOT = path.resolve(__dirname, '..', '..')
const SESSION_DIR = path.join(ROOT, '.fdc-tmp', 'e2e')

/** An error jest prints as one line (no stack): the reason the suite cannot run. */
function fatal(message) {
  const err = new Error(message)
  err.stack = message
  return err
}

function run(what, command, args) {
  const r = spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
  if (r.error) throw fatal(`e2e: ${what}: ${r.error.message}`)
  return r.status
}

module.exports = async () => {
  fs.rmSync(SESSION_DIR, { recursive: true, force: true })
  process.stderr.write('\n')
  // The end-to-end tests need a real engine: never skip them silently.
  const provisioned = run('scripts/provision.sh', 'bash', ['scripts/provision.sh'])
  if (provisioned !== 0) {
    throw fatal(
      `e2e: no Docker engine could be had (scripts/provision.sh exited ${provisioned}); the end-to-end tests need one`,
    )
  }
  if (!process.env.FDC_SKIP_BUILD) {
    process.stderr.write('[e2e] npm run build (set FDC_SKIP_BUILD=1 to use dist/ as it is)\n')
    const built = run('npm run build', 'npm', ['run', '--silent', 'build'])
    if (built !== 0) throw fatal(`e2e: npm run build failed (exit ${built})`)
  }
  for (const file of ['dist/index.js', 'dist/cli/index.js']) {
    if (!fs.existsSync(path.join(ROOT, file)))
      throw fatal(`e2e: ${file} is missing: run npm run build`)
  }
  fs.mkdirSync(SESSION_DIR, { recursive: true })
  fs.writeFileSync(path.join(SESSION_DIR, 'runs.jsonl'), '')
  // A live event stream, not `docker events --since` at the end: the engine replays only a
  // bounded buffer of past events, which a long suite overflows.
  const events = fs.openSync(path.join(SESSION_DIR, 'container-starts.txt'), 'w')
  const watcher = spawn(
    'docker',
    [
      'events',
      '--filter',
      'type=container',
      '--filter',
      'event=start',
      '--filter',
      'label=flask-deploy-check=1',
      '--format',
      '{{.ID}}',
    ],
    { detached: true, stdio: ['ignore', events, 'ignore'] },
  )
  watcher.unref()
  fs.writeFileSync(
    path.join(SESSION_DIR, 'session.json'),
    `${JSON.stringify({ startedAt: Date.now(), pid: process.pid, eventsPid: watcher.pid }, null, 2)}\n`,
  )
}
