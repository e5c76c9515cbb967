#!/usr/bin/env bash
# The REST API and the UI's files as curl sees them from `basin server`: the OpenAPI document parses and
# lists the routes; saved queries, charts and dashboards round-trip (create, list, read, replace, delete,
# 404/409/400) and survive a restart; the catalog lists a schema's table and view, a topic and a sink, and
# describes a table (columns, row count, snapshots, sample) and a topic (offsets, last records); a
# 200,000-row result comes as streamed CSV (chunked, every row, as `basin sql --format csv` prints it) and as
# NDJSON; / serves the UI with its content types and caching headers.
#
#   rest_api_test.sh PATH/TO/basin
source "$(dirname "$0")/http_lib.sh" "$1"

# send METHOD PATH [JSON]: status as `status` prints it, for a JSON body.
send() {
  local method=$1 path=$2
  shift 2
  status "$http$path" -X "$method" -H 'Content-Type: application/json' ${1:+--data-binary "$1"}
}
expect() {  # expect STATUS METHOD PATH [JSON]
  local want=$1
  shift
  local got
  got=$(send "$@")
  [ "$got" = "$want" ] || fail "$* answered $got, not $want: $(cat "$work/body.out")"
}

start_server server

# The OpenAPI document.
expect 200 GET /api/openapi.json
"$python" - "$work/body.out" <<'PY' || fail "openapi.json"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["openapi"].startswith("3."), doc["openapi"]
for path in ["/api/v1/sql", "/api/v1/catalog", "/api/v1/tables/{schema}/{table}", "/api/v1/topics/{topic}",
             "/api/v1/queries/{id}", "/api/v1/charts", "/api/v1/dashboards/{id}", "/api/v1/topics/{topic}/events",
             "/healthz", "/metrics"]:
    assert path in doc["paths"], path
PY

# Saved objects: every kind round-trips.
for kind in queries charts dashboards; do
  case $kind in
    queries) doc='"sql": "SELECT 1"' ;;
    charts) doc='"sql": "SELECT 1 AS n", "type": "bar", "x": "n", "y": ["n"]' ;;
    dashboards) doc='"charts": [{"chart_id": 1, "w": 6, "h": 4}], "refresh_seconds": 5' ;;
  esac
  expect 201 POST "/api/v1/$kind" "{\"name\": \"first $kind\", $doc}"
  id=$(json "j['id']")
  grep -qi "^Location: /api/v1/$kind/$id" "$work/headers.out" || fail "$kind: no Location"
  expect 409 POST "/api/v1/$kind" "{\"name\": \"first $kind\", $doc}"
  [ "$(json "j['error']['code']")" = 42710 ] || fail "$kind: duplicate code"
  expect 400 POST "/api/v1/$kind" '{"name": "no document"}'
  [ "$(json "j['error']['code']")" = 22023 ] || fail "$kind: bad document code"
  expect 200 GET "/api/v1/$kind/$id"
  [ "$(json "j['name']")" = "first $kind" ] || fail "$kind: GET"
  expect 200 GET "/api/v1/$kind"
  [ "$(json "len(j['$kind'])")" = 1 ] || fail "$kind: list"
  expect 200 PUT "/api/v1/$kind/$id" "{\"name\": \"renamed $kind\", $doc}"
  [ "$(json "j['name']")" = "renamed $kind" ] || fail "$kind: PUT"
  expect 404 GET "/api/v1/$kind/999"
  expect 404 PUT "/api/v1/$kind/999" "{\"name\": \"x\", $doc}"
  expect 201 POST "/api/v1/$kind" "{\"name\": \"doomed $kind\", $doc}"
  doomed=$(json "j['id']")
  expect 204 DELETE "/api/v1/$kind/$doomed"
  expect 404 DELETE "/api/v1/$kind/$doomed"
done

# The catalog.
[ "$(sql 'CREATE SCHEMA shop')" = 200 ] || fail "CREATE SCHEMA"
[ "$(sql 'CREATE TABLE shop.orders (id BIGINT NOT NULL, amount DECIMAL(10,2))')" = 200 ] || fail "CREATE TABLE"
[ "$(sql 'INSERT INTO shop.orders SELECT x, x * 1.5 FROM generate_series(1, 50) g(x)')" = 200 ] || fail "INSERT"
[ "$(sql 'CREATE VIEW shop.big AS SELECT * FROM shop.orders WHERE amount > 10')" = 200 ] || fail "CREATE VIEW"
[ "$(sql 'CREATE TOPIC clicks (user_id BIGINT, url VARCHAR) WITH (partitions = 2)')" = 200 ] || fail "CREATE TOPIC"
[ "$(sql "INSERT INTO clicks SELECT x, '/p' || x FROM generate_series(1, 30) g(x)")" = 200 ] || fail "INSERT INTO clicks"
[ "$(sql 'CREATE SINK clicks_sink FROM clicks INTO clicks_landed')" = 200 ] || fail "CREATE SINK"
expect 200 GET /api/v1/catalog
[ "$(json "[(s['name'], [t['name'] for t in s['tables']], [v['name'] for v in s['views']]) for s in j['schemas'] if s['name'] == 'shop']")" = \
  "[('shop', ['orders'], ['big'])]" ] || fail "catalog schemas: $(cat "$work/body.out")"
[ "$(json "[(t['name'], t['partition_count'], t['messages']) for t in j['topics']]")" = "[('clicks', 2, 30)]" ] ||
  fail "catalog topics: $(cat "$work/body.out")"
[ "$(json "[s['name'] for s in j['sinks']]")" = "['public.clicks_sink']" ] || fail "catalog sinks"
expect 200 GET /api/v1/tables/shop/orders
[ "$(json "(j['kind'], j['row_count'], [c['name'] for c in j['columns']], len(j['snapshots']['rows']), len(j['sample']['rows']))")" = \
  "('table', 50, ['id', 'amount'], 1, 20)" ] || fail "table details: $(cat "$work/body.out")"
expect 200 GET /api/v1/tables/shop/big
[ "$(json "(j['kind'], [c['name'] for c in j['columns']])")" = "('view', ['id', 'amount'])" ] || fail "view details"
expect 404 GET /api/v1/tables/shop/nowhere
[ "$(json "j['error']['code']")" = 42P01 ] || fail "missing table code"
expect 200 GET '/api/v1/topics/clicks?sample=5'
[ "$(json "(sum(p['high_watermark'] for p in j['partitions']), len(j['sample']['rows']), j['schema'])")" = \
  "(30, 5, 'user_id BIGINT, url VARCHAR')" ] || fail "topic details: $(cat "$work/body.out")"
expect 200 GET /api/v1/topics
expect 404 GET /api/v1/topics/nowhere

# A 200,000-row result streamed as CSV: chunked, every row, the bytes `basin sql --format csv` prints.
query='SELECT x AS n, md5(x::VARCHAR) AS hash FROM generate_series(1, 200000) g(x)'
body=$("$python" -c 'import json,sys; print(json.dumps({"sql": sys.argv[1], "format": "csv"}))' "$query")
c -D "$work/csv.headers" -o "$work/big.csv" "$http/api/v1/sql" -H 'Content-Type: application/json' --data-binary "$body" ||
  fail "streamed CSV"
grep -qi '^Transfer-Encoding: chunked' "$work/csv.headers" || fail "CSV not streamed: $(cat "$work/csv.headers")"
grep -qi '^Content-Type: text/csv' "$work/csv.headers" || fail "CSV content type"
[ "$(wc -l <"$work/big.csv")" = 200001 ] || fail "CSV lines: $(wc -l <"$work/big.csv")"
[ "$(head -n 2 "$work/big.csv")" = $'n,hash\n1,c4ca4238a0b923820dcc509a6f75849b' ] || fail "CSV head: $(head -n 2 "$work/big.csv")"
[ "$(tail -n 1 "$work/big.csv" | cut -d, -f1)" = 200000 ] || fail "CSV tail"
stop_server
"$basin" sql --data "$work/data" --format csv -c "$query" >"$work/cli.csv" || fail "basin sql --format csv"
cmp -s "$work/big.csv" "$work/cli.csv" || fail "the streamed CSV differs from basin sql --format csv"
start_server again

# NDJSON: one object per row.
body=$("$python" -c 'import json,sys; print(json.dumps({"sql": sys.argv[1], "format": "ndjson", "limit": 3}))' "$query")
c -o "$work/rows.ndjson" "$http/api/v1/sql" -H 'Content-Type: application/json' --data-binary "$body" || fail "NDJSON"
[ "$(head -n 1 "$work/rows.ndjson")" = '{"n":1,"hash":"c4ca4238a0b923820dcc509a6f75849b"}' ] || fail "NDJSON: $(head -n 1 "$work/rows.ndjson")"
[ "$(wc -l <"$work/rows.ndjson")" = 3 ] || fail "NDJSON limit"

# Saved objects survived the restart.
expect 200 GET /api/v1/charts
[ "$(json "[c['name'] for c in j['charts']]")" = "['renamed charts']" ] || fail "charts after a restart: $(cat "$work/body.out")"

# The UI: index.html revalidated, hashed assets cached for a year, each with its type.
[ "$(status "$http/")" = 200 ] || fail "GET /"
grep -qi '^Content-Type: text/html' "$work/headers.out" || fail "/ content type"
grep -qi '^Cache-Control: no-cache' "$work/headers.out" || fail "/ caching"
grep -q '<div id="app">' "$work/body.out" || fail "/ is not the UI's page"
script=$(grep -o '/assets/[^"]*\.js' "$work/body.out" | head -n 1)
[ -n "$script" ] || fail "no script in index.html"
[ "$(status "$http$script")" = 200 ] || fail "GET $script"
grep -qi '^Content-Type: text/javascript' "$work/headers.out" || fail "script content type"
grep -qi '^Cache-Control: public, max-age=31536000, immutable' "$work/headers.out" || fail "script caching"
etag=$(sed -n 's/^ETag: //Ip' "$work/headers.out" | tr -d '\r')
[ "$(status "$http$script" -H "If-None-Match: $etag")" = 304 ] || fail "If-None-Match"
[ "$(status "$http/favicon.svg")" = 200 ] || fail "favicon"
stop_server
echo "rest_api_test: all checks passed"
