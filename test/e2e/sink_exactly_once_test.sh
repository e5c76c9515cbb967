#!/usr/bin/env bash
# Exactly-once landing of a topic in a table (CREATE SINK): an idempotent producer writes with acks=all
# while `basin server` lands the topic every 50 ms and is killed with SIGKILL twice mid-stream (after
# commits were made). After a graceful stop the table must hold every acknowledged record exactly once.
# Meanwhile an event posted to the HTTP collector must be in its sink's table at once, over /api/v1/sql.
#
#   sink_exactly_once_test.sh PATH/TO/basin PATH/TO/kafka_client_test
source "$(dirname "$0")/kafka_lib.sh" "$1"
client=$2

sql() { "$basin" sql --data "$work/data" --format csv -c "$1"; }
metadata_versions() { ls "$work"/data/lake/public/landed/metadata/ | grep -c '\.metadata\.json$'; }
# at_least_versions N: the table has N metadata versions or more.
at_least_versions() { [ "$(metadata_versions)" -ge "$1" ]; }

sql "CREATE TOPIC events WITH (partitions = 2);
     CREATE TABLE landed (_partition INTEGER, _offset BIGINT, value VARCHAR);
     CREATE SINK s FROM events INTO landed WITH (commit_interval = '50 ms')" >/dev/null \
  || fail "could not create the topic, table and sink"

start_server first
port=${bootstrap##*:}
"$client" produce-acked "$bootstrap" events "$work/acked" "$work/stop" >"$work/producer.out" 2>"$work/producer.log" &
producer=$!
pids+=("$producer")

for round in 1 2; do
  # Kill while the sink is committing: records acknowledged and several commits made since the start.
  versions=$(metadata_versions)
  acked=$( [ -f "$work/acked" ] && wc -l <"$work/acked" || echo 0)
  wait_for 60 lines "$work/acked" $((acked + 5000)) || fail "the producer got no acknowledgements (round $round)"
  wait_for 60 at_least_versions $((versions + 3)) || fail "the sink made no commits (round $round)"
  kill -9 "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  start_server "restart$round" --kafka-port "$port"
done
wait_for 60 lines "$work/acked" $(($(wc -l <"$work/acked") + 5000)) || fail "the producer did not go on"

# Freshness: an event is in its sink's table as soon as the collector acknowledged it, commit or not.
http_sql() { curl -sf -X POST "$http/api/v1/sql" -H 'Content-Type: application/json' --data "{\"sql\": \"$1\"}"; }
http_sql "CREATE TOPIC fresh (id BIGINT, note VARCHAR)" >/dev/null || fail "CREATE TOPIC over HTTP failed"
http_sql "CREATE SINK slow FROM fresh INTO fresh_table WITH (commit_interval = '1 hour')" >/dev/null \
  || fail "CREATE SINK over HTTP failed"
curl -sf -X POST "$http/api/v1/topics/fresh/events" --data '{"id": 7, "note": "now"}' >/dev/null \
  || fail "the collector refused an event"
[ "$(http_sql "SELECT id, note FROM fresh_table")" = '{"columns":[{"name":"id","type":"BIGINT"},{"name":"note","type":"VARCHAR"}],"rows":[[7,"now"]]}' ] \
  || fail "the acknowledged event is not in the sink's table: $(http_sql "SELECT id, note FROM fresh_table")"
touch "$work/stop"
wait "$producer" || fail "the producer failed"
produced=$(cat "$work/producer.out")
stop_server  # lands what is left

# While the sink is defined, queries read committed rows plus the log's tail; with nothing left to land
# the two agree. Without the sink, only what was committed is read.
lags=$("$basin" sql --data "$work/data" --format json -c "SHOW SINKS" |
       python3 -c 'import json, sys; print(" ".join(str(r[4]) for r in json.load(sys.stdin)["rows"]))')
[ "$lags" = "0 0" ] || fail "the sinks have lags ($lags) after a graceful stop"
sql "DROP SINK s" >/dev/null || fail "DROP SINK failed"
counts=$(sql "SELECT count(*), count(DISTINCT value), count(DISTINCT _partition * 10000000 + _offset) FROM landed" | tail -n 1)
[ "$counts" = "$produced,$produced,$produced" ] || fail "the table holds (rows, values, offsets) = ($counts), expected $produced of each"
sql "COPY (SELECT value FROM landed ORDER BY value) TO '$work/landed.csv' (FORMAT csv, HEADER false)" >/dev/null
sort "$work/acked" >"$work/acked.sorted"
sort "$work/landed.csv" | cmp -s - "$work/acked.sorted" || fail "the table's values are not the acknowledged records"
grep -q "sink public.s" "$work"/*.log && grep "sink public.s" "$work"/*.log | head -n 5
echo "sink exactly once across kill -9 ($produced records): ok"
