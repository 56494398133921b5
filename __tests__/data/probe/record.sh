#!/usr/bin/env bash
# Records real answers of the introspection probe (src/probe/python/) for
# __tests__/probe/introspect.test.ts: one tiny Flask app per case, booted from
# flask-deploy-check/python:bookworm with the probe mounted, asked once with curl.
# Usage: bash __tests__/data/probe/record.sh   (needs a Docker engine; writes *.json here)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
probe="$(cd "$here/../../../src/probe/python" && pwd)"
work="$(mktemp -d)"
tag="fdc-probe-record:$$"
containers=()
cleanup() {
  for c in "${containers[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
  docker rmi -f "$tag" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/app.py" <<'PY'
import os
from flask import Flask, session
from werkzeug.middleware.proxy_fix import ProxyFix

app = Flask(__name__)
case = os.environ["CASE"]
if case == "bytes-key":
    app.secret_key = b'_5#y2L"F4Q8z\n\xec]/'
elif case != "no-key":
    app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev")
if case == "proxyfix":
    app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_SAMESITE="Lax",
                      PREFERRED_URL_SCHEME="https")
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
if case == "debug":
    app.config["DEBUG"] = True


@app.get("/")
def index():
    session["n"] = session.get("n", 0) + 1
    return "hi"


@app.get("/docs/")
def docs():
    return "docs"
PY
printf 'FROM flask-deploy-check/python:bookworm\nWORKDIR /app\nCOPY app.py .\n' >"$work/Dockerfile"
docker build -q -t "$tag" "$work" >/dev/null

token=00112233445566778899aabbccddeeff
injected=4f1c9a0d7b2e8c35a6f0d1e29b7c4a58e3f6021d9c8b7a6f5e4d3c2b1a090807
record() { # name, server command, extra env, curl headers...
  local name="$1" cmd="$2" extra="$3"
  shift 3
  local c="fdc-probe-record-$$-$name"
  containers+=("$c")
  # shellcheck disable=SC2086
  docker run -d --name "$c" -p 127.0.0.1::8000 -e CASE="$name" $extra \
    -e FDC_PROBE_TOKEN="$token" -e PYTHONPATH=/opt/flask-deploy-check/probe \
    --mount "type=bind,source=$probe,target=/opt/flask-deploy-check/probe,readonly" \
    "$tag" sh -c "exec $cmd" >/dev/null
  local port
  for _ in $(seq 50); do
    port="$(docker port "$c" 8000 2>/dev/null | head -1)" || true
    [ -n "$port" ] && curl -fs -o /dev/null "http://$port/" && break
    sleep 0.2
  done
  local body
  body="$(curl -fs "$@" "http://$port/__flask_deploy_check/$token")"
  node -e 'const [n, t, k, b] = process.argv.slice(1); process.stdout.write(JSON.stringify({case: n, token: t, ...(k ? {injectedKey: k} : {}), body: JSON.parse(b)}, null, 2) + "\n")' \
    "$name" "$token" "$([[ "$extra" == *SECRET_KEY* ]] && echo "$injected" || true)" "$body" >"$here/$name.json"
  docker rm -f "$c" >/dev/null
  echo "recorded $name.json"
}
gunicorn="gunicorn -w 2 -b 0.0.0.0:8000 app:app"
record proxyfix "$gunicorn" "-e SECRET_KEY=$injected" \
  -H 'X-Forwarded-For: 203.0.113.9, 172.18.0.1' -H 'X-Forwarded-Proto: https' -H 'X-Forwarded-Host: app.example.com'
record dev-fallback "waitress-serve --listen=0.0.0.0:8000 app:app" "" -H 'X-Forwarded-Proto: https'
record bytes-key "$gunicorn" ""
record no-key "uwsgi --plugin http,python3 --http :8000 --module app:app" ""
record debug "$gunicorn" "-e SECRET_KEY=$injected"
