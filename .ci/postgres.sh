#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the OMOP loading tests.
#   eval "$(.ci/postgres.sh start)"   initdb under $TMPDIR, start on 127.0.0.1 on a free port; prints
#                                      export EHRSIM_TEST_PG_DSN=postgresql://... and EHRSIM_TEST_PG_PID=<pid>
#   .ci/postgres.sh stop PID           fast shutdown of that server and removal of its folder
# As root the server runs as the `postgres` user (created if missing): PostgreSQL refuses to run as root.
set -euo pipefail
BIN=${EHRSIM_PG_BIN:-/usr/lib/postgresql/15/bin}

start() {
  [[ -x $BIN/initdb ]] || { echo "postgres.sh: PostgreSQL 15 not found in $BIN (apt-get install postgresql-15)" >&2; exit 1; }
  local dir port pid
  dir=$(mktemp -d "${TMPDIR:-/tmp}/ehrsim-pg.XXXXXX")
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  local as=()
  if [[ $(id -u) == 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    chown postgres "$dir"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$BIN/initdb" -D "$dir/data" -A trust -U postgres >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  "${as[@]}" "$BIN/pg_ctl" -D "$dir/data" -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" \
    -l "$dir/server.log" -w start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  pid=$(head -1 "$dir/data/postmaster.pid")
  echo "export EHRSIM_TEST_PG_DSN=postgresql://postgres@127.0.0.1:$port/postgres"
  echo "export EHRSIM_TEST_PG_PID=$pid"
}

stop() {
  local pid=${1:?usage: postgres.sh stop PID} data dir
  data=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
  kill -INT "$pid" 2>/dev/null || { echo "postgres.sh: no process $pid" >&2; exit 1; }
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  dir=$(dirname "$data")
  if [[ $data == */data && $(basename "$dir") == ehrsim-pg.* ]]; then rm -rf "$dir"; fi
}

case "${1:-}" in
  start) start ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start | stop PID" >&2; exit 2 ;;
esac
