#!/usr/bin/env node
// Measures what a run costs on this machine: runs the CLI on examples/app N times (the first
// with no cached app layers, the rest with the build cache warm) and prints the report's timings.
// Usage: node bench/bench.js [runs=3]   (provision first: bash scripts/provision.sh)
const { execFileSync, spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const root = path.join(__dirname, '..')
const runs = Number(process.argv[2] || 3)
const base = execFileSync('bash', [path.join(root, 'scripts/base-image.sh')], {
  encoding: 'utf8',
}).trim()
const proxy = execFileSync('bash', [path.join(root, 'scripts/proxy-image.sh')], {
  encoding: 'utf8',
}).trim()
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'fdc-bench-'))
const rows = []
for (let i = 0; i < runs; i++) {
  const report = path.join(out, `report-${i}.json`)
  const args = [
    path.join(root, 'bin/flask-deploy-check.js'),
    '--context',
    path.join(root, 'examples/app'),
    '--build-arg',
    `BASE=${base}`,
    '--proxy-image',
    proxy,
    '--route',
    '/',
    '--route',
    '/about',
    '--report-path',
    report,
    '--json',
  ]
  if (i === 0) {
    // Cold: removing the images earlier runs built also removes their cached layers (legacy builder).
    const ids = execFileSync(
      'docker',
      ['images', '-q', '--filter', 'label=flask-deploy-check.build'],
      { encoding: 'utf8' },
    )
      .split('\n')
      .filter(Boolean)
    if (ids.length > 0) spawnSync('docker', ['rmi', '-f', ...new Set(ids)])
  }
  const t0 = Date.now()
  const r = spawnSync('node', args, { encoding: 'utf8' })
  const wall = Date.now() - t0
  const verdict = JSON.parse(fs.readFileSync(report, 'utf8'))
  if (verdict.counts.skipped > 0 || r.status !== 0) {
    // A bench of a run that skipped checks (no proxy image, say) measures the wrong thing.
    process.stderr.write(
      `run ${i}: exit ${r.status}, ${verdict.counts.skipped} skipped\n${r.stderr}`,
    )
    process.exit(1)
  }
  const t = JSON.parse(fs.readFileSync(report, 'utf8')).timings_ms
  rows.push({ run: i === 0 ? 'cold' : 'warm', ...t, wall })
}
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`
console.log(
  `flask-deploy-check bench: ${runs} runs on examples/app, ${os.cpus().length} cores, base ${base}, proxy ${proxy}`,
)
console.log('| run | build | boot | checks | total (report) | wall (process) |')
console.log('|---|---|---|---|---|---|')
for (const r of rows)
  console.log(
    `| ${r.run} | ${fmt(r.build)} | ${fmt(r.boot)} | ${fmt(r.checks)} | ${fmt(r.total)} | ${fmt(r.wall)} |`,
  )
fs.rmSync(out, { recursive: true, force: true })
