#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 for the test suite and exports
# ONETHING_TEST_PG. Source it (`. scripts/pg-throwaway.sh`); the cluster is stopped and
# removed when the sourcing shell exits. Needs root (or the postgres user) and the
# PostgreSQL server binaries; on CI it installs them with apt if they are missing.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  if [ "${CI:-}" = "true" ] && command -v apt-get >/dev/null; then
    echo "installing PostgreSQL for the test suite…" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  fi
fi
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
  echo "PostgreSQL server binaries not found: the PostgreSQL suite will be skipped (apt-get install postgresql)" >&2
  return 0 2>/dev/null || exit 0
fi
pg_port=${ONETHING_PG_PORT:-54329}
pg_tmp=$(mktemp -d /tmp/onething-pg.XXXXXX)
run_as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$pg_tmp"
run_as_pg "$pg_bin/initdb" -D "$pg_tmp/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
run_as_pg "$pg_bin/pg_ctl" -D "$pg_tmp/data" -l "$pg_tmp/log" -w \
  -o "-p $pg_port -k $pg_tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
export ONETHING_TEST_PG="postgres://postgres@127.0.0.1:$pg_port/postgres"
onething_stop_pg() { run_as_pg "$pg_bin/pg_ctl" -D "$pg_tmp/data" -m fast stop >/dev/null 2>&1; rm -rf "$pg_tmp"; }
trap onething_stop_pg EXIT
echo "throwaway PostgreSQL on 127.0.0.1:$pg_port" >&2
