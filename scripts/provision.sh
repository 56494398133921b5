#!/usr/bin/env bash
# Makes a Docker engine and offline stand-in base images available when they are not.
# On a machine with a running engine and a reachable registry it does nothing but check.
# Idempotent: safe to run before every demo and test run.
#
# Images it provides (only when the engine cannot pull the real ones):
#   flask-deploy-check/python:bookworm  stand-in for python:3.12-slim (Debian's python3, Flask, Gunicorn, ...)
#   flask-deploy-check/nginx:bookworm   stand-in for the official nginx image (Debian's nginx-light)
set -euo pipefail

say() { printf '[provision] %s\n' "$*" >&2; }
PY_IMAGE=${FDC_PYTHON_IMAGE:-flask-deploy-check/python:bookworm}
NGINX_IMAGE=${FDC_NGINX_IMAGE:-flask-deploy-check/nginx:bookworm}
WORK=${FDC_PROVISION_DIR:-/var/tmp/flask-deploy-check-provision}

apt_ready=0
apt_install() {
  if [ "$apt_ready" = 0 ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    apt_ready=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_engine() {
  if docker info >/dev/null 2>&1; then
    say "docker engine: running"
    return
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || { say "no docker engine and not root: install and start Docker, then retry"; exit 1; }
    apt_install docker.io
  fi
  say "starting dockerd in the background (log: /var/log/flask-deploy-check-dockerd.log)"
  # setsid: the engine must outlive the shell that started it (npm test, CI step).
  setsid nohup dockerd >/var/log/flask-deploy-check-dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && { say "docker engine: up"; return; }
    sleep 1
  done
  say "dockerd did not come up in 60 s; last log lines:"
  tail -n 20 /var/log/flask-deploy-check-dockerd.log >&2 || true
  exit 1
}

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# Builds a Debian bookworm root file system with the given packages and imports it as an image.
debootstrap_image() {
  local name=$1 include=$2 tweak=$3; shift 3
  local dir="$WORK/$(echo "$name" | tr '/:' '__')"
  command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
  rm -rf "$dir"
  mkdir -p "$dir"
  say "debootstrap bookworm for $name (about a minute)"
  debootstrap --variant=minbase --include="$include" bookworm "$dir" >"$dir.log" 2>&1 || {
    say "debootstrap failed; last lines of $dir.log:"; tail -n 20 "$dir.log" >&2; exit 1; }
  "$tweak" "$dir"
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  say "docker import $name"
  tar -C "$dir" -c . | docker import "$@" - "$name" >/dev/null
  rm -rf "$dir" "$dir.log"
}

tweak_python() {
  # pip refuses to touch Debian's Python without this; with it, `pip install -r requirements.txt`
  # of packages that are already installed succeeds offline.
  rm -f "$1"/usr/lib/python3*/EXTERNALLY-MANAGED
}

tweak_nginx() {
  # Behave like the official image: one conf.d, logs on stdout/stderr, no Debian default site.
  rm -f "$1"/etc/nginx/sites-enabled/* "$1"/etc/nginx/conf.d/*
  ln -sf /dev/stdout "$1"/var/log/nginx/access.log
  ln -sf /dev/stderr "$1"/var/log/nginx/error.log
}

ensure_images() {
  if ! have_image "$PY_IMAGE"; then
    debootstrap_image "$PY_IMAGE" \
      python3,python3-pip,python-is-python3,python3-flask,gunicorn,python3-waitress,uwsgi-core,uwsgi-plugin-python3,python3-flask-talisman,python3-gevent,ca-certificates \
      tweak_python \
      --change 'ENV LANG=C.UTF-8' --change 'ENV PYTHONUNBUFFERED=1' --change 'CMD ["python3"]'
  fi
  say "image $PY_IMAGE: present"
  if ! have_image "$NGINX_IMAGE"; then
    debootstrap_image "$NGINX_IMAGE" nginx-light,openssl,ca-certificates tweak_nginx \
      --change 'EXPOSE 80' --change 'CMD ["nginx", "-g", "daemon off;"]'
  fi
  say "image $NGINX_IMAGE: present"
}

ensure_engine
ensure_images
