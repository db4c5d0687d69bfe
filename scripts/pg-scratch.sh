#!/usr/bin/env bash
# A throwaway PostgreSQL cluster in a directory, on a free loopback port (for CI and benchmarks).
#   scripts/pg-scratch.sh start DIR   -> prints the DATABASE_URL of database "shian"
#   scripts/pg-scratch.sh stop DIR    -> stops the cluster (the caller removes DIR)
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?directory}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PG_BIN" ] || { echo "PostgreSQL is not installed (scripts/system-deps.sh installs it)" >&2; exit 1; }
RUN_AS=()
[ "$(id -u)" -eq 0 ] && RUN_AS=(runuser -u postgres --)

case "$cmd" in
start)
  mkdir -p "$dir"; [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  "${RUN_AS[@]}" "$PG_BIN/initdb" -D "$dir/data" -U shian --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  "${RUN_AS[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U shian shian
  echo "postgres://shian@127.0.0.1:$port/shian"
  ;;
stop)
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
