#!/usr/bin/env bash
# npm run demo: provisions what it needs, then builds, boots and checks the example app in
# examples/app with the command-line twin, printing the checklist.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/provision.sh
if [ ! -f dist/cli/index.js ]; then echo "[demo] building dist/" >&2; bash scripts/build.sh dist; fi
BASE=$(bash scripts/base-image.sh)
PROXY=$(bash scripts/proxy-image.sh)
echo "[demo] checking examples/app (base image $BASE, proxy image $PROXY)" >&2
exec node bin/flask-deploy-check.js --context examples/app --build-arg "BASE=$BASE" --proxy-image "$PROXY" \
  --route / --route /about --report-path .fdc-tmp/demo-report.json "$@"
