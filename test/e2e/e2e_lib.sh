# Shared by the end-to-end test scripts (source it): a scratch directory `$work` removed at exit together
# with the background processes listed in `pids` (sent $cleanup_signal, TERM by default), a failure report with the logs, polling with a deadline.
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
