#!/usr/bin/env bash
# `basin server`'s REST API as a program uses it, with curl: health; a topic with a schema made through
# POST /api/v1/sql; NDJSON events and the offsets they got; an event the schema refuses kept in clicks.dlq
# with the reason (read back over SQL, and over Kafka with `basin consume`); malformed JSON refused with its
# line; SQL over the events, answered as `basin sql --format json` prints; SQL errors as 400 with their
# SQLSTATE; the collector's counters in /metrics; a clean exit on SIGTERM, with everything there after a
# restart.
#
#   server_http_test.sh PATH/TO/basin
source "$(dirname "$0")/http_lib.sh" "$1"

start_server server
[ "$(status "$http/healthz")" = 200 ] || fail "healthz"

[ "$(sql 'CREATE TOPIC clicks (user_id BIGINT, url VARCHAR) WITH (partitions = 2)')" = 200 ] || fail "CREATE TOPIC"
[ "$(cat "$work/body.out")" = '{"ok":true,"rows_affected":0}' ] || fail "CREATE TOPIC answer"

# NDJSON events keyed by user: the answer says where each went, and SQL finds each there.
printf '%s\n' '{"user_id":1,"url":"/home"}' '{"user_id":2,"url":"/cart"}' '{"user_id":1,"url":"/pay"}' \
  '{"user_id":3,"url":"/help"}' >"$work/events.ndjson"
[ "$(status "$http/api/v1/topics/clicks/events?key=user_id&offsets=true" -H 'Content-Type: application/x-ndjson' \
  --data-binary @"$work/events.ndjson")" = 200 ] || fail "events"
cp "$work/body.out" "$work/events.json"
[ "$(json "(j['accepted'], j['rejected'], sum(p['count'] for p in j['partitions']))")" = "(4, [], 4)" ] ||
  fail "events answer: $(cat "$work/events.json")"
[ "$(sql 'SELECT _partition, _offset, user_id, url FROM clicks')" = 200 ] || fail "SELECT the events"
"$python" - "$work/events.ndjson" "$work/events.json" "$work/body.out" <<'PY' || fail "events are not where the answer says"
import json, sys
sent = [json.loads(line) for line in open(sys.argv[1])]
offsets = json.load(open(sys.argv[2]))["offsets"]
rows = {(r[0], r[1]): {"user_id": r[2], "url": r[3]} for r in json.load(open(sys.argv[3]))["rows"]}
assert len(rows) == len(sent), rows
for event, (partition, offset) in zip(sent, offsets):
    assert rows[(partition, offset)] == event, (event, partition, offset, rows)
assert offsets[0][0] == offsets[2][0] and offsets[2][1] > offsets[0][1], offsets  # one key, one partition
PY

# An event the schema refuses: reported with its line and reason, kept in clicks.dlq with the reason.
bad='{"user_id":"seven","url":"/oops"}'
[ "$(status "$http/api/v1/topics/clicks/events" --data-binary $'{"user_id":4,"url":"/ok"}\n'"$bad")" = 200 ] ||
  fail "events with a misfit"
[ "$(json "(j['accepted'], [(r['index'], r['line']) for r in j['rejected']])")" = "(1, [(1, 2)])" ] ||
  fail "misfit answer: $(cat "$work/body.out")"
reason=$(json "j['rejected'][0]['reason']")
[[ "$reason" == *user_id* ]] || fail "the reason does not name the field: $reason"
[ "$(sql 'SELECT value, _headers FROM "clicks.dlq"')" = 200 ] || fail "SELECT the dead letters"
[ "$(json "j['rows'][0][0]")" = "$bad" ] || fail "dead letter value: $(cat "$work/body.out")"
[ "$(json "json.loads(j['rows'][0][1])['basin.error']")" = "$reason" ] || fail "dead letter reason: $(cat "$work/body.out")"
"$basin" consume clicks.dlq --from-beginning --max-messages 1 --bootstrap-server "$bootstrap" \
  >"$work/consume.out" 2>"$work/consume.log" || fail "basin consume clicks.dlq"
[ "$(cat "$work/consume.out")" = "$bad" ] || fail "consumed dead letter"

# Malformed JSON: 400 with the line, nothing of the body appended.
[ "$(status "$http/api/v1/topics/clicks/events" --data-binary $'{"user_id":5}\n{"user_id":}\n')" = 400 ] ||
  fail "malformed JSON"
[ "$(json "(j['error']['code'], j['error']['line'])")" = "('22P02', 2)" ] || fail "malformed JSON error: $(cat "$work/body.out")"

# Events to a topic no one made: it is made (auto.create.topics.enable), with num.partitions partitions.
[ "$(status "$http/api/v1/topics/signups/events" --data-binary '{"who":"ann"}')" = 200 ] || fail "auto-created topic"

# SQL: the same JSON as `basin sql --format json`; errors are 400 with the SQLSTATE.
[ "$(sql 'SELECT count(*) FROM clicks')" = 200 ] || fail "count"
[ "$(cat "$work/body.out")" = '{"columns":[{"name":"count","type":"BIGINT"}],"rows":[[5]]}' ] ||
  fail "count answer: $(cat "$work/body.out")"
query="SELECT 1 AS n, 'a\"b' AS s, NULL AS z, 2.50 AS d"
[ "$(sql "$query")" = 200 ] || fail "a literal query"
[ "$(cat "$work/body.out")" = "$("$basin" sql --data :memory: --format json -c "$query")" ] || fail "/api/v1/sql and basin sql differ"
[ "$(sql 'SELECT * FROM nowhere')" = 400 ] || fail "a missing table"
[ "$(json "j['error']['code']")" = 42P01 ] || fail "missing table code: $(cat "$work/body.out")"
[ "$(sql 'SELEC 1')" = 400 ] || fail "a syntax error"
[ "$(json "sorted(j['error'])")" = "['code', 'message']" ] || fail "syntax error object: $(cat "$work/body.out")"
[ "$(status "$http/api/v1/sql" --data-binary 'SELECT 1')" = 400 ] || fail "a body that is not JSON"

# The collector's counters.
c "$http/metrics" >"$work/metrics.out" || fail "metrics"
grep -qx 'basin_collector_events_total{topic="clicks"} 5' "$work/metrics.out" || fail "collector events counter"
grep -qx 'basin_collector_rejected_events_total{topic="clicks"} 1' "$work/metrics.out" || fail "collector rejected counter"

# Cancelling a running statement by the query_id its request gave.
c -X POST "$http/api/v1/sql" -d '{"sql": "SELECT pg_sleep(60)", "query_id": "slow"}' -o "$work/slow.out" \
  -w '%{http_code}' >"$work/slow.status" &
slow=$!
cancel_slow() { [ "$(status "$http/api/v1/queries/running/slow" -X DELETE)" = 202 ]; }
wait_for 30 cancel_slow || fail "DELETE /api/v1/queries/running/slow did not find the statement"
wait "$slow" || fail "the cancelled request failed at the HTTP level"
[ "$(cat "$work/slow.status")" = 400 ] && grep -q '"code":"57014"' "$work/slow.out" ||
  fail "the cancelled statement answered $(cat "$work/slow.status"): $(cat "$work/slow.out")"
[ "$(status "$http/api/v1/queries/running/slow" -X DELETE)" = 404 ] || fail "a finished query_id is still running"

# SIGTERM: a clean exit; after a restart everything is there.
stop_server
grep -q "server: stopped" "$work/server.log" || fail "no log line for the stop"
start_server again
sql 'SELECT (SELECT count(*) FROM clicks), (SELECT count(*) FROM "clicks.dlq"), (SELECT count(*) FROM signups)' >/dev/null
[ "$(json "j['rows']")" = '[[5, 1, 1]]' ] || fail "after a restart: $(cat "$work/body.out")"
stop_server
echo "server_http_test: all checks passed"
