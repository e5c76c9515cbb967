#!/usr/bin/env bash
# `basin server --demo` (what `make run` starts): a generated clickstream lands in demo.clicks and is
# queryable over HTTP at once; a restart on the same directory reuses the demo's objects and goes on.
#
#   server_demo_test.sh PATH/TO/basin
source "$(dirname "$0")/http_lib.sh" "$1"

# clicks_at_least N: demo.clicks holds N rows or more.
clicks_at_least() {
  [ "$(sql "SELECT count(*) FROM demo.clicks")" = 200 ] && [ "$(json 'j["rows"][0][0]')" -ge "$1" ]
}

start_server first --demo --set demo.events.per.second=2000
wait_for 30 clicks_at_least 200 || fail "no demo clicks in demo.clicks"
[ "$(sql "SELECT count(*) FROM demo.clicks WHERE user_id BETWEEN 1 AND 5000 AND ts IS NOT NULL AND page LIKE '/%'")" = 200 ] ||
  fail "SELECT over the demo clicks failed"
[ "$(json 'j["rows"][0][0] > 0')" = True ] || fail "the demo clicks have unexpected values"
[ "$(sql "SHOW SINKS")" = 200 ] && [ "$(json 'j["rows"][0][0]')" = demo.clicks_to_lake ] ||
  fail "the demo's sink is missing"
[ "$(sql "SHOW MATERIALIZED VIEWS")" = 200 ] && grep -q 'clicks_per_minute' "$work/body.out" ||
  fail "the demo's live view is missing: $(cat "$work/body.out")"
[ "$(status "$http/api/v1/dashboards")" = 200 ] && [ "$(json '[d["name"] for d in j["dashboards"]]')" = "['Clickstream (demo)']" ] ||
  fail "the demo's dashboard is missing: $(cat "$work/body.out")"
[ "$(status "$http/api/v1/charts")" = 200 ] && [ "$(json 'len(j["charts"])')" = 5 ] || fail "the demo's charts are missing"
# The demo's DAG runs: the interval's clicks per page into demo.page_views.
[ "$(status "$http/api/v1/dags/demo_page_views/runs" -X POST -d '{"logical_date": "2020-01-01"}')" = 201 ] ||
  fail "the demo's DAG did not start: $(cat "$work/body.out")"
demo_run=$(json 'j["run_id"]')
demo_run_done() {
  [ "$(status "$http/api/v1/dags/demo_page_views/runs/$demo_run")" = 200 ] && [ "$(json 'j["state"]')" != running ] &&
    [ "$(json 'j["state"]')" != queued ]
}
wait_for 30 demo_run_done || fail "the demo's DAG run did not finish"
[ "$(json 'j["state"]')" = success ] || fail "the demo's DAG run failed: $(cat "$work/body.out")"
# Every saved chart's SQL runs.
for i in 0 1 2 3 4; do
  status "$http/api/v1/charts" >/dev/null
  chart_sql=$(json "j['charts'][$i]['sql']")
  [ "$(sql "$chart_sql")" = 200 ] || fail "the demo chart's SQL failed: $chart_sql: $(cat "$work/body.out")"
done
stop_server

start_server second --demo --set demo.events.per.second=2000
before=$(sql "SELECT count(*) FROM demo.clicks" >/dev/null; json 'j["rows"][0][0]')
wait_for 30 clicks_at_least $((before + 200)) || fail "the demo did not go on after a restart"
grep -q "WARNING" "$work/second.log" && fail "the restarted demo logged a warning"
[ "$(status "$http/api/v1/charts")" = 200 ] && [ "$(json 'len(j["charts"])')" = 5 ] || fail "the restart saved the charts again"
stop_server
echo "server demo: ok"
