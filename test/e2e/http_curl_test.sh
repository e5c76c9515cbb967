#!/usr/bin/env bash
# curl against Basin's HTTP server and event collector, served by http_test_server on a real log: health,
# events as one object, an array and NDJSON (also chunked and with Expect: 100-continue), key partitioning,
# malformed JSON (400 with line and column, nothing appended), unknown topics, oversized bodies, a full disk,
# keep-alive, streamed and asynchronous responses, /metrics through Prometheus's own Python parser, and a
# graceful stop on SIGTERM.
#
#   http_curl_test.sh PATH/TO/http_test_server
source "$(dirname "$0")/e2e_lib.sh"
server_bin=$1
python=/usr/bin/python3  # Debian's, where python3-prometheus-client installs

# start NAME ARGS...: run the server in the background and set $port once it says where it listens
# (read with a timeout: no polling, no sleeps).
start() {
  local name=$1
  shift
  mkfifo "$work/$name.fifo"
  "$server_bin" "$@" >"$work/$name.fifo" 2>"$work/$name.log" &
  pids+=($!)
  local word
  read -r -t 20 word port <"$work/$name.fifo" || fail "$name did not start"
  [ "$word" = port ] || fail "$name printed '$word $port'"
}

start server "$work/data"
server_pid=${pids[-1]}
base=http://127.0.0.1:$port
events=$base/api/v1/topics/clicks/events
c() { curl -sS --max-time 30 "$@"; }
# status URL ARGS...: the status code, the body in $work/body.out, the headers in $work/headers.out.
status() {
  local url=$1
  shift
  c -o "$work/body.out" -D "$work/headers.out" -w '%{http_code}' "$@" "$url"
}
# json EXPR: evaluate a Python expression over the last body, parsed as `j`.
json() { "$python" -c "import json,sys; j=json.load(open('$work/body.out')); print($1)"; }

[ "$(c "$base/healthz")" = '{"status":"ok"}' ] || fail "healthz"

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
c "$base/test/topics/clicks/records" >"$work/records.out" || fail "records"
[ "$(wc -l <"$work/records.out")" = 406 ] || fail "expected 406 records, got $(wc -l <"$work/records.out")"
"$python" - "$work/records.out" <<'EOF' || fail "keyed records are split across partitions"
import json, sys
where = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["key"] is not None:
        where.setdefault(r["key"], set()).add(r["partition"])
assert len(where) == 7, where
assert all(len(p) == 1 for p in where.values()), where
EOF

# Malformed JSON: 400 with the line and column, nothing appended.
[ "$(status "$events" --data-binary $'{"a":1}\n{"a":2}\n{"a":}\n')" = 400 ] || fail "malformed JSON status"
[ "$(json "(j['error']['code'], j['error']['line'], j['error']['column'])")" = "('22P02', 3, 6)" ] ||
  fail "malformed JSON error: $(cat "$work/body.out")"
[ "$(c "$base/test/topics/clicks/records" | wc -l)" = 406 ] || fail "a malformed body appended records"

# Unknown topic, unknown route, wrong method.
[ "$(status "$base/api/v1/topics/nope/events" --data-binary '{}')" = 404 ] || fail "unknown topic"
[ "$(json "j['error']['code']")" = 42P01 ] || fail "unknown topic code"
[ "$(status "$base/nowhere")" = 404 ] || fail "unknown route"
[ "$(status "$events")" = 405 ] || fail "GET on the events route"
grep -qi '^Allow: POST' "$work/headers.out" || fail "405 without Allow"

# A body over the limit (1 MiB here) is refused from its Content-Length, before it is sent.
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$work/big.json"
[ "$(status "$events" -H 'Expect: 100-continue' --data-binary @"$work/big.json" -v 2>"$work/big.log")" = 413 ] ||
  fail "oversized body"
if grep -q 'We are completely uploaded' "$work/big.log"; then fail "the oversized body was sent"; fi
[ "$(status "$events" -H 'Transfer-Encoding: chunked' --data-binary @"$work/big.json")" = 413 ] || fail "oversized chunked body"

# Keep-alive: two requests of one curl share a connection.
c -v "$base/healthz" "$base/test/async/again" >"$work/two.out" 2>"$work/two.log" || fail "two requests"
grep -q 'Re-using existing connection' "$work/two.log" || fail "the connection was not kept alive"
[ "$(cat "$work/two.out")" = '{"status":"ok"}again' ] || fail "keep-alive bodies"

# A streamed response: chunked, as long as produced.
[ "$(status "$base/test/stream/2000/1000")" = 200 ] || fail "stream"
grep -qi '^Transfer-Encoding: chunked' "$work/headers.out" || fail "stream not chunked"
[ "$(wc -c <"$work/body.out")" = 2000000 ] || fail "stream length $(wc -c <"$work/body.out")"

# /metrics in the Prometheus text format, read by Prometheus's own parser.
c "$base/metrics" >"$work/metrics.out" || fail "metrics"
"$python" - "$work/metrics.out" <<'EOF' || fail "metrics do not parse or miss samples"
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
EOF

# Below the free-disk floor: 503 with Retry-After (a second server whose floor no disk meets).
start full "$work/full" --min-free-disk 1000000000000000000
[ "$(status "http://127.0.0.1:$port/api/v1/topics/clicks/events" --data-binary '{}')" = 503 ] || fail "full disk"
grep -qi '^Retry-After: 30' "$work/headers.out" || fail "503 without Retry-After"
[ "$(json "j['error']['code']")" = 53100 ] || fail "full disk code"

# SIGTERM stops the server gracefully.
kill -TERM "$server_pid"
wait "$server_pid" || fail "the server exited with $?"
echo "http_curl_test: all checks passed"
