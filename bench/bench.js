#!/usr/bin/env node
// What a run costs against the shell script a team would write instead, on this machine. In one
// process tree, alternating, after a warm-up, with the build cache warm, on the good fixture:
//   (a) bench/plain.sh: docker build, run, wait for /healthz, curl, stop, rm
//   (b) the CLI with every check (the bench refuses a run that failed any, or skipped one other
//       than as not applicable: systemd.* in a Docker run)
// then the CLI with 3 routes against 20, a crash at boot (container exit -> report written), the
// size of dist/index.js and the bundles' cold start. Prints medians and ratios.
// Usage: flock /tmp/fdc-e2e.lock node bench/bench.js [runs=5]   (after npm run build; provision
// first: bash scripts/provision.sh). Containers and images it makes carry flask-deploy-check labels.
const { execFileSync, spawn, spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const root = path.join(__dirname, '..')
const runs = Number(process.argv[2] || 5)
const sh = (file) => execFileSync('bash', [path.join(root, file)], { encoding: 'utf8' }).trim()
const base = sh('scripts/base-image.sh')
const proxy = sh('scripts/proxy-image.sh')
const fixture = (name) => path.join(root, '__tests__/fixtures', name)
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-bench-'))
const cli = path.join(root, 'bin/flask-deploy-check.js')

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`
const load = () => os.loadavg()[0].toFixed(2)

function timed(cmd, args) {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  return { r, ms: Number(process.hrtime.bigint() - t0) / 1e6 }
}

function plain() {
  const { r, ms } = timed('bash', [path.join(root, 'bench/plain.sh'), fixture('good'), base])
  if (r.status !== 0) throw new Error(`plain script failed (${r.status}): ${r.stderr}`)
  return ms
}

/** One CLI run; every check must have run (and, on the good fixture, passed). */
function cliRun(name, routes, expectPass = true) {
  const report = path.join(out, `report-${Date.now()}.json`)
  const args = [cli, '--context', fixture(name), '--build-arg', `BASE=${base}`]
  args.push('--proxy-image', proxy, '--report-path', report)
  for (const r of routes) args.push('--route', r)
  const { r, ms } = timed('node', args)
  const rep = JSON.parse(fs.readFileSync(report, 'utf8'))
  // Checks of another runtime (systemd.* in a Docker run) are skipped as not applicable.
  const unchecked = rep.checks.filter(
    (c) => c.status === 'skipped' && c.skip_reason !== 'not-applicable',
  )
  if (expectPass && (r.status !== 0 || unchecked.length > 0 || rep.counts.failed > 0))
    throw new Error(`${name}: exit ${r.status}, ${JSON.stringify(rep.counts)}\n${r.stdout}`)
  return { ms, report, rep }
}

/** Alternates the given runners after one warm-up round; medians by name. */
function alternate(runners) {
  for (const f of Object.values(runners)) f()
  const times = Object.fromEntries(Object.keys(runners).map((k) => [k, []]))
  for (let i = 0; i < runs; i++) for (const [k, f] of Object.entries(runners)) times[k].push(f())
  return Object.fromEntries(
    Object.entries(times).map(([k, v]) => [k, { median: median(v), all: v }]),
  )
}

/** Crash at boot: the app container's `die` event (docker events) to the report's mtime. */
async function crash() {
  const events = spawn('docker', [
    'events',
    '--filter',
    'event=die',
    '--filter',
    'label=flask-deploy-check=1',
    '--format',
    '{{.TimeNano}} {{.Actor.Attributes.name}}',
  ])
  let text = ''
  events.stdout.on('data', (d) => (text += d))
  await new Promise((r) => setTimeout(r, 300))
  const { report, rep } = cliRun('crash-on-boot', ['/'], false)
  // docker events may print a moment after the fact.
  await new Promise((r) => setTimeout(r, 300))
  events.kill()
  const name = `fdc-${rep.target.image.split(':').pop()}-app`
  const line = text.split('\n').find((l) => l.endsWith(` ${name}`))
  if (!line) throw new Error(`no die event for ${name}:\n${text}`)
  const diedMs = Number(BigInt(line.split(' ')[0]) / 1000000n)
  const boot = rep.checks.find((c) => c.id === 'boot.ready')
  if (!/^fail/.test(boot?.status ?? ''))
    throw new Error(`crash-on-boot: boot.ready ${boot?.status}`)
  return fs.statSync(report).mtimeMs - diedMs
}

function coldStart() {
  const version = []
  const action = []
  for (let i = 0; i < runs; i++) {
    version.push(timed('node', [cli, '--version']).ms)
    // The action in a directory without a Dockerfile: it loads, validates its inputs and exits
    // before anything starts.
    const t0 = process.hrtime.bigint()
    spawnSync('node', [path.join(root, 'dist/index.js')], { cwd: out, encoding: 'utf8' })
    action.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  return { cli: median(version), action: median(action) }
}

async function main() {
  const loadBefore = load()
  const three = ['/', '/docs/', '/healthz']
  const twenty = [...three, ...Array.from({ length: 17 }, (_, i) => `/?page=${i + 1}`)]
  const ab = alternate({ plain, cli: () => cliRun('good', ['/']).ms })
  const routes = alternate({
    three: () => cliRun('good', three).ms,
    twenty: () => cliRun('good', twenty).ms,
  })
  const crashes = []
  for (let i = 0; i < Math.min(runs, 3); i++) crashes.push(await crash())
  const cold = coldStart()
  const size = fs.statSync(path.join(root, 'dist/index.js')).size
  const cores = os.cpus().length
  console.log(
    `flask-deploy-check bench: ${runs} alternating runs after a warm-up, ${cores} cores, load ${loadBefore} -> ${load()}`,
  )
  console.log('| measure | median | runs |')
  console.log('|---|---|---|')
  const row = (what, m, all) => console.log(`| ${what} | ${m} | ${all.map(fmt).join(', ')} |`)
  row(
    '(a) plain script: build, run, wait for /healthz, curl, stop, rm',
    fmt(ab.plain.median),
    ab.plain.all,
  )
  row('(b) the CLI, every check (good fixture, route /)', fmt(ab.cli.median), ab.cli.all)
  console.log(`| ratio (b)/(a) | ${(ab.cli.median / ab.plain.median).toFixed(2)} | |`)
  row('CLI, 3 routes', fmt(routes.three.median), routes.three.all)
  row('CLI, 20 routes', fmt(routes.twenty.median), routes.twenty.all)
  console.log(
    `| ratio 20/3 routes | ${(routes.twenty.median / routes.three.median).toFixed(2)} | |`,
  )
  row('crash at boot: container exit -> report written', fmt(median(crashes)), crashes)
  console.log(`| dist/index.js size | ${(size / 1024 / 1024).toFixed(2)} MiB | |`)
  console.log(`| cold start: CLI --version | ${fmt(cold.cli)} | |`)
  console.log(
    `| cold start: action to its bad-input exit (no Dockerfile) | ${fmt(cold.action)} | |`,
  )
  fs.rmSync(out, { recursive: true, force: true })
}

main().catch((err) => {
  console.error(err.message)
  process.exit(1)
})
