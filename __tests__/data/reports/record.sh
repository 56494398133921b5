#!/usr/bin/env bash
# Records the JSON reports in this folder with the CLI bundle (dist/cli/index.js, or the one
# FDC_CLI_BUNDLE names, e.g. from `bash scripts/build.sh /tmp/out`) on the e2e fixtures, the way
# a user runs it from the repository root.
# Usage: flock /tmp/fdc-e2e.lock bash __tests__/data/reports/record.sh   (needs a Docker engine)
set -uo pipefail
cd "$(dirname "$0")/../../.."
out=__tests__/data/reports
bundle=$(realpath "${FDC_CLI_BUNDLE:-dist/cli/index.js}")
base=${FDC_BASE_IMAGE:-flask-deploy-check/python:bookworm}
proxy=${FDC_PROXY_IMAGE:-flask-deploy-check/nginx:bookworm}
# A build failure: the good fixture without its requirements.txt (COPY fails at line 5).
missing=__tests__/fixtures/no-requirements
trap 'rm -rf "$missing"' EXIT
cp -r __tests__/fixtures/good "$missing" && rm "$missing/requirements.txt"

record() { # report fixture [cli options...]; the CLI exits 1 on a fail verdict
  local name=$1 fixture=$2
  shift 2
  node -e 'require(process.argv[1]).runCli()' "$bundle" --context "__tests__/fixtures/$fixture" --name web \
    --build-arg "BASE=$base" --proxy-image "$proxy" --report-path "$out/$name.json" \
    --no-color "$@" >/dev/null
  echo "$name: exit $?"
}
# The legacy builder: BuildKit's log names the registry of the base image, which stays out of the repo.
DOCKER_BUILDKIT=0 record build-failed no-requirements
record crash-on-boot crash-on-boot
record invalid-nginx invalid-nginx
record no-introspect good --introspect false --skip-check proxy.rate-limit
record no-nginx-config no-nginx-config
