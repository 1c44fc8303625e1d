#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on 127.0.0.1 for the test suites and prints its URL.
# Installs Debian's postgresql package when the server binaries are missing. Runs the server as
# the `postgres` user (PostgreSQL refuses to run as root). Usage: eval "$(.ci/postgres.sh start)"
set -euo pipefail
PORT=${CONTINUUM_TEST_PG_PORT:-55432}
DIR=${CONTINUUM_TEST_PG_DIR:-/tmp/continuum-pg}

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

case "${1:-start}" in
  start)
    if [ -z "$(bindir)" ]; then
      echo "installing postgresql from Debian packages" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2
      apt-get install -y -qq postgresql >&2
    fi
    BIN=$(bindir)
    id postgres >/dev/null 2>&1 || useradd --system --home "$DIR" postgres
    as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    if [ -f "$DIR/postmaster.pid" ]; then as_pg "$BIN/pg_ctl" -D "$DIR" stop -m fast >&2 || true; fi
    rm -rf "$DIR"; mkdir -p "$DIR"; chown postgres "$DIR" 2>/dev/null || true
    as_pg "$BIN/initdb" -D "$DIR" -U continuum --auth=trust -E UTF8 >/dev/null
    as_pg "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
      -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >&2
    echo "export CONTINUUM_TEST_DATABASE_URL=postgres://continuum@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    BIN=$(bindir)
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR" stop -m fast; else "$BIN/pg_ctl" -D "$DIR" stop -m fast; fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
