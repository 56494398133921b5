#!/usr/bin/env bash
# Makes a Docker engine, the docker buildx and compose CLI plugins, and offline stand-in images
# available when they are not. On a machine that has them all it does nothing but check.
# Idempotent: safe to run before every demo and test run (a second run waits for the first).
#
# CLI plugins (only when `docker buildx version` / `docker compose version` fail, on Debian):
#   docker-buildx and docker-compose from Debian 13 (trixie), fetched with a temporary apt source
#   (the system's own apt URI, suite trixie, apt state of its own), into the system-wide
#   /usr/local/lib/docker/cli-plugins (as root; else ${DOCKER_CONFIG:-~/.docker}/cli-plugins).
#   With buildx present, plain `docker build` uses BuildKit.
# Offline stand-in images, each made when missing, from one Debian bookworm minbase root that
# debootstrap makes once (scripts/base-image.sh and proxy-image.sh still prefer the real images
# when the engine can pull them):
#   flask-deploy-check/python:bookworm    stand-in for python:3.12-slim (Debian's python3, Flask, Gunicorn, ...)
#   flask-deploy-check/nginx:bookworm     stand-in for the official nginx image (Debian's nginx-light)
#   flask-deploy-check/caddy:bookworm     stand-in for the official caddy image (Debian's caddy 2.6)
#   flask-deploy-check/postgres:bookworm  stand-in for the official postgres image (Debian's postgresql-15)
#   flask-deploy-check/python-pg:bookworm the python stand-in plus Debian's psycopg2, which also
#                                         answers for `psycopg2-binary` in requirements.txt (compose fixtures)
set -euo pipefail

say() { printf '[provision] %s\n' "$*" >&2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY_IMAGE=${FDC_PYTHON_IMAGE:-flask-deploy-check/python:bookworm}
PY_PG_IMAGE=${FDC_PYTHON_PG_IMAGE:-flask-deploy-check/python-pg:bookworm}
NGINX_IMAGE=${FDC_NGINX_IMAGE:-flask-deploy-check/nginx:bookworm}
CADDY_IMAGE=${FDC_CADDY_IMAGE:-flask-deploy-check/caddy:bookworm}
POSTGRES_IMAGE=${FDC_POSTGRES_IMAGE:-flask-deploy-check/postgres:bookworm}
WORK=${FDC_PROVISION_DIR:-/var/tmp/flask-deploy-check-provision}
BASE_TAR=$WORK/bookworm-minbase.tar

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

# Prints "URI<TAB>KEYRING" of the system's own apt source of this Debian release (the first
# enabled `deb` source whose suites include CODENAME; KEYRING is its Signed-By file, or empty),
# from deb822 *.sources files or one-line sources.list / *.list files.
system_apt_source() {
  local codename=$1 f found=''
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    found+=$(awk -v suite="$codename" '
      BEGIN { RS = ""; FS = "\n" }
      {
        uri = ""; key = ""; deb = 0; hit = 0; on = 1
        for (i = 1; i <= NF; i++) {
          line = $i
          if (line ~ /^[ \t#]/) continue   # comments, continuation lines (inline keys)
          n = index(line, ":"); if (n == 0) continue
          field = tolower(substr(line, 1, n - 1)); value = substr(line, n + 1)
          nw = split(value, w, /[ \t]+/)
          for (j = 1; j <= nw; j++) {
            if (w[j] == "") continue
            if (field == "types" && w[j] == "deb") deb = 1
            if (field == "uris" && uri == "") uri = w[j]
            if (field == "suites" && w[j] == suite) hit = 1
            if (field == "signed-by" && w[j] ~ /^\//) key = w[j]
            if (field == "enabled" && tolower(w[j]) == "no") on = 0
          }
        }
        if (deb && hit && on && uri != "") { print uri "\t" key; exit }
      }' "$f")$'\n'
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    found+=$(awk -v suite="$codename" '
      /^[ \t]*deb[ \t]/ {
        line = $0; key = ""
        if (match(line, /\[[^\]]*\]/)) {
          opts = substr(line, RSTART + 1, RLENGTH - 2)
          line = substr(line, 1, RSTART - 1) " " substr(line, RSTART + RLENGTH)
          if (match(opts, /signed-by=[^ \t]+/)) key = substr(opts, RSTART + 10, RLENGTH - 10)
        }
        n = split(line, w, /[ \t]+/); k = 0
        for (i = 1; i <= n; i++) if (w[i] != "") f[++k] = w[i]
        if (k >= 3 && f[3] == suite) { print f[2] "\t" (key ~ /^\// ? key : ""); exit }
      }' "$f")$'\n'
  done
  found=$(printf '%s' "$found" | sed '/^$/d')
  [ -n "$found" ] || return 1
  printf '%s\n' "${found%%$'\n'*}"
}

# A field of /etc/os-release (ID, VERSION_CODENAME, ...).
os_field() { (. /etc/os-release && printf '%s' "${!1:-}"); }

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
  # setsid: the engine must outlive the shell that started it (npm test, CI step); 9>&-: and it
  # must not hold this script's lock.
  setsid nohup dockerd >/var/log/flask-deploy-check-dockerd.log 2>&1 </dev/null 9>&- &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && { say "docker engine: up"; return; }
    sleep 1
  done
  say "dockerd did not come up in 60 s; last log lines:"
  tail -n 20 /var/log/flask-deploy-check-dockerd.log >&2 || true
  exit 1
}

# The CLI plugins dir that works for every user when root (the docker CLI searches it), else the
# calling user's.
plugins_dir() {
  if [ "$(id -u)" = 0 ]; then
    echo /usr/local/lib/docker/cli-plugins
  else
    echo "${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
  fi
}

# docker buildx and docker compose: Debian 13's plugin binaries (static Go programs needing only
# libc6 >= 2.34) when the CLI lacks them. apt-get download runs with a sources list, state and
# cache of its own, so the system's apt configuration and lists are left as they are.
ensure_cli_plugins() {
  local missing=() plugin
  docker buildx version >/dev/null 2>&1 || missing+=(buildx)
  docker compose version >/dev/null 2>&1 || missing+=(compose)
  if [ "${#missing[@]}" -gt 0 ]; then
    install_cli_plugins "${missing[@]}"
  fi
  for plugin in buildx compose; do
    docker "$plugin" version >/dev/null 2>&1 || {
      say "docker $plugin still fails after installing it:"
      docker "$plugin" version >&2 || true
      exit 1
    }
  done
  say "docker buildx: present ($(docker buildx version | head -n 1))"
  say "docker compose: present ($(docker compose version | head -n 1))"
}

install_cli_plugins() {
  local started=$SECONDS id source uri key dir dest plugin debs=() deb
  id=$(os_field ID)
  if [ "$id" != debian ] || ! command -v apt-get >/dev/null 2>&1; then
    say "docker $* missing and this is not Debian: install the docker-buildx and docker-compose plugins, then retry"
    exit 1
  fi
  source=$(system_apt_source "$(os_field VERSION_CODENAME)") || {
    say "docker $* missing and no apt source of this Debian release found in /etc/apt to fetch them from"
    exit 1
  }
  uri=${source%%$'\t'*}
  key=${source#*$'\t'}
  dir=$WORK/apt-trixie
  dest=$(plugins_dir)
  rm -rf "$dir"
  mkdir -p "$dir"/state/lists/partial "$dir"/cache/archives/partial "$dir"/parts "$dir"/debs "$dir"/root
  {
    echo 'Types: deb'
    echo "URIs: $uri"
    echo 'Suites: trixie'
    echo 'Components: main'
    if [ -n "$key" ]; then echo "Signed-By: $key"; fi
  } >"$dir/trixie.sources"
  local opts=(
    -o "Dir::State=$dir/state" -o "Dir::Cache=$dir/cache"
    -o "Dir::Etc::SourceList=$dir/trixie.sources" -o "Dir::Etc::SourceParts=$dir/parts"
    -o "Dir::Etc::Preferences=$dir/preferences" -o "Dir::Etc::PreferencesParts=$dir/parts"
  )
  for plugin in "$@"; do debs+=("docker-$plugin"); done
  say "docker CLI plugins missing ($*): apt-get download ${debs[*]} from Debian 13 (trixie) via the system's apt URI, apt state in $dir"
  apt-get "${opts[@]}" -qq update >"$dir/apt.log" 2>&1 || {
    say "apt-get update of the temporary trixie source failed:"; tail -n 20 "$dir/apt.log" >&2; exit 1; }
  # The sandbox user _apt writes the download: give it the folder (else apt warns and runs as root).
  if id _apt >/dev/null 2>&1; then chown _apt "$dir/debs"; fi
  (cd "$dir/debs" && apt-get "${opts[@]}" -qq download "${debs[@]}") >>"$dir/apt.log" 2>&1 || {
    say "apt-get download ${debs[*]} failed:"; tail -n 20 "$dir/apt.log" >&2; exit 1; }
  mkdir -p "$dest"
  for deb in "$dir"/debs/*.deb; do
    dpkg-deb -x "$deb" "$dir/root"
    say "$(basename "$deb") -> $dest/"
  done
  for plugin in "$@"; do
    install -m 0755 "$dir/root/usr/libexec/docker/cli-plugins/docker-$plugin" "$dest/docker-$plugin"
  done
  rm -rf "$dir"
  say "docker CLI plugins ($*) installed in $((SECONDS - started)) s"
}

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# The Debian bookworm minbase root every stand-in image starts from: debootstrap once, kept as a
# tarball in $WORK (about 30 s; then about 1 s to unpack per image).
ensure_base_tar() {
  [ -s "$BASE_TAR" ] && return
  local dir=$WORK/bookworm-minbase started=$SECONDS mirror=()
  command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
  # The system's own Debian apt URI when debootstrap can fetch from it; else its default.
  local source
  if [ "$(os_field ID)" = debian ] && source=$(system_apt_source "$(os_field VERSION_CODENAME)") &&
    [[ ${source%%$'\t'*} =~ ^(https?|file|ftp):// ]]; then
    mirror=("${source%%$'\t'*}")
  fi
  rm -rf "$dir" "$BASE_TAR.tmp"
  mkdir -p "$dir"
  say "debootstrap bookworm minbase (once, cached in $BASE_TAR; about 30 s)"
  debootstrap --variant=minbase bookworm "$dir" "${mirror[@]}" >"$dir.log" 2>&1 || {
    say "debootstrap failed; last lines of $dir.log:"; tail -n 20 "$dir.log" >&2; exit 1; }
  rm -rf "$dir"/var/cache/apt/archives/*.deb
  tar -C "$dir" -cf "$BASE_TAR.tmp" .
  mv "$BASE_TAR.tmp" "$BASE_TAR"
  rm -rf "$dir" "$dir.log"
  say "bookworm minbase cached in $((SECONDS - started)) s"
}

# Runs apt-get install in the root being built (no recommends; services are never started).
root_install() {
  local root=$1; shift
  say "apt-get install $* (in $(basename "$root"))"
  DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confold "$@" >>"$root.log" 2>&1 || {
    say "apt-get install in $root failed; last lines of $root.log:"; tail -n 20 "$root.log" >&2; exit 1; }
}

# rootfs_image NAME SETUP [docker import options...]: unpacks the cached bookworm root, lets
# SETUP ROOT install packages (root_install) and adjust files, then imports it as image NAME.
rootfs_image() {
  local name=$1 setup=$2 started dir; shift 2
  dir="$WORK/$(echo "$name" | tr '/:' '__')"
  ensure_base_tar
  started=$SECONDS
  rm -rf "$dir" "$dir.log"
  mkdir -p "$dir"
  say "building $name from the bookworm minbase"
  tar -C "$dir" -xf "$BASE_TAR"
  # Name resolution for apt, and no service started by a package's postinst (policy-rc.d).
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
  chmod 0755 "$dir/usr/sbin/policy-rc.d"
  chroot "$dir" apt-get update -qq >>"$dir.log" 2>&1 || {
    say "apt-get update in $dir failed; last lines of $dir.log:"; tail -n 20 "$dir.log" >&2; exit 1; }
  "$setup" "$dir"
  rm -f "$dir/usr/sbin/policy-rc.d"
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/cache/apt/*.bin "$dir"/var/lib/apt/lists/*
  say "docker import $name"
  tar -C "$dir" -c . | docker import "$@" - "$name" >/dev/null
  rm -rf "$dir" "$dir.log"
  say "image $name: built in $((SECONDS - started)) s"
}

setup_python() {
  root_install "$1" python3 python3-pip python-is-python3 python3-flask gunicorn python3-waitress \
    uwsgi-core uwsgi-plugin-python3 python3-flask-talisman python3-gevent ca-certificates
  # pip refuses to touch Debian's Python without this; with it, `pip install -r requirements.txt`
  # of packages that are already installed succeeds offline.
  rm -f "$1"/usr/lib/python3*/EXTERNALLY-MANAGED
}

setup_nginx() {
  root_install "$1" nginx-light openssl ca-certificates
  # Behave like the official image: one conf.d, logs on stdout/stderr, no Debian default site.
  rm -f "$1"/etc/nginx/sites-enabled/* "$1"/etc/nginx/conf.d/*
  ln -sf /dev/stdout "$1"/var/log/nginx/access.log
  ln -sf /dev/stderr "$1"/var/log/nginx/error.log
}

setup_caddy() {
  root_install "$1" caddy ca-certificates
  # The official image's layout: config and data (certificates, the local CA) under /config and
  # /data (XDG_*), the site root /srv; Debian's /etc/caddy/Caddyfile serves /usr/share/caddy on :80.
  mkdir -p "$1"/config/caddy "$1"/data/caddy "$1"/srv
}

setup_postgres() {
  # As the official image: no cluster of Debian's own (pg_createcluster) at install time.
  root_install "$1" postgresql-common
  sed -ri 's/^#?(create_main_cluster) .*$/\1 = false/' "$1"/etc/postgresql-common/createcluster.conf
  root_install "$1" postgresql-15
  # initdb copies this sample: listen on every address.
  sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$1"/usr/share/postgresql/15/postgresql.conf.sample
  grep -q "^listen_addresses = '\*'" "$1"/usr/share/postgresql/15/postgresql.conf.sample
  install -m 0755 "$HERE/postgres-entrypoint.sh" "$1"/usr/local/bin/docker-entrypoint.sh
  mkdir -p "$1"/docker-entrypoint-initdb.d "$1"/var/lib/postgresql/data "$1"/run/postgresql
  chroot "$1" chown -R postgres:postgres /var/lib/postgresql /run/postgresql
  chmod 1777 "$1"/var/lib/postgresql/data # any --user may initialise it, as in the official image
  chmod 3777 "$1"/run/postgresql
}

ensure_python_image() {
  have_image "$PY_IMAGE" ||
    rootfs_image "$PY_IMAGE" setup_python \
      --change 'ENV LANG=C.UTF-8' --change 'ENV PYTHONUNBUFFERED=1' --change 'CMD ["python3"]'
  say "image $PY_IMAGE: present"
}

setup_python_pg() {
  setup_python "$1"
  root_install "$1" python3-psycopg2
  # What `pip install psycopg2-binary` leaves (the wheel of the same code): pip then finds the
  # requirement satisfied offline, as it finds Flask through Debian's python3-flask.
  local v dist
  v=$(chroot "$1" python3 -c 'import psycopg2; print(psycopg2.__version__.split()[0])')
  dist="$1/usr/lib/python3/dist-packages/psycopg2_binary-$v.dist-info"
  mkdir -p "$dist"
  printf 'Metadata-Version: 2.1\nName: psycopg2-binary\nVersion: %s\n' "$v" >"$dist/METADATA"
  printf 'debian\n' >"$dist/INSTALLER"
  : >"$dist/RECORD"
}

ensure_python_pg_image() {
  have_image "$PY_PG_IMAGE" ||
    rootfs_image "$PY_PG_IMAGE" setup_python_pg \
      --change 'ENV LANG=C.UTF-8' --change 'ENV PYTHONUNBUFFERED=1' --change 'CMD ["python3"]'
  say "image $PY_PG_IMAGE: present"
}

ensure_nginx_image() {
  have_image "$NGINX_IMAGE" ||
    rootfs_image "$NGINX_IMAGE" setup_nginx \
      --change 'EXPOSE 80' --change 'CMD ["nginx", "-g", "daemon off;"]'
  say "image $NGINX_IMAGE: present"
}

ensure_caddy_image() {
  if ! have_image "$CADDY_IMAGE"; then
    rootfs_image "$CADDY_IMAGE" setup_caddy \
      --change 'ENV LANG=C.UTF-8' --change 'ENV XDG_CONFIG_HOME=/config' \
      --change 'ENV XDG_DATA_HOME=/data' --change 'WORKDIR /srv' \
      --change 'EXPOSE 80' --change 'EXPOSE 443' --change 'EXPOSE 443/udp' --change 'EXPOSE 2019' \
      --change 'CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]'
    docker run --rm "$CADDY_IMAGE" caddy version >/dev/null
  fi
  say "image $CADDY_IMAGE: present"
}

ensure_postgres_image() {
  if ! have_image "$POSTGRES_IMAGE"; then
    rootfs_image "$POSTGRES_IMAGE" setup_postgres \
      --change 'ENV LANG=C.UTF-8' --change 'ENV PG_MAJOR=15' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/15/bin' \
      --change 'ENV PGDATA=/var/lib/postgresql/data' --change 'VOLUME /var/lib/postgresql/data' \
      --change 'EXPOSE 5432' \
      --change 'ENTRYPOINT ["docker-entrypoint.sh"]' --change 'CMD ["postgres"]'
    # docker import cannot set STOPSIGNAL ("not a valid change command"): one build step adds it.
    # SIGINT is postgres's fast shutdown, as in the official image (SIGTERM waits for clients).
    local imported
    imported=$(docker image inspect -f '{{.Id}}' "$POSTGRES_IMAGE")
    printf 'FROM %s\nSTOPSIGNAL SIGINT\n' "$POSTGRES_IMAGE" |
      docker build -q -t "$POSTGRES_IMAGE" - >/dev/null
    # BuildKit leaves the imported image untagged (the legacy builder keeps it as the parent).
    docker rmi "$imported" >/dev/null 2>&1 || true
    docker run --rm "$POSTGRES_IMAGE" postgres --version >/dev/null
  fi
  say "image $POSTGRES_IMAGE: present"
}

mkdir -p "$WORK"
exec 9>"$WORK/provision.lock"
flock -n 9 || { say "waiting for another provision.sh run to finish"; flock 9; }
ensure_engine
ensure_cli_plugins
ensure_python_image
ensure_python_pg_image
ensure_nginx_image
ensure_caddy_image
ensure_postgres_image
# Host mode (runtime: host) runs without Docker, from the machine's own packages.
bash "$HERE/provision-host.sh"
