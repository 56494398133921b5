#!/usr/bin/env bash
# Re-records the compose models the unit tests read (__tests__/facts/compose.test.ts): the output
# of `docker compose config --format json` for compose fixtures, as the action reads it.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FIXTURES=$HERE/../../fixtures
for name in compose-good compose-two-builds compose-secret-file compose-wait-for-db; do
  POSTGRES_IMAGE=flask-deploy-check/postgres:bookworm \
    docker compose -p fdc-recorded -f "$FIXTURES/$name/docker-compose.yml" config --format json \
    | sed "s#$(cd "$FIXTURES" && pwd)#/repo/__tests__/fixtures#g" >"$HERE/$name.json"
done
