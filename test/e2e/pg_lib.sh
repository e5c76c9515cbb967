# Shared by the PostgreSQL-protocol end-to-end tests (source it): `basin server` on free ports with its
# PostgreSQL address in `pg_port`, and psql run against it.
#
#   source pg_lib.sh PATH/TO/basin
basin=$1
source "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"

# start_server NAME [ARGS...]: run `basin server` on $work/data with free ports, its stdout in
# $work/NAME.out and log in $work/NAME.log; sets server_pid and pg_port.
start_server() {
  local name=$1; shift
  "$basin" server --data "$work/data" --kafka-port 0 --pg-port 0 "$@" >"$work/$name.out" 2>"$work/$name.log" &
  server_pid=$!
  pids+=("$server_pid")
  wait_for 30 grep -qs '^pg listening on ' "$work/$name.out" || fail "basin server ($name) did not start"
  pg_port=$(sed -n 's/^pg listening on .*://p' "$work/$name.out")
}

# stop_server: SIGTERM the server and check that it exits with status 0.
stop_server() {
  kill -TERM "$server_pid"
  local status=0
  wait "$server_pid" || status=$?
  [ "$status" -eq 0 ] || fail "basin server exited with status $status after SIGTERM"
}

# pg [PSQL ARGS...]: psql as the user basin (or $PGUSER), no psqlrc, stopping at the first error.
pg() {
  PGCONNECT_TIMEOUT=10 psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U "${PGUSER:-basin}" -d basin "$@"
}

# has FILE TEXT WHAT: FILE contains TEXT (fixed string), else fail naming WHAT.
has() {
  grep -qF -- "$2" "$1" || { echo "--- $1"; cat "$1"; fail "$3: no \"$2\""; } >&2
}
