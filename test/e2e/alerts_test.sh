#!/usr/bin/env bash
# Alerts over webhooks: `basin server` runs CREATE ALERT hot AS SELECT ... WITH (notify = 'webhook:...') and
# POSTs each row the query emits to a small HTTP receiver on 127.0.0.1 (Python's http.server), which answers
# its first requests with 500: the notifier retries with backoff, and every hot reading arrives (at least
# once), as SHOW ALERTS then says.
#
#   alerts_test.sh PATH/TO/basin
source "$(dirname "$0")/http_lib.sh" "$1"

ok() { [ "$(sql "$1")" = 200 ] || fail "$1: $(cat "$work/body.out")"; }
rows() { ok "$1"; json 'json.dumps(j["rows"])'; }
alert() { ok "SHOW ALERTS"; json "[r[[c['name'] for c in j['columns']].index('$1')] for r in j['rows'] if r[0] == 'public.hot'][0]"; }

"$python" "$(dirname "$0")/webhook_receiver.py" "$work/port" "$work/received" 3 /hook >"$work/receiver.log" 2>&1 &
pids+=($!)
wait_for 10 test -s "$work/port" || fail "the receiver did not start"
hook="http://127.0.0.1:$(cat "$work/port")/hook"
# An https receiver whose certificate the server trusts (SSL_CERT_FILE), and one it does not.
for name in trusted untrusted; do
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/$name.key" -out "$work/$name.pem" -days 1 \
    -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" >"$work/openssl.out" 2>&1 || fail "making a certificate"
  TLS_CERT="$work/$name.pem" TLS_KEY="$work/$name.key" \
    "$python" "$(dirname "$0")/webhook_receiver.py" "$work/$name.port" "$work/$name.received" 0 >"$work/$name.log" 2>&1 &
  pids+=($!)
  wait_for 10 test -s "$work/$name.port" || fail "the $name https receiver did not start"
done
export SSL_CERT_FILE="$work/trusted.pem"

start_server first
ok "CREATE TOPIC readings (sensor BIGINT, temp DOUBLE, ts TIMESTAMP) WITH (partitions = 2, key = 'sensor')"
ok "CREATE ALERT hot WITH (notify = 'webhook:$hook', checkpoint_interval = '20 ms') AS
    SELECT sensor, temp, ts FROM readings WHERE temp > 50"
ok "INSERT INTO readings SELECT i % 4, (i * 7) % 100, TIMESTAMP '2024-01-01' + i * INTERVAL '1 second'
    FROM generate_series(1, 30) t(i)"
expected=$(rows "SELECT count(*) FROM readings WHERE temp > 50")
expected=${expected//[^0-9]/}
[ "$expected" -gt 5 ] || fail "too few hot readings: $expected"

delivered() { [ "$(alert delivered)" = "$expected" ] && [ "$(alert pending)" = 0 ]; }
wait_for 60 delivered || fail "not delivered: $(cat "$work/body.out")"
[ "$(alert state)" = idle ] || fail "state $(alert state)"
# At least once: every hot reading arrived, maybe twice; nothing else did.
received=$("$python" -c "
import json
rows = {(r['sensor'], r['temp'], r['ts']) for r in map(json.loads, open('$work/received'))}
print(len(rows), all(t > 50 for _, t, _ in rows))")
[ "$received" = "$expected True" ] || fail "received $received, expected $expected hot readings"
grep -q "alert public.hot: delivering record .* HTTP status 500 (retrying)" "$work/first.log" \
  || fail "no retry was logged: $(cat "$work/first.log")"

# A second batch after a restart: the committed offsets say where to go on.
stop_server
start_server second
ok "INSERT INTO readings VALUES (9, 99.5, TIMESTAMP '2024-02-01')"
expected=$((expected + 1))
wait_for 60 delivered || fail "not delivered after the restart: $(cat "$work/body.out")"
"$python" -c "
import json, sys
sys.exit(0 if any(json.loads(l)['temp'] == 99.5 for l in open('$work/received')) else 1)" \
  || fail "the reading after the restart did not arrive"

# https: delivered to the trusted receiver; the untrusted one's certificate is refused and retried.
ok "CREATE ALERT secure WITH (notify = 'webhook:https://127.0.0.1:$(cat "$work/trusted.port")/s',
    checkpoint_interval = '20 ms') AS SELECT sensor, temp FROM readings WHERE temp > 99"
ok "CREATE ALERT refused WITH (notify = 'webhook:https://127.0.0.1:$(cat "$work/untrusted.port")/s',
    checkpoint_interval = '20 ms') AS SELECT sensor, temp FROM readings WHERE temp > 99"
state_of() { ok "SHOW ALERTS"; json "[r[[c['name'] for c in j['columns']].index('$2')] for r in j['rows'] if r[0] == 'public.$1'][0]"; }
secure_delivered() { [ "$(state_of secure delivered)" = 1 ]; }
wait_for 60 secure_delivered || fail "not delivered over https: $(cat "$work/body.out")"
grep -q '"temp": *99.5' "$work/trusted.received" || fail "the trusted receiver got: $(cat "$work/trusted.received")"
refused_retrying() { [ "$(state_of refused state)" = retrying ]; }
wait_for 60 refused_retrying || fail "the untrusted receiver's alert is not retrying: $(cat "$work/body.out")"
state_of refused last_error | grep -q "certificate" || fail "no certificate error: $(state_of refused last_error)"
[ ! -s "$work/untrusted.received" ] || fail "a row reached the untrusted receiver"
ok "DROP ALERT secure"
ok "DROP ALERT refused"

ok "DROP ALERT hot"
[ "$(rows "SHOW ALERTS")" = "[]" ] || fail "SHOW ALERTS still lists hot"
stop_server
echo "alerts delivered over webhooks with retries ($expected rows): ok"
