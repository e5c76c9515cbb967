#!/usr/bin/env bash
# SIGTERM while `basin server` is busy drains it: event posts keep arriving from a loop, a sink lands them
# into a table, a slow client is reading a large streamed result, a psql session sits idle. The server must
# exit 0 within its grace period; the streamed result must arrive whole; the idle session must be ended (57P01);
# every event it acknowledged must be there after a restart, exactly once, in the topic and in the table.
#
#   server_drain_test.sh PATH/TO/basin
source "$(dirname "$0")/http_lib.sh" "$1"

start_server server
[ "$(sql 'CREATE TOPIC drain (n BIGINT NOT NULL) WITH (partitions = 2)')" = 200 ] || fail "CREATE TOPIC"
[ "$(sql "CREATE SINK drain_to_lake FROM drain INTO drained WITH (commit_interval = '100 milliseconds')")" = 200 ] ||
  fail "CREATE SINK: $(cat "$work/body.out")"

# Producer: batches of 100 events; a batch counts as acknowledged only once answered 200.
produce() {
  local batch=0
  while :; do
    "$python" -c "import sys; b=int(sys.argv[1]); print('\n'.join('{\"n\": %d}' % (b*100+i) for i in range(100)))" \
      "$batch" >"$work/batch.ndjson"
    code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "$http/api/v1/topics/drain/events" \
      -H 'Content-Type: application/x-ndjson' --data-binary @"$work/batch.ndjson") || break
    [ "$code" = 200 ] || break
    batch=$((batch + 1))
    echo "$batch" >"$work/acked.txt"
  done
}
produce &
pids+=($!)
wait_for 30 test -s "$work/acked.txt" || fail "no batch acknowledged"
wait_for 30 bash -c "[ \$(cat '$work/acked.txt') -ge 5 ]" || fail "the producer is stuck"

# An idle psql session (stdin held open by a fifo) and a slow reader of about 29 MB of CSV.
mkfifo "$work/psql.in"
psql "host=127.0.0.1 port=$pg_port user=basin dbname=basin" -qAt <"$work/psql.in" >"$work/psql.out" 2>&1 &
psql_pid=$!
pids+=("$psql_pid")
exec 7>"$work/psql.in"
echo "SELECT 'session open';" >&7
wait_for 30 grep -q 'session open' "$work/psql.out" || fail "psql did not connect"
curl -sS --max-time 60 --limit-rate 12M -o "$work/big.csv" "$http/api/v1/sql" -H 'Content-Type: application/json' \
  --data-binary '{"sql": "SELECT x, repeat('"'"'y'"'"', 40) AS pad FROM generate_series(1, 600000) g(x)", "format": "csv"}' &
reader_pid=$!
wait_for 30 test -s "$work/big.csv" || fail "the large result did not start"

kill -TERM "$server_pid"
wait_for 30 bash -c "! kill -0 $server_pid 2>/dev/null" || fail "basin server did not exit within 30 s of SIGTERM"
status=0
wait "$server_pid" || status=$?
[ "$status" -eq 0 ] || fail "basin server exited with status $status after SIGTERM"
wait "$reader_pid" || fail "the streamed result was cut by the shutdown"
[ "$(wc -l <"$work/big.csv")" -eq 600001 ] && [ "$(tail -n 1 "$work/big.csv" | cut -d, -f1)" = 600000 ] ||
  fail "the streamed result is incomplete: $(wc -l <"$work/big.csv") lines"
# psql reads nothing while idle: its next statement finds the session ended as PostgreSQL ends it (57P01).
echo "SELECT 'still open';" >&7
exec 7>&-
wait_for 10 bash -c "! kill -0 $psql_pid 2>/dev/null" || fail "psql still runs"
grep -q 'terminating connection due to administrator command' "$work/psql.out" &&
  ! grep -q 'still open' "$work/psql.out" || fail "the idle psql session was not ended with 57P01"
acked=$(cat "$work/acked.txt")

# After a restart: every acknowledged event once in the topic and once in the table.
start_server again
for relation in drain drained; do
  [ "$(sql "SELECT count(*) >= $acked * 100, count(*) = count(DISTINCT n), min(n) FROM $relation")" = 200 ] ||
    fail "SELECT from $relation: $(cat "$work/body.out")"
  [ "$(json "j['rows']")" = '[[True, True, 0]]' ] || fail "$relation after the restart ($acked batches acknowledged): $(cat "$work/body.out")"
done
[ "$(sql 'SELECT (SELECT count(*) FROM drain) = (SELECT count(*) FROM drained)')" = 200 ] &&
  [ "$(json "j['rows']")" = '[[True]]' ] || fail "the table does not hold the topic's events: $(cat "$work/body.out")"
stop_server
echo "server_drain_test: all checks passed"
