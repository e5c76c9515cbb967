#!/usr/bin/env bash
# `basin dag` on a data directory no server holds, then through the server that holds it: list (with a
# broken file reported by its line), trigger with params and --wait, backfill, runs, logs, pause/unpause,
# and the history in SQL through `basin sql`. Usage: workflow_cli_test.sh PATH_TO_BASIN
basin=${1:?usage: workflow_cli_test.sh PATH_TO_BASIN}
source "$(dirname "$0")/e2e_lib.sh"

data=$work/data
mkdir -p "$data/dags"
cat > "$data/dags/hello.yaml" <<'YAML'
schedule: "0 3 * * 1-5"
timezone: Asia/Seoul
params: {who: world}
tasks:
  greet: {kind: shell, command: "echo hello {{ params.who }} on {{ ds }}"}
  count: {kind: sql, depends_on: [greet], sql: "SELECT length('{{ outputs.greet }}')"}
YAML
printf 'tasks:\n  a: {kind: noop}\n  b: {kind: nope}\n' > "$data/dags/broken.yaml"
dag() { "$basin" dag "$@" --data "$data"; }

out=$(dag list 2>&1) || fail "dag list: $out"
echo "$out" | grep -q '^hello  *0 3 \* \* 1-5  *no' || fail "dag list: $out"
echo "$out" | grep -q 'error: .*broken.yaml:3: unknown task kind "nope"' || fail "dag list does not report the broken file: $out"
out=$(dag trigger hello --param who=Basin --logical-date 2024-06-03 2>&1) || fail "dag trigger: $out"
echo "$out" | grep -q "run 1: success" || fail "dag trigger: $out"
dag logs hello 1 greet | grep -q "hello Basin on 2024-06-03" || fail "dag logs: $(dag logs hello 1 2>&1)"
out=$(dag backfill hello --start 2024-06-01 --end 2024-06-05 2>&1) || fail "dag backfill: $out"
echo "$out" | grep -q "2 runs of hello queued" || fail "dag backfill (Monday and Tuesday 03:00 in Seoul): $out"
[ "$(dag runs hello | grep -c success)" -eq 3 ] || fail "dag runs: $(dag runs hello)"
dag pause hello > /dev/null && dag list 2>/dev/null | grep -q '^hello  *0 3 \* \* 1-5  *yes' || fail "dag pause"
dag trigger nope > "$work/nope.out" 2>&1 && fail "triggering an unknown DAG succeeded"
grep -q 'no DAG named "nope"' "$work/nope.out" || fail "unknown DAG: $(cat "$work/nope.out")"
out=$("$basin" sql --data "$data" --format csv -c "SELECT run_type, count(*) FROM workflow.dag_runs GROUP BY run_type ORDER BY 1")
[ "$out" = "$(printf 'run_type,count\nbackfill,2\nmanual,1')" ] || fail "workflow.dag_runs: $out"
echo "ok basin dag on the directory"

start_server one
dag unpause hello > /dev/null || fail "unpause through the server"
out=$(dag trigger hello --wait 2>&1) || fail "dag trigger through the server: $out"
echo "$out" | grep -q "run 4: success" || fail "dag trigger through the server: $out"
[ "$(dag runs hello --limit 1 | tail -1 | awk '{print $1, $2, $3}')" = "4 success manual" ] || fail "dag runs: $(dag runs hello)"
stop_server
echo "ok basin dag through the server"
