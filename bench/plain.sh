#!/usr/bin/env bash
# (a) The script a team would write instead of the action: build, run, wait for /healthz, one
# request, stop, remove. Usage: bench/plain.sh CONTEXT BASE_IMAGE
set -euo pipefail
ctx=$1
base=$2
tag=flask-deploy-check/bench-plain:latest
docker build -q --build-arg "BASE=$base" --label flask-deploy-check.bench=1 -t "$tag" "$ctx" >/dev/null
cid=$(docker run -d --label flask-deploy-check.bench=1 -p 127.0.0.1::8000 -e SECRET_KEY=plain-script-key "$tag")
trap 'docker rm -f "$cid" >/dev/null 2>&1 || true' EXIT
port=$(docker port "$cid" 8000/tcp | head -1 | sed 's/.*://')
for _ in $(seq 1 600); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/"
docker stop "$cid" >/dev/null
docker rm "$cid" >/dev/null
trap - EXIT
