#!/usr/bin/env bash
# Materialized views exactly once across kill -9: events stream into a topic over the HTTP collector while
# `basin server` maintains views of it (appended rows, windowed aggregates, a changelog per key, sessions per
# key, a top-N per key, windows emitted as updates with an allowed lateness, a stream into a topic, and a
# join with a second topic fed at the same time: a stream-to-stream join, its rows kept in the view's
# state), and the server is killed with SIGKILL twice mid-stream. After the producer stops and the views
# catch up, each
# view holds exactly what its query gives in batch over the topic (for the windowed view: over the windows
# its watermark has closed).
#
#   stream_views_test.sh PATH/TO/basin
source "$(dirname "$0")/http_lib.sh" "$1"

# ok STATEMENT: run it over POST /api/v1/sql, which must answer 200.
ok() { [ "$(sql "$1")" = 200 ] || fail "$1: $(cat "$work/body.out")"; }
# rows STATEMENT: the rows of a query, as JSON.
rows() { ok "$1"; json 'json.dumps(j["rows"])'; }
# show COLUMN VIEW: a column of SHOW MATERIALIZED VIEWS for a view.
show() {
  ok "SHOW MATERIALIZED VIEWS"
  json "[r[[c['name'] for c in j['columns']].index('$1')] for r in j['rows'] if r[0] == 'public.$2'][0]"
}
# advanced VIEW EPOCH: the view has checkpointed past EPOCH.
advanced() { [ "$(show epoch "$1")" -gt "$2" ]; }
caught_up() { [ "$(show lag "$1")" = 0 ]; }

start_server first
port=${http##*:}
ok "CREATE TOPIC clicks (user_id BIGINT, amount BIGINT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
    WITH (partitions = 3, key = 'user_id')"
windowed="SELECT window_start, window_end, user_id, count(*) AS n, sum(amount) AS total, min(amount) AS low,
                 max(amount) AS high, avg(amount) AS mean
          FROM TUMBLE(clicks, ts, INTERVAL '1' SECOND) GROUP BY window_start, window_end, user_id"
changelog="SELECT user_id, count(*) AS n, sum(amount) AS total, max(ts) AS last FROM clicks GROUP BY user_id"
append="SELECT user_id, amount * 2 AS twice, ts FROM clicks WHERE amount > 50"
sessions="SELECT window_start, window_end, user_id, count(*) AS n, sum(amount) AS total
          FROM SESSION(clicks, ts, INTERVAL '200 milliseconds', user_id) GROUP BY window_start, window_end, user_id"
top="SELECT user_id, amount, ts, rn FROM (SELECT *, row_number() OVER (PARTITION BY user_id ORDER BY amount DESC,
     ts DESC) AS rn FROM clicks) t WHERE rn <= 3"
updating="SELECT window_start, window_end, count(*) AS n, sum(amount) AS total
          FROM TUMBLE(clicks, ts, INTERVAL '2' SECOND) GROUP BY window_start, window_end"
ok "CREATE TOPIC marks (seq BIGINT, note VARCHAR)"
joined="SELECT c.user_id, c.amount, c.ts, m.note FROM clicks c JOIN marks m ON c.amount = m.seq WHERE c.user_id = 3"
# Stages: an aggregate over another's changelog; windowed aggregates joined window by window (q5's shape).
histogram="SELECT n, count(*) AS users, sum(total) AS amount FROM (SELECT user_id, count(*) AS n, sum(amount) AS total
           FROM clicks GROUP BY user_id) c GROUP BY n"
leaders="SELECT a.user_id, a.n, a.window_end FROM (SELECT user_id, window_end, count(*) AS n
         FROM TUMBLE(clicks, ts, INTERVAL '1' SECOND) GROUP BY user_id, window_start, window_end) a
         JOIN (SELECT window_end, max(n) AS most FROM (SELECT user_id, window_end, count(*) AS n
         FROM TUMBLE(clicks, ts, INTERVAL '1' SECOND) GROUP BY user_id, window_start, window_end) c GROUP BY window_end) m
         ON a.window_end = m.window_end AND a.n = m.most"
options="WITH (checkpoint_interval = '20 ms', max_records_per_epoch = 1500)"
ok "CREATE MATERIALIZED VIEW per_window $options AS $windowed"
ok "CREATE MATERIALIZED VIEW per_user $options AS $changelog"
ok "CREATE MATERIALIZED VIEW big $options AS $append"
ok "CREATE MATERIALIZED VIEW per_session $options AS $sessions"
ok "CREATE STREAM big_stream WITH (checkpoint_interval = '20 ms', max_records_per_epoch = 1500, partitions = 2,
    key = 'user_id') AS $append"
ok "CREATE MATERIALIZED VIEW top_amounts $options AS $top"
ok "CREATE MATERIALIZED VIEW updating WITH (checkpoint_interval = '20 ms', max_records_per_epoch = 1500,
    emit = 'on_update', allowed_lateness = '1 second') AS $updating"
ok "CREATE MATERIALIZED VIEW joined $options AS $joined"
ok "CREATE MATERIALIZED VIEW histogram $options AS $histogram"
ok "CREATE MATERIALIZED VIEW leaders $options AS $leaders"

# The producer: batches of 300 events, each retried until the collector acknowledges it (a batch the
# server appended before dying may be appended twice: the views must agree with the topic, whatever it
# holds). Event times grow by 20 ms per event with up to 0.4 s of disorder, within the watermark's 5 s.
# After each batch, one mark (seq = the batch's number) to the second topic: the clicks of each amount meet
# their mark whether they came before it or after.
cat >"$work/producer.py" <<'PY'
import json, os, sys, time, urllib.request
url, stop, count_file = sys.argv[1], sys.argv[2], sys.argv[3]
marks_url = url.replace("/clicks/", "/marks/")
def post(url, body):
    while not os.path.exists(stop):
        try:
            req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/x-ndjson"})
            urllib.request.urlopen(req, timeout=10).read()
            return
        except Exception:
            time.sleep(0.05)
batch = 0
while not os.path.exists(stop):
    events = []
    for k in range(300):
        i = batch * 300 + k
        ms = i * 20 - (i % 5) * 100
        ts = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(1704067200 + ms // 1000)) + ".%03d" % (ms % 1000)
        events.append(json.dumps({"user_id": i % 7, "amount": i % 100, "ts": ts}))
    post(url, "\n".join(events).encode())
    post(marks_url, json.dumps({"seq": batch, "note": "mark %d" % batch}).encode())
    batch += 1
    with open(count_file, "w") as f:
        f.write(str(batch))
PY
"$python" "$work/producer.py" "$http/api/v1/topics/clicks/events" "$work/stop" "$work/batches" \
  >"$work/producer.out" 2>"$work/producer.log" &
producer=$!
pids+=("$producer")

for round in 1 2; do
  # Kill while the views are busy: each has checkpointed several epochs since the round began.
  w=$(show epoch per_window) u=$(show epoch per_user) b=$(show epoch big) j=$(show epoch joined)
  wait_for 60 advanced per_window $((w + 3)) || fail "per_window made no progress (round $round)"
  wait_for 60 advanced per_user $((u + 3)) || fail "per_user made no progress (round $round)"
  wait_for 60 advanced big $((b + 3)) || fail "big made no progress (round $round)"
  wait_for 60 advanced joined $((j + 3)) || fail "joined made no progress (round $round)"
  kill -9 "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  start_server "restart$round" --http-port "$port"
done
w=$(show epoch per_window)
wait_for 60 advanced per_window $((w + 3)) || fail "per_window made no progress after the restarts"
touch "$work/stop"
wait "$producer" || fail "the producer failed"
for view in per_window per_user big per_session top_amounts updating big_stream joined histogram leaders; do
  wait_for 120 caught_up "$view" || fail "$view did not catch up: lag $(show lag "$view")"
  [ "$(show status "$view")" = running ] || fail "$view is $(show status "$view"): $(show error "$view")"
done
ok "SELECT count(*) FROM clicks"
events=$(json "j['rows'][0][0]")

# The views against the same queries in batch.
watermark=$(show watermark per_window)
watermark=${watermark%+00}
[ -n "$watermark" ] && [ "$watermark" != None ] || fail "per_window has no watermark"
view_rows=$(rows "SELECT * FROM per_window ORDER BY window_start, user_id")
batch_rows=$(rows "SELECT * FROM ($windowed) b WHERE window_end <= TIMESTAMP '$watermark' ORDER BY window_start, user_id")
[ "$view_rows" = "$batch_rows" ] || fail "per_window differs from its batch query: $(diff <(echo "$view_rows" | tr ']' '\n') <(echo "$batch_rows" | tr ']' '\n') | head)"
[ "$(rows "SELECT count(*) FROM per_window")" != "[[0]]" ] || fail "per_window emitted no window"
[ "$(rows "SELECT count(*) FROM per_window_late")" = "[[0]]" ] || fail "per_window found late events"
[ "$(rows "SELECT * FROM per_user ORDER BY user_id")" = "$(rows "$changelog ORDER BY user_id")" ] \
  || fail "per_user differs from its batch query"
[ "$(rows "SELECT * FROM big ORDER BY ts, user_id, twice")" = "$(rows "$append ORDER BY ts, user_id, twice")" ] \
  || fail "big differs from its batch query"
joined_rows=$(rows "SELECT count(*) FROM joined")
[ "$joined_rows" != "[[0]]" ] || fail "joined holds no rows"
[ "$(rows "SELECT * FROM joined ORDER BY ts, user_id, amount, note")" = \
  "$(rows "$joined ORDER BY ts, user_id, amount, note")" ] || fail "joined differs from its batch query"

[ "$(rows "SELECT * FROM histogram ORDER BY n")" = "$(rows "$histogram ORDER BY n")" ] \
  || fail "histogram differs from its batch query"
watermark=$(show watermark leaders)
watermark=${watermark%+00}
[ "$(rows "SELECT count(*) FROM leaders")" != "[[0]]" ] || fail "leaders emitted no window"
[ "$(rows "SELECT count(*) FROM leaders_late")" = "[[0]]" ] || fail "leaders found late events"
[ "$(rows "SELECT * FROM leaders ORDER BY window_end, user_id")" = \
  "$(rows "SELECT * FROM ($leaders) b WHERE window_end <= TIMESTAMP '$watermark' ORDER BY window_end, user_id")" ] \
  || fail "leaders differs from its batch query"

# Sessions over the events that were not late (behind the watermark when read), closed by the watermark.
watermark=$(show watermark per_session)
watermark=${watermark%+00}
kept="WITH kept AS (SELECT * FROM clicks c WHERE NOT EXISTS (SELECT 1 FROM per_session_late l
      WHERE l._partition = c._partition AND l._offset = c._offset))"
view_rows=$(rows "SELECT * FROM per_session ORDER BY user_id, window_start")
batch_rows=$(rows "$kept SELECT * FROM (${sessions/FROM SESSION(clicks/FROM SESSION(kept}) b
                   WHERE window_end <= TIMESTAMP '$watermark' ORDER BY user_id, window_start")
[ "$view_rows" = "$batch_rows" ] || fail "per_session differs from its batch query: $(diff <(echo "$view_rows" | tr ']' '\n') <(echo "$batch_rows" | tr ']' '\n') | head)"
[ "$(rows "SELECT count(*) FROM per_session")" != "[[0]]" ] || fail "per_session emitted no session"
[ "$(rows "SELECT * FROM top_amounts ORDER BY user_id, rn")" = "$(rows "$top ORDER BY user_id, rn")" ] \
  || fail "top_amounts differs from its batch query"
[ "$(rows "SELECT count(*) FROM updating_late")" = "[[0]]" ] || fail "updating found late events"
[ "$(rows "SELECT user_id, twice, ts FROM big_stream ORDER BY ts, user_id, twice")" = \
  "$(rows "$append ORDER BY ts, user_id, twice")" ] || fail "big_stream's topic differs from its batch query"
[ "$(rows "SELECT * FROM updating ORDER BY window_start")" = "$(rows "$updating ORDER BY window_start")" ] \
  || fail "updating differs from its batch query"

# Observability: the runner's counters.
status "$http/metrics" >/dev/null
grep -q '^basin_view_epochs_total{view="public.per_window"} ' "$work/body.out" || fail "/metrics has no view epochs"
grep -q '^basin_view_lag_records{view="public.per_user"} 0$' "$work/body.out" || fail "/metrics has no view lag"
grep -q '^basin_view_records_per_second{view="public.per_window"} ' "$work/body.out" || fail "/metrics has no throughput"
grep -q '^basin_view_watermark_delay_seconds{view="public.per_session"} ' "$work/body.out" \
  || fail "/metrics has no watermark delay"
[ "$(rows "SELECT count(*) FROM basin_stream_jobs WHERE status = 'running' AND lag = 0")" = "[[10]]" ] \
  || fail "basin_stream_jobs: $(rows "SELECT name, status, lag, error FROM basin_stream_jobs")"
grep -h "materialized view" "$work"/*.log | head -n 5 || true  # what the runner reported, for the record
stop_server
echo "materialized views exactly once across kill -9 ($events events, $joined_rows joined rows): ok"
