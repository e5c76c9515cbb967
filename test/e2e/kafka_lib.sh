# Shared by the Kafka end-to-end tests (source it): a scratch directory removed at exit, `basin server`
# processes on free ports, polling with deadlines, failure reports with the logs.
#
#   source kafka_lib.sh PATH/TO/basin
basin=$1
# Servers left running at exit are killed outright: some tests kill -9 them anyway.
cleanup_signal=KILL
source "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"
# Groups form at once instead of waiting group.initial.rebalance.delay.ms for more members.
export BASIN_GROUP_INITIAL_REBALANCE_DELAY_MS=0

# start_server NAME [ARGS...]: run `basin server` on $work/data (free ports unless ARGS say otherwise),
# its stdout in $work/NAME.out and log in $work/NAME.log; sets server_pid and bootstrap (host:port).
start_server() {
  local name=$1; shift
  "$basin" server --data "$work/data" --kafka-port 0 --pg-port 0 "$@" >"$work/$name.out" 2>"$work/$name.log" &
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
