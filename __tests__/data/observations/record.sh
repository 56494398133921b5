#!/usr/bin/env bash
# Records the Observations of every e2e fixture (__tests__/fixtures/*) as fixtures/<fixture>.json
# here, for the check unit tests:
# the CLI built from this tree runs each fixture with --dump-observations and the inputs the e2e
# suites give it (__tests__/e2e/cases.ts: DEFECT_CASES as action.e2e.test.ts runs them, with the
# default route; PROXY_CASES and good as proxy.e2e.test.ts runs them, with routes / and /docs).
# Usage: bash __tests__/data/observations/record.sh [fixture ...]   (default: every fixture)
# Needs a Docker engine (scripts/provision.sh makes one); takes /tmp/fdc-e2e.lock for the runs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"

# The engine is shared: hold the suites' lock for the runs (the bundle is built before).
if [ -z "${FDC_RECORD_LOCKED:-}" ]; then
  # bin/flask-deploy-check.js loads dist/cli/index.js: rebuild it from these sources.
  npm run --silent build
  FDC_RECORD_LOCKED=1 exec flock /tmp/fdc-e2e.lock bash "$0" "$@"
fi

bash scripts/provision.sh
base=${FDC_BASE_IMAGE:-$(bash scripts/base-image.sh)}
proxy=${FDC_PROXY_IMAGE:-$(bash scripts/proxy-image.sh)}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# fixture|routes (comma-separated, '' = the default /)|boot-timeout|fail-on|further CLI arguments
# (the case's inputs, as a base64 JSON array); good first.
# boot-timeout 30 is BOOT_TIMEOUT of both e2e suites.
node -e '
  // cases.ts and what it imports are TypeScript: transpile each file as it is required.
  const ts = require("typescript")
  const fs = require("fs")
  require.extensions[".ts"] = (m, file) => {
    const out = ts.transpileModule(fs.readFileSync(file, "utf8"), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, esModuleInterop: true },
    })
    m._compile(out.outputText, file)
  }
  const { DEFECT_CASES, PROXY_CASES } = require("./__tests__/e2e/cases.ts")
  // A multi-line input is one flag per line, as the CLI takes it (--proxy-env K=V ...).
  const extra = (c) => Object.entries(c.inputs ?? {}).flatMap(([k, v]) =>
    v.split("\n").filter(Boolean).flatMap((line) => [`--${k}`, line]))
  const b64 = (c) => Buffer.from(JSON.stringify(extra(c))).toString("base64")
  const row = (c, routes) =>
    [c.fixture, routes, c.bootTimeout ?? 30, c.failOn ?? "error", b64(c)].join("|")
  console.log(row({ fixture: "good" }, "/,/docs"))
  for (const c of DEFECT_CASES) console.log(row(c, ""))
  for (const c of PROXY_CASES) console.log(row(c, (c.routes ?? ["/", "/docs"]).join(",")))
  // The Caddy fixtures (caddy.e2e.test.ts): their inputs name the Caddy proxy image.
  for (const c of require("./__tests__/e2e/caddy-cases.ts").CADDY_CASES) console.log(row(c, "/,/docs"))
' >"$work/cases.txt"
mkdir -p "$here/fixtures"

started=$(date +%s)
while IFS='|' read -r fixture routes timeout failon extra; do
  if [ $# -gt 0 ] && [[ " $* " != *" $fixture "* ]]; then continue; fi
  out="$here/fixtures/$fixture.json"
  args=(--context "__tests__/fixtures/$fixture" --build-arg "BASE=$base" --proxy-image "$proxy"
    --boot-timeout "$timeout" --fail-on "$failon" --report-path "$work/$fixture.report.json"
    --dump-observations "$out" --no-color)
  IFS=, read -ra list <<<"$routes"
  for r in "${list[@]}"; do args+=(--route "$r"); done
  while IFS= read -r -d '' a; do args+=("$a"); done < <(
    node -e 'for (const a of JSON.parse(Buffer.from(process.argv[1], "base64"))) process.stdout.write(a + "\0")' "$extra"
  )
  t0=$(date +%s)
  code=0
  node bin/flask-deploy-check.js "${args[@]}" </dev/null >"$work/$fixture.log" 2>&1 || code=$?
  if [ "$code" -gt 1 ]; then
    echo "$fixture: the CLI exited $code" >&2
    tail -n 20 "$work/$fixture.log" >&2
    exit 1
  fi
  # BuildKit's log names the default registry before local image names; the recording keeps the
  # names only (no registry host in the repository's test data).
  sed -i 's#docker\.io/##g' "$out"
  # The token names the probe's page: it must have been redacted away.
  if grep -Eq '__flask_deploy_check/[0-9a-f]{32}' "$out"; then
    echo "$fixture: the probe token is in $out" >&2
    exit 1
  fi
  image=$(node -p 'require(process.argv[1]).target.image' "$work/$fixture.report.json")
  [[ $image == flask-deploy-check/app:* ]] && docker rmi -f "$image" >/dev/null 2>&1 || true
  echo "recorded fixtures/$fixture.json (exit $code, $(($(date +%s) - t0)) s)"
done <"$work/cases.txt"
echo "done in $(($(date +%s) - started)) s (base image $base, proxy image $proxy)"
