# Shared by the Kafka end-to-end tests (source it): a scratch directory removed at exit, `basin server`
# processes on free ports, polling with deadlines, failure reports with the logs.
#
#   source kafka_lib.sh PATH/TO/basin
set -euo pipefail
basin=$1
work=$(mktemp -d)
pids=()
# Groups form at once instead of waiting group.initial.rebalance.delay.ms for more members.
export BASIN_GROUP_INITIAL_REBALANCE_DELAY_MS=0

cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  for f in "$work"/*.log "$work"/*.out; do [ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; } >&2; done
  exit 1
}

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds; fail after SECONDS.
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

# start_server NAME [ARGS...]: run `basin server` on $work/data (a free port unless ARGS say otherwise),
# its stdout in $work/NAME.out and log in $work/NAME.log; sets server_pid and bootstrap (host:port).
start_server() {
  local name=$1; shift
  "$basin" server --data "$work/data" --kafka-port 0 "$@" >"$work/$name.out" 2>"$work/$name.log" &
  server_pid=$!
  pids+=("$server_pid")
  wait_for 30 grep -q '^kafka listening on ' "$work/$name.out" || fail "basin server ($name) did not start"
  bootstrap=$(sed -n 's/^kafka listening on //p' "$work/$name.out")
}

# stop_server: SIGTERM the server and check that it exits with status 0.
stop_server() {
  kill -TERM "$server_pid"
  local status=0
  wait "$server_pid" || status=$?
  [ "$status" -eq 0 ] || fail "basin server exited with status $status after SIGTERM"
}

# lines FILE N: FILE has at least N lines.
lines() { [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]; }
