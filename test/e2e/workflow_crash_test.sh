#!/usr/bin/env bash
# Workflows across a kill -9 of `basin server`, driven over REST with curl: tasks that were running are
# retried (or failed when out of retries) on restart, with the process groups the killed server left
# killed; finished tasks are not run again; a schedule's runs are not made twice; http tasks against
# Python's http.server; a hanging shell task is killed at its timeout with its process group; an SLA miss
# is POSTed to its webhook, with a retry.
# Usage: workflow_crash_test.sh PATH_TO_BASIN
basin=${1:?usage: workflow_crash_test.sh PATH_TO_BASIN}
source "$(dirname "$0")/e2e_lib.sh"
cleanup_signal=KILL

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
count() { [ -f "$1" ] && wc -l < "$1" || echo 0; }
# gone PID: the process has exited (a zombie waiting for init counts).
gone() { ! [ -e /proc/$1 ] || grep -q '^[0-9]* ([^)]*) Z' /proc/$1/stat; }
run_state() { curl -sf "$http/api/v1/dags/$1/runs/$2" | json 'd["state"]'; }
finished() { case $(run_state "$1" "$2") in success|failed) return 0;; *) return 1;; esac; }

mkdir -p "$work/data/dags"
w=$work
# "slow" succeeds on its second try; "doomed" has no retry; each records its shell's pid (its group).
cat > "$work/data/dags/crash.yaml" <<YAML
name: crash
tasks:
  first: {kind: shell, command: "echo x >> $w/first.count"}
  slow:
    kind: shell
    depends_on: [first]
    retries: 1
    retry_delay: 100ms
    command: "echo x >> $w/slow.count; [ \$(wc -l < $w/slow.count) -ge 2 ] && exit 0; sleep 60 & echo \$! > $w/slow.pid; wait"
  doomed: {kind: shell, depends_on: [first], command: "echo x >> $w/doomed.count; sleep 60 & echo \$! > $w/doomed.pid; wait"}
  after: {kind: shell, depends_on: [slow], command: "echo x >> $w/after.count"}
YAML
start=$(date -u -d '-150 seconds' +%Y-%m-%dT%H:%M:00Z)
cat > "$work/data/dags/ticker.yaml" <<YAML
schedule: "* * * * *"
start_date: "$start"
tasks:
  tick: {kind: noop}
YAML

start_server one
run=$(curl -sf -X POST "$http/api/v1/dags/crash/runs" | json 'd["run_id"]') || fail "trigger"
wait_for 20 test -s "$work/slow.pid" || fail "slow did not start"
wait_for 20 test -s "$work/doomed.pid" || fail "doomed did not start"
wait_for 20 bash -c "[ \$(curl -sf $http/api/v1/dags/ticker/runs | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"runs\"]))') -ge 2 ]" ||
  fail "the ticker's missed minutes did not run"
ticks=$(curl -sf "$http/api/v1/dags/ticker/runs" | json 'len(d["runs"])')
kill -9 "$server_pid"
wait "$server_pid" 2>/dev/null || true
slow_pid=$(cat "$work/slow.pid"); doomed_pid=$(cat "$work/doomed.pid")
gone "$slow_pid" && fail "the sleep under slow died with the server: this test would prove nothing"

start_server two
wait_for 30 finished crash "$run" || fail "run $run did not finish after the restart"
detail=$(curl -sf "$http/api/v1/dags/crash/runs/$run")
states=$(echo "$detail" | json '" ".join(t["task"]+"="+t["state"]+"/"+str(t["try_number"]) for t in d["tasks"])')
echo "after restart: $(echo "$detail" | json 'd["state"]') $states"
[ "$(echo "$detail" | json 'd["state"]')" = failed ] || fail "the run should fail (doomed had no retry): $states"
echo "$states" | grep -q "first=success/1" || fail "first: $states"
echo "$states" | grep -q "slow=success/2" || fail "slow was not retried: $states"
echo "$states" | grep -q "doomed=failed/1" || fail "doomed: $states"
echo "$states" | grep -q "after=success/1" || fail "after: $states"
[ "$(count "$work/first.count")" -eq 1 ] || fail "first ran $(count "$work/first.count") times"
[ "$(count "$work/slow.count")" -eq 2 ] || fail "slow ran $(count "$work/slow.count") times"
[ "$(count "$work/doomed.count")" -eq 1 ] || fail "doomed ran $(count "$work/doomed.count") times"
curl -sf "$http/api/v1/dags/crash/runs/$run/tasks/doomed/logs" | grep -q "the server stopped while this attempt ran" ||
  fail "doomed's attempt does not say why it failed"
wait_for 10 gone "$slow_pid" || fail "the process group the killed server left for slow is still running"
wait_for 10 gone "$doomed_pid" || fail "the process group the killed server left for doomed is still running"
# The schedule's intervals are not run twice: one run per logical date.
dupes=$(curl -sf "$http/api/v1/dags/ticker/runs" | json 'len(d["runs"]) - len({r["logical_date"] for r in d["runs"]})')
[ "$dupes" -eq 0 ] || fail "$dupes ticker intervals ran twice"
echo "ok kill -9: running tasks retried or failed, finished ones kept, $ticks ticker runs not repeated"

# http tasks against Python's http.server: success by status, the body as the output, trigger rules.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/www" && echo hello > "$work/www/ok.txt"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/www" > "$work/www.log" 2>&1 &
pids+=($!)
wait_for 10 curl -sf "http://127.0.0.1:$port/ok.txt" -o /dev/null || fail "python's http.server did not start"
curl -sf -X POST "$http/api/v1/dags" --data-binary @- > /dev/null <<YAML || fail "create web"
name: web
tasks:
  get: {kind: http, method: GET, url: "http://127.0.0.1:$port/ok.txt"}
  missing: {kind: http, method: GET, depends_on: [get], url: "http://127.0.0.1:$port/missing"}
  report: {kind: shell, depends_on: [missing], trigger: one_failed, command: "echo got {{ outputs.get }}"}
YAML
run=$(curl -sf -X POST "$http/api/v1/dags/web/runs" | json 'd["run_id"]')
wait_for 20 finished web "$run" || fail "the web run did not finish"
states=$(curl -sf "$http/api/v1/dags/web/runs/$run" | json '" ".join(t["task"]+"="+t["state"]+":"+t["output"].strip() for t in d["tasks"])')
[ "$(run_state web "$run")" = success ] || fail "web: $(run_state web "$run"): $states"
echo "$states" | grep -q "get=success:hello" || fail "web: $states"
echo "$states" | grep -q "missing=failed" || fail "web: a 404 should fail: $states"
echo "$states" | grep -q "report=success:got hello" || fail "web: $states"
echo "ok http tasks against python's http.server: $states"

# A hanging task is killed at its timeout with its process group.
curl -sf -X POST "$http/api/v1/dags" -H 'Content-Type: application/yaml' --data-binary @- > /dev/null <<YAML || fail "create hang"
name: hang
tasks:
  h: {kind: shell, timeout: 500ms, command: "sleep 60 & echo \$! > $w/hang.pid; wait"}
YAML
run=$(curl -sf -X POST "$http/api/v1/dags/hang/runs" -d '{}' | json 'd["run_id"]')
wait_for 20 finished hang "$run" || fail "the hanging task was not stopped"
[ "$(run_state hang "$run")" = failed ] || fail "hang: $(run_state hang "$run")"
curl -sf "$http/api/v1/dags/hang/runs/$run/tasks/h/logs" | grep -q "timed out: killed process group" || fail "hang: no timeout in the log"
wait_for 10 gone "$(cat "$work/hang.pid")" || fail "the hanging task's child survived its timeout"
echo "ok a hanging shell task is killed at its timeout with its process group"

# An SLA miss is POSTed to the DAG's sla_notify webhook, retried until the receiver answers 2xx (its first
# answer is 500). The run waits for a file the test creates once the notification has arrived.
python3 "$(dirname "$0")/webhook_receiver.py" "$work/hook.port" "$work/sla.received" 1 >"$work/receiver.log" 2>&1 &
pids+=($!)
wait_for 10 test -s "$work/hook.port" || fail "the SLA receiver did not start"
curl -sf -X POST "$http/api/v1/dags" --data-binary @- > /dev/null <<YAML || fail "create late"
name: late
sla: 100ms
sla_notify: webhook:http://127.0.0.1:$(cat "$work/hook.port")/sla
tasks:
  until_told: {kind: wait, file: "$w/sla.go"}
YAML
run=$(curl -sf -X POST "$http/api/v1/dags/late/runs" -d '{}' | json 'd["run_id"]')
wait_for 20 test -s "$work/sla.received" || fail "no SLA notification arrived"
python3 -c "import json,sys; d=json.loads(open(sys.argv[1]).readline()); assert d['event'] == 'sla_miss' and d['dag'] == 'late' and d['run_id'] == $run, d" \
  "$work/sla.received" || fail "the SLA notification: $(cat "$work/sla.received")"
touch "$work/sla.go"
wait_for 20 finished late "$run" || fail "the late run did not finish"
[ "$(run_state late "$run")" = success ] || fail "late: $(run_state late "$run")"
echo "ok an SLA miss is notified to its webhook (after a retry)"
