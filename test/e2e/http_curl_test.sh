#!/usr/bin/env bash
# curl against the HTTP server of `basin server`: health, events as one object, an array and NDJSON (also
# chunked and with Expect: 100-continue), key partitioning, malformed JSON (400 with line and column,
# nothing appended), unknown topics, oversized bodies, a full disk, keep-alive, /metrics through
# Prometheus's own Python parser, and a graceful stop on SIGTERM.
#
#   http_curl_test.sh PATH/TO/basin
source "$(dirname "$0")/http_lib.sh" "$1"

# Bodies up to 1 MiB; topics are not made by their first events here (404 instead).
start_server server --set http.max.body.bytes=1048576 --set auto.create.topics.enable=false
main_pid=$server_pid
events=$http/api/v1/topics/clicks/events
[ "$(c "$http/healthz")" = '{"status":"ok"}' ] || fail "healthz"
[ "$(sql 'CREATE TOPIC clicks WITH (partitions = 3)')" = 200 ] || fail "create topic"

# One object, an array, NDJSON (by Content-Type and sniffed).
[ "$(status "$events" -H 'Content-Type: application/json' --data-binary '{"user":"carol","n":0}')" = 200 ] || fail "one object"
[ "$(json "j['accepted']")" = 1 ] || fail "one object accepted"
[ "$(status "$events" -H 'Content-Type: application/json' --data-binary $'[\n {"user":"dave","n":1},\n {"user":"erin","n":2}\n]')" = 200 ] ||
  fail "array"
[ "$(json "j['accepted']")" = 2 ] || fail "array accepted"
for i in $(seq 1 200); do echo "{\"user\":\"u$((i % 7))\",\"n\":$i,\"pad\":\"$(printf '%0100d' "$i")\"}"; done >"$work/events.ndjson"
[ "$(status "$events?key=user" -H 'Content-Type: application/x-ndjson' --data-binary @"$work/events.ndjson")" = 200 ] ||
  fail "NDJSON"
[ "$(json "j['accepted']")" = 200 ] || fail "NDJSON accepted"
[ "$(json "sum(p['count'] for p in j['partitions'])")" = 200 ] || fail "NDJSON partition counts"
[ "$(status "$events" --data-binary $'{"user":"x","n":-1}\n{"user":"y","n":-2}')" = 200 ] || fail "sniffed NDJSON"
[ "$(json "j['accepted']")" = 2 ] || fail "sniffed NDJSON accepted"

# Chunked upload, and Expect: 100-continue answered before the body.
[ "$(status "$events?key=user" -H 'Transfer-Encoding: chunked' -H 'Content-Type: application/x-ndjson' \
  --data-binary @"$work/events.ndjson")" = 200 ] || fail "chunked upload"
[ "$(json "j['accepted']")" = 200 ] || fail "chunked accepted"
[ "$(status "$events" -H 'Expect: 100-continue' --data-binary '{"user":"z"}' -v 2>"$work/continue.log")" = 200 ] ||
  fail "expect 100-continue"
grep -q '< HTTP/1.1 100 Continue' "$work/continue.log" || fail "no 100 Continue"

# Keyed events landed where Kafka's partitioner puts their key: every record of a key in one partition.
[ "$(sql 'SELECT count(*) FROM clicks')" = 200 ] || fail "count"
[ "$(json "j['rows']")" = '[[406]]' ] || fail "expected 406 records: $(cat "$work/body.out")"
[ "$(sql 'SELECT _key, count(DISTINCT _partition) FROM clicks WHERE _key IS NOT NULL GROUP BY _key')" = 200 ] ||
  fail "partitions by key"
[ "$(json "len(j['rows']) == 7 and all(r[1] == 1 for r in j['rows'])")" = True ] ||
  fail "keyed records are split across partitions: $(cat "$work/body.out")"

# Malformed JSON: 400 with the line and column, nothing appended.
[ "$(status "$events" --data-binary $'{"a":1}\n{"a":2}\n{"a":}\n')" = 400 ] || fail "malformed JSON status"
[ "$(json "(j['error']['code'], j['error']['line'], j['error']['column'])")" = "('22P02', 3, 6)" ] ||
  fail "malformed JSON error: $(cat "$work/body.out")"
sql 'SELECT count(*) FROM clicks' >/dev/null
[ "$(json "j['rows']")" = '[[406]]' ] || fail "a malformed body appended records"

# Unknown topic, unknown route, wrong method.
[ "$(status "$http/api/v1/topics/nope/events" --data-binary '{}')" = 404 ] || fail "unknown topic"
[ "$(json "j['error']['code']")" = 42P01 ] || fail "unknown topic code"
[ "$(status "$http/nowhere")" = 404 ] || fail "unknown route"
[ "$(status "$events")" = 405 ] || fail "GET on the events route"
grep -qi '^Allow: POST' "$work/headers.out" || fail "405 without Allow"

# A body over the limit (1 MiB here) is refused from its Content-Length, before it is sent.
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$work/big.json"
[ "$(status "$events" -H 'Expect: 100-continue' --data-binary @"$work/big.json" -v 2>"$work/big.log")" = 413 ] ||
  fail "oversized body"
if grep -q 'We are completely uploaded' "$work/big.log"; then fail "the oversized body was sent"; fi
[ "$(status "$events" -H 'Transfer-Encoding: chunked' --data-binary @"$work/big.json")" = 413 ] || fail "oversized chunked body"

# Keep-alive: two requests of one curl share a connection.
c -v "$http/healthz" "$http/healthz" >"$work/two.out" 2>"$work/two.log" || fail "two requests"
grep -q 'Re-using existing connection' "$work/two.log" || fail "the connection was not kept alive"
[ "$(cat "$work/two.out")" = '{"status":"ok"}{"status":"ok"}' ] || fail "keep-alive bodies"

# /metrics in the Prometheus text format, read by Prometheus's own parser.
c "$http/metrics" >"$work/metrics.out" || fail "metrics"
"$python" - "$work/metrics.out" <<'PY' || fail "metrics do not parse or miss samples"
import sys
from prometheus_client.parser import text_string_to_metric_families
samples = {}
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in family.samples:
        samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
assert samples[("basin_collector_events_total", (("topic", "clicks"),))] == 406, samples
ok = samples[("basin_http_requests_total", (("method", "POST"), ("route", "/api/v1/topics/{topic}/events"), ("status", "200")))]
assert ok == 6, ok
assert samples[("basin_http_requests_total", (("method", "POST"), ("route", "/api/v1/topics/{topic}/events"), ("status", "413")))] == 2
assert ("basin_http_request_duration_seconds_bucket", (("le", "+Inf"), ("route", "/healthz"))) in samples
PY

# Below the free-disk floor: 503 with Retry-After (a second server whose floor no disk meets).
start_server full --data "$work/full" --set collector.min.free.disk.bytes=1000000000000000000
[ "$(status "$http/api/v1/topics/clicks/events" --data-binary '{}')" = 503 ] || fail "full disk"
grep -qi '^Retry-After: 30' "$work/headers.out" || fail "503 without Retry-After"
[ "$(json "j['error']['code']")" = 53100 ] || fail "full disk code"

# SIGTERM stops the server gracefully.
server_pid=$main_pid
stop_server
echo "http_curl_test: all checks passed"
