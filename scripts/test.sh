#!/usr/bin/env bash
# npm test: lint, typecheck, dist/ freshness, unit tests and end-to-end tests on a real Docker
# engine (provisioned by scripts/provision.sh when missing). Jest's JSON results go to
# build/jest-results.json so CI can count what ran.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n[test] %s\n' "$*" >&2; }
bash scripts/ensure-deps.sh

step "lint (eslint + prettier)"
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }

step "typecheck (tsc --noEmit)"
npx tsc --noEmit

step "dist/ equals a fresh build"
rm -rf build/dist-fresh
bash scripts/build.sh build/dist-fresh
if ! diff -r -q dist build/dist-fresh; then
  echo "[test] dist/ is stale: run 'npm run build' and commit dist/" >&2
  exit 1
fi

step "provision the Docker engine and base images"
bash scripts/provision.sh
export FDC_BASE_IMAGE=${FDC_BASE_IMAGE:-$(bash scripts/base-image.sh)}
export FDC_PROXY_IMAGE=${FDC_PROXY_IMAGE:-$(bash scripts/proxy-image.sh)}
export FDC_SKIP_BUILD=1

step "jest: unit + end-to-end (base image $FDC_BASE_IMAGE, proxy image $FDC_PROXY_IMAGE)"
mkdir -p build
npx jest --runInBand --json --outputFile=build/jest-results.json "$@"
