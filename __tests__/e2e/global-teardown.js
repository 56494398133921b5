// After the end-to-end tests: say how many containers they started, and fail when any
// container or network labelled flask-deploy-check=1 that they created is still there.
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const ROOT = path.resolve(__dirname, '..', '..')
const SESSION_DIR = path.join(ROOT, '.fdc-tmp', 'e2e')
const LABEL = 'flask-deploy-check=1'

function docker(args) {
  const r = spawnSync('docker', args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${(r.stderr || '').trim()}`)
  return r.stdout
}

const lines = (text) => text.split('\n').filter(Boolean)

/** "2026-11-24T16:21:52.1234Z" or "2026-11-24 16:21:52.1234 +0000 UTC" -> ms since the epoch. */
function dockerTime(s) {
  const m = /^(\S+) (\S+) ([+-]\d\d)(\d\d)\b/.exec(s)
  return Date.parse(m ? `${m[1]}T${m[2]}${m[3]}:${m[4]}` : s)
}

/** Labelled containers and networks: id, name, labels, creation time. */
function labelled() {
  const objects = []
  for (const id of lines(docker(['ps', '-aq', '--no-trunc', '--filter', `label=${LABEL}`]))) {
    const [created, name, labels] = docker([
      'container',
      'inspect',
      '-f',
      '{{.Created}}\t{{.Name}}\t{{json .Config.Labels}}',
      id,
    ])
      .trim()
      .split('\t')
    objects.push({
      kind: 'container',
      id,
      name: name.replace(/^\//, ''),
      labels,
      created: dockerTime(created),
    })
  }
  for (const id of lines(
    docker(['network', 'ls', '-q', '--no-trunc', '--filter', `label=${LABEL}`]),
  )) {
    const [created, name, labels] = docker([
      'network',
      'inspect',
      '-f',
      '{{.Created}}\t{{.Name}}\t{{json .Labels}}',
      id,
    ])
      .trim()
      .split('\t')
    objects.push({ kind: 'network', id, name, labels, created: dockerTime(created) })
  }
  return objects
}

module.exports = async () => {
  const sessionFile = path.join(SESSION_DIR, 'session.json')
  if (!fs.existsSync(sessionFile)) return // global-setup failed: it said why
  const { startedAt, eventsPid } = JSON.parse(fs.readFileSync(sessionFile, 'utf8'))
  const runs = lines(fs.readFileSync(path.join(SESSION_DIR, 'runs.jsonl'), 'utf8')).map((l) =>
    JSON.parse(l),
  )
  const runIds = runs.map((r) => r.runId).filter(Boolean)

  // Every container start with the tool's label, streamed by global-setup's `docker events`.
  await new Promise((r) => setTimeout(r, 500)) // the last start events are still on their way
  try {
    process.kill(eventsPid)
  } catch {
    // already gone
  }
  const started = lines(fs.readFileSync(path.join(SESSION_DIR, 'container-starts.txt'), 'utf8'))
  const minutes = ((Date.now() - startedAt) / 60_000).toFixed(1)
  process.stderr.write(
    `\n[e2e] ${started.length} containers started (${new Set(started).size} distinct, labelled ${LABEL}) ` +
      `by ${runs.length} action/CLI runs in ${minutes} min\n`,
  )

  // The action keeps the image it built (the `image` output names it): drop the suite's ones.
  let images = 0
  for (const runId of runIds) {
    for (const id of lines(
      docker(['images', '-q', '--filter', `label=flask-deploy-check.build=${runId}`]),
    )) {
      if (spawnSync('docker', ['rmi', '-f', id], { stdio: 'ignore' }).status === 0) images += 1
    }
  }
  if (images > 0)
    process.stderr.write(`[e2e] removed ${images} image(s) the action built for the tests\n`)

  // Leftovers: ours when they carry one of our run ids or were created after setup began.
  const ours = (o) => runIds.some((id) => o.name.includes(id) || o.labels.includes(id))
  const leftovers = labelled().filter((o) => ours(o) || o.created >= startedAt - 1000)
  const older = labelled().length - leftovers.length
  if (older > 0) {
    process.stderr.write(
      `[e2e] note: ${older} labelled object(s) older than this test session are on the engine\n`,
    )
  }
  if (leftovers.length === 0) {
    process.stderr.write('[e2e] no container or network left behind\n')
    return
  }
  const listing = leftovers.map((o) => `  ${o.kind} ${o.name} ${o.labels}`).join('\n')
  // Remove what is certainly ours (it would eat the engine's network pool); report the rest.
  for (const o of leftovers.filter(ours)) {
    spawnSync('docker', o.kind === 'container' ? ['rm', '-f', o.id] : ['network', 'rm', o.id], {
      stdio: 'ignore',
    })
  }
  const err = new Error(
    `e2e: ${leftovers.length} labelled object(s) left behind by the tests:\n${listing}`,
  )
  err.stack = err.message
  throw err
}
