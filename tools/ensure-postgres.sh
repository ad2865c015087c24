#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks, from Debian's packages.
# Installs the server if it is missing, creates a cluster in $KIM_PG_DIR (default
# /tmp/kim-pg-$KIM_PG_PORT, a place the postgres account can reach) on first use, starts it on
# 127.0.0.1:$KIM_PG_PORT (default 55432) and prints its URL. Idempotent: a server already
# answering on that port is left alone.
#   KIM_PG_FAST=1   fsync/synchronous_commit off (tests only: crash safety is not needed there)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${KIM_PG_PORT:-55432}"
DIR="${KIM_PG_DIR:-/tmp/kim-pg-$PORT}"
URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
    $SUDO apt-get update -q >&2
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        postgresql postgresql-contrib >&2
fi
BIN="$(pg_bin)"
if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
    echo "$URL"
    exit 0
fi

# PostgreSQL refuses to run as root: root runs it as the postgres account.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ ! -f "$DIR/PG_VERSION" ]; then
    mkdir -p "$DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$DIR"
    chmod 700 "$DIR"
    as_owner "$BIN/initdb" -D "$DIR" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    {
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $PORT"
        echo "unix_socket_directories = '$DIR'"
        echo "max_connections = 300"
        echo "shared_buffers = 512MB"
        echo "work_mem = 32MB"
        echo "maintenance_work_mem = 512MB"
        echo "max_wal_size = 4GB"
        if [ "${KIM_PG_FAST:-0}" = "1" ]; then
            echo "fsync = off"
            echo "synchronous_commit = off"
            echo "full_page_writes = off"
        fi
    } | as_owner tee -a "$DIR/postgresql.conf" >/dev/null
fi

if ! as_owner "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
    as_owner "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 start >/dev/null
fi
echo "$URL"
