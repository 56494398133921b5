#!/usr/bin/env bash
# What host mode (`runtime: host`) needs on this machine, from Debian's packages only: the
# system Python with venv and pip, Flask and Gunicorn (the venv is made with
# --system-site-packages, so a requirements.txt they satisfy installs offline), Waitress,
# nginx (run by the action as a host process in its own mount namespace), and util-linux's
# unshare. Installs only what is missing; does nothing but check on a machine that has it all.
# Called by scripts/provision.sh and the end-to-end tests' setup. Needs root (or sudo).
set -euo pipefail

say() { printf '[provision-host] %s\n' "$*" >&2; }
SUDO=''
[ "$(id -u)" = 0 ] || SUDO='sudo'

missing=()
need() { # need PACKAGE TEST-COMMAND...
  local pkg=$1
  shift
  "$@" >/dev/null 2>&1 || missing+=("$pkg")
}
need python3 test -x /usr/bin/python3
need python3-venv /usr/bin/python3 -c 'import venv, ensurepip'
need python3-pip /usr/bin/python3 -m pip --version
need python3-flask /usr/bin/python3 -c 'import flask'
need gunicorn /usr/bin/python3 -c 'import gunicorn'
need python3-waitress /usr/bin/python3 -c 'import waitress'
need nginx test -x /usr/sbin/nginx
need util-linux command -v unshare

if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
say "host mode: $(/usr/bin/python3 -c 'import flask, gunicorn; print("Flask", flask.__version__, "Gunicorn", gunicorn.__version__)'), $(/usr/sbin/nginx -v 2>&1)"
