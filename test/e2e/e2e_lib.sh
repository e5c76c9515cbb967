# Shared by the end-to-end test scripts (source it): a scratch directory `$work` removed at exit together
# with the background processes listed in `pids` (sent $cleanup_signal, TERM by default), a failure report
# with the logs, polling with a deadline, and `basin server` (the binary in $basin) started and stopped.
#
#   source "$(dirname "$0")/e2e_lib.sh"
set -euo pipefail
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -"${cleanup_signal:-TERM}" "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# fail MESSAGE: say what failed, show the end of every log and output in $work, exit 1.
fail() {
  echo "FAIL: $*" >&2
  for f in "$work"/*.log "$work"/*.out; do [ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; } >&2; done
  exit 1
}

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

# start_server NAME [ARGS...]: run `basin server` on $work/data with Kafka, PostgreSQL and HTTP on free
# ports (ARGS may say otherwise: later flags win), its stdout in $work/NAME.out and log in $work/NAME.log;
# sets server_pid, bootstrap (the Kafka host:port), pg_port and http (the HTTP base URL, http://host:port).
start_server() {
  local name=$1; shift
  "$basin" server --data "$work/data" --kafka-port 0 --pg-port 0 --http-port 0 "$@" \
    >"$work/$name.out" 2>"$work/$name.log" &
  server_pid=$!
  pids+=("$server_pid")
  # The addresses are printed together, HTTP's last.
  wait_for 30 grep -q '^http listening on ' "$work/$name.out" || fail "basin server ($name) did not start"
  bootstrap=$(sed -n 's/^kafka listening on //p' "$work/$name.out")
  pg_port=$(sed -n 's/^pg listening on .*://p' "$work/$name.out")
  http=http://$(sed -n 's/^http listening on //p' "$work/$name.out")
}

# stop_server: SIGTERM the server and check that it exits with status 0.
stop_server() {
  kill -TERM "$server_pid"
  local status=0
  wait "$server_pid" || status=$?
  [ "$status" -eq 0 ] || fail "basin server exited with status $status after SIGTERM"
}
