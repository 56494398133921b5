#!/usr/bin/env bash
# Entrypoint of the offline stand-in flask-deploy-check/postgres:bookworm (Debian 12's
# postgresql-15, made by scripts/provision.sh), behaving like the official postgres image's:
#   - POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust), POSTGRES_USER
#     (default postgres), POSTGRES_DB (default $POSTGRES_USER), POSTGRES_INITDB_ARGS and
#     POSTGRES_HOST_AUTH_METHOD (default scram-sha-256); each also as NAME_FILE (compose secrets);
#   - on first start (no $PGDATA/PG_VERSION): initdb, password auth for every remote host, the
#     user's database, then /docker-entrypoint-initdb.d/*.sh|*.sql|*.sql.gz on a socket-only server;
#   - listens on all addresses, port 5432; `postgres` replaces this script (PID 1, user postgres).
set -Eeo pipefail

say() { printf '%s\n' "$*"; }

# NAME_FILE (a file holding the value) as the official image reads it; both set is an error.
file_env() {
  local var=$1 def=${2:-} file="${1}_FILE"
  if [ -n "${!var:-}" ] && [ -n "${!file:-}" ]; then
    say "error: both $var and $file are set (they are exclusive)" >&2
    exit 1
  fi
  local val=$def
  if [ -n "${!var:-}" ]; then
    val=${!var}
  elif [ -n "${!file:-}" ]; then
    val=$(<"${!file}")
  fi
  export "$var"="$val"
  unset "$file"
}

setup_env() {
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  : "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
  export POSTGRES_HOST_AUTH_METHOD
  DATABASE_ALREADY_EXISTS=
  if [ -s "$PGDATA/PG_VERSION" ]; then DATABASE_ALREADY_EXISTS=true; fi
}

create_dirs() {
  local user
  user=$(id -u)
  mkdir -p "$PGDATA"
  chmod 00700 "$PGDATA" || :
  mkdir -p /var/run/postgresql
  chmod 03775 /var/run/postgresql || :
  if [ "$user" = 0 ]; then
    find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
    find /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
  fi
}

verify_minimum_env() {
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    cat >&2 <<'EOF'
Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
       connections without a password. This is *not* recommended.
EOF
    exit 1
  fi
  if [ "$POSTGRES_HOST_AUTH_METHOD" = trust ]; then
    say 'WARNING: POSTGRES_HOST_AUTH_METHOD=trust: every host may connect without a password' >&2
  fi
}

init_database_dir() {
  # shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is split into words, as the official image does
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    $POSTGRES_INITDB_ARGS "$@"
}

setup_hba_conf() {
  # initdb's own lines (trust on the socket and loopback) stay, as in the official image.
  {
    printf '\n'
    printf 'host all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD"
  } >>"$PGDATA/pg_hba.conf"
}

# psql on the socket as the superuser, the way the init steps need it.
run_psql() {
  PGHOST='' PGHOSTADDR='' psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password \
    --no-psqlrc "$@"
}

temp_server_start() {
  # Socket only: nothing can connect from outside while the database is being set up.
  PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" \
    -o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start
}

temp_server_stop() {
  PGUSER="${PGUSER:-postgres}" pg_ctl -D "$PGDATA" -m fast -w stop
}

setup_db() {
  local exists
  exists=$(run_psql --dbname postgres --set db="$POSTGRES_DB" --tuples-only <<'EOSQL'
SELECT 1 FROM pg_database WHERE datname = :'db' ;
EOSQL
  )
  if [ -z "$exists" ]; then
    run_psql --dbname postgres --set db="$POSTGRES_DB" <<'EOSQL'
CREATE DATABASE :"db" ;
EOSQL
    say
  fi
}

process_init_files() {
  local f
  for f in "$@"; do
    case "$f" in
      *.sh)
        if [ -x "$f" ]; then
          say "$0: running $f"
          "$f"
        else
          say "$0: sourcing $f"
          # shellcheck disable=SC1090
          . "$f"
        fi
        ;;
      *.sql)
        say "$0: running $f"
        run_psql --dbname "$POSTGRES_DB" -f "$f"
        say
        ;;
      *.sql.gz)
        say "$0: running $f"
        gunzip -c "$f" | run_psql --dbname "$POSTGRES_DB"
        say
        ;;
      *) say "$0: ignoring $f" ;;
    esac
  done
}

# `postgres --help`-like calls (and -C, --describe-config, -V) run without initialising anything.
wants_help() {
  local arg
  for arg; do
    case "$arg" in
      -'?' | --help | --describe-config | -V | --version) return 0 ;;
    esac
  done
  return 1
}

main() {
  if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi
  if [ "$1" = postgres ] && ! wants_help "$@"; then
    setup_env
    create_dirs
    if [ "$(id -u)" = 0 ]; then
      # Again as postgres; exec keeps the server PID 1 (setpriv execs, it does not fork).
      HOME=/var/lib/postgresql exec setpriv --reuid=postgres --regid=postgres --init-groups \
        "${BASH_SOURCE[0]}" "$@"
    fi
    if [ -z "$DATABASE_ALREADY_EXISTS" ]; then
      verify_minimum_env
      init_database_dir
      setup_hba_conf
      export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
      temp_server_start
      setup_db
      shopt -s nullglob
      process_init_files /docker-entrypoint-initdb.d/*
      shopt -u nullglob
      temp_server_stop
      unset PGPASSWORD
      say
      say 'PostgreSQL init process complete; ready for start up.'
      say
    else
      say
      say 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
      say
    fi
  fi
  exec "$@"
}

main "$@"
