#!/usr/bin/env bash
# pgbench custom scripts (SELECT 1; an aggregate over a 1,000-row table) against `basin server` and a real
# PostgreSQL on 127.0.0.1, the same clients, protocol modes and duration for both, printed side by side.
#
#   run.sh PATH/TO/basin      (env: SECONDS_PER_RUN, CLIENTS, MODES, SCRIPTS, COPY_ROWS; 0 skips COPY)
basin=$(realpath "$1")  # e2e_lib.sh's start_server runs $basin
seconds=${SECONDS_PER_RUN:-5}
clients=${CLIENTS:-1 2 4 8}
modes=${MODES:-simple extended prepared}
scripts=${SCRIPTS:-select1 aggregate}
here=$(cd "$(dirname "$0")" && pwd)
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

# Scratch directory, cleanup, wait_for and start_server (Basin on free ports; its PostgreSQL port in
# pg_port) come from the end-to-end tests' library.
source "$here/../../test/e2e/e2e_lib.sh"
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_server basin
basin_port=$pg_port

# PostgreSQL: initdb into the scratch directory, trust on loopback, no fsync (nothing here writes). As
# root, PostgreSQL's programs run as the user postgres (they refuse root).
as_pg=()
mkdir "$work/pg" "$work/pg-socket"
if [ "$(id -u)" -eq 0 ]; then
  chmod 755 "$work"
  chown postgres "$work/pg" "$work/pg-socket"
  as_pg=(runuser -u postgres --)
fi
"${as_pg[@]}" "$pgbin/initdb" -D "$work/pg" -U basin -A trust --no-sync >"$work/initdb.log" 2>&1 ||
  fail "initdb"
postgres_port=$(free_port)
"${as_pg[@]}" "$pgbin/postgres" -D "$work/pg" -p "$postgres_port" -k "$work/pg-socket" -c listen_addresses=127.0.0.1 \
  -c fsync=off -c max_connections=50 >"$work/postgres.log" 2>&1 &
pids+=($!)
wait_for 30 "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$postgres_port" || fail "PostgreSQL did not start"
psql -X -q -h 127.0.0.1 -p "$postgres_port" -U basin -d postgres -c "CREATE DATABASE basin" >/dev/null

load="CREATE TABLE t (x INTEGER); INSERT INTO t SELECT g FROM generate_series(1, 1000) g(g);"
for port in "$basin_port" "$postgres_port"; do
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U basin -d basin -c "$load"
  [ "$(psql -X -At -h 127.0.0.1 -p "$port" -U basin -d basin -c 'SELECT count(*), sum(x) FROM t')" = "1000|500500" ] ||
    fail "the table differs on port $port"
done

# tps PORT SCRIPT MODE CLIENTS: pgbench's transactions per second.
tps() {
  pgbench -n -h 127.0.0.1 -p "$1" -U basin -f "$here/$2.sql" -M "$3" -c "$4" -j "$4" -T "$seconds" basin \
    >"$work/pgbench.out" 2>&1 || fail "pgbench on port $1"
  grep -q "^number of failed transactions: 0 " "$work/pgbench.out" || fail "pgbench: failed transactions"
  sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/pgbench.out" | cut -d. -f1
}

echo "$("$pgbin/postgres" --version), $(nproc) cores, ${seconds} s per run, pgbench -j = -c"
printf '%-10s %-9s %7s %12s %12s %7s\n' script mode clients "Basin tps" "PG tps" ratio
for script in $scripts; do
  for mode in $modes; do
    for n in $clients; do
      b=$(tps "$basin_port" "$script" "$mode" "$n")
      p=$(tps "$postgres_port" "$script" "$mode" "$n")
      printf '%-10s %-9s %7s %12s %12s %7s\n' "$script" "$mode" "$n" "$b" "$p" \
        "$(awk -v b="$b" -v p="$p" 'BEGIN { printf "%.2f", (p > 0 ? b / p : 0) }')"
    done
  done
done

# COPY through psql's \copy: COPY_ROWS rows of CSV in (FROM STDIN) and out (TO STDOUT), wall seconds each,
# best of three.
copy_rows=${COPY_ROWS:-1000000}
if [ "$copy_rows" -gt 0 ]; then
  seq 1 "$copy_rows" | awk '{ print $1 ",name" $1 "," ($1 % 1000) / 4 }' >"$work/copy.csv"
  # seconds PORT SQL...: the best wall time of three runs of psql with these commands.
  seconds_of() {
    local port=$1 best="" t
    shift
    for _ in 1 2 3; do
      /usr/bin/time -f %e -o "$work/time.out" psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U basin \
        -d basin "$@" >/dev/null 2>"$work/psql.err" || { cat "$work/psql.err" >&2; fail "psql on port $port"; }
      t=$(cat "$work/time.out")
      best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
    done
    echo "$best"
  }
  printf '\n%-22s %10s %10s %7s\n' "COPY, $copy_rows rows" "Basin s" "PG s" ratio
  for direction in in out; do
    for port in "$basin_port" "$postgres_port"; do
      if [ "$direction" = in ]; then
        s=$(seconds_of "$port" -c "DROP TABLE IF EXISTS c" -c "CREATE TABLE c (id BIGINT, name VARCHAR, v DOUBLE PRECISION)" \
              -c "\\copy c FROM '$work/copy.csv' CSV")
      else
        s=$(seconds_of "$port" -c "\\copy c TO '$work/copy_out.csv' CSV")
        cmp -s "$work/copy.csv" <(sort -t, -k1,1n "$work/copy_out.csv") || fail "COPY out differs on port $port"
      fi
      [ "$port" = "$basin_port" ] && b=$s || p=$s
    done
    printf '%-22s %10s %10s %7s\n' "\\copy $direction" "$b" "$p" \
      "$(awk -v b="$b" -v p="$p" 'BEGIN { printf "%.2f", (b > 0 ? p / b : 0) }')"
  done
  echo "(ratio: PostgreSQL's time / Basin's: above 1, Basin is faster)"
fi
