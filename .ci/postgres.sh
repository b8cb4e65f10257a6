#!/usr/bin/env bash
# A throw-away PostgreSQL server on 127.0.0.1 for the ledger tests.
#
#   eval "$(bash .ci/postgres.sh)"        # start (or reuse) it; exports STANDOFF_TEST_PG_URL
#   bash .ci/postgres.sh stop             # stop it
#
# Installs Debian's PostgreSQL server if absent (apt-get, non-interactive),
# initialises a cluster in $STANDOFF_PG_DIR (default: $TMPDIR/standoff-postgres)
# owned by the postgres user, starts it on a free loopback port, creates the
# role `standoff` (password generated once, kept in the directory, CREATEDB so
# that tests can make a fresh database each) and the database `standoff_test`.
# Running it again reuses the running server. Only the `export` line goes to
# standard output; progress goes to standard error. Needs no standard input;
# run as root (the server runs as postgres) or as the user who will own it.
set -euo pipefail
exec </dev/null

DIR="${STANDOFF_PG_DIR:-${TMPDIR:-/tmp}/standoff-postgres}"
DATA="$DIR/data"
ROLE=standoff
DB=standoff_test
log() { echo "postgres.sh: $*" >&2; }

if [ "$(id -u)" = 0 ]; then
    OWNER=postgres
    as_owner() { runuser -u postgres -- "$@"; }
else
    OWNER="$(id -un)"
    as_owner() { "$@"; }
fi

pg_bin() {
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [ -n "$bin" ] && [ -x "$bin/postgres" ] && echo "$bin"
}

BIN="$(pg_bin || true)"
if [ "${1:-start}" = stop ]; then
    if [ -n "$BIN" ] && [ -f "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
        as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2
    else
        log "not running"
    fi
    exit 0
fi

if [ -z "$BIN" ]; then
    [ "$(id -u)" = 0 ] || { log "PostgreSQL is not installed and installing it needs root"; exit 1; }
    log "installing PostgreSQL"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends postgresql >&2
    BIN="$(pg_bin)"
fi

mkdir -p "$DIR"
chmod 755 "$DIR"
if [ "$(id -u)" = 0 ]; then chown "$OWNER" "$DIR"; fi

if [ ! -f "$DATA/PG_VERSION" ]; then
    log "initialising a cluster in $DATA"
    rm -rf "$DATA"
    as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C >/dev/null
fi

if [ ! -s "$DIR/password" ]; then
    (umask 077 && python3 -c 'import secrets; print(secrets.token_hex(16))' >"$DIR/password")
fi
PASSWORD="$(cat "$DIR/password")"

if as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    PORT="$(cat "$DIR/port")"
    log "reusing the server on 127.0.0.1:$PORT"
else
    PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    echo "$PORT" >"$DIR/port"
    log "starting a server on 127.0.0.1:$PORT"
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c fsync=off -c max_connections=200" start >&2
fi

psql_owner() { as_owner "$BIN/psql" -h "$DATA" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ -z "$(psql_owner -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" ]; then
    psql_owner -c "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'" >&2
else
    psql_owner -c "ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'" >&2
fi
if [ -z "$(psql_owner -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
    psql_owner -c "CREATE DATABASE $DB OWNER $ROLE" >&2
fi

echo "export STANDOFF_TEST_PG_URL='postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB'"
