#!/usr/bin/env bash
# Durability of `basin server`: an idempotent producer writes with acks=all while the server is killed
# with SIGKILL mid-stream and restarted (twice: the second time with a torn batch appended to a segment, as
# a write cut short by a crash leaves it). Every acknowledged record must be in the topic exactly once, and
# the torn tail must be cut on recovery.
#
#   kafka_durability_test.sh PATH/TO/basin PATH/TO/kafka_client_test
source "$(dirname "$0")/kafka_lib.sh" "$1"
client=$2

start_server first --set num.partitions=2
port=${bootstrap##*:}
"$client" produce-acked "$bootstrap" events "$work/acked" "$work/stop" >"$work/producer.out" 2>"$work/producer.log" &
producer=$!
pids+=("$producer")

# kill -9 while records are in flight; restart on the same port, where the producer reconnects.
wait_for 60 lines "$work/acked" 5000 || fail "the producer got no acknowledgements"
kill -9 "$server_pid"
wait "$server_pid" 2>/dev/null || true
acked=$(wc -l <"$work/acked")
start_server second --kafka-port "$port"
wait_for 60 lines "$work/acked" $((acked + 5000)) || fail "the producer did not go on after the restart"

# Again, and this time leave half a batch at the end of partition 0's last segment.
kill -9 "$server_pid"
wait "$server_pid" 2>/dev/null || true
segment=$(ls "$work"/data/log/events/0/*.log | sort | tail -n 1)
head -c 100 "$segment" >"$work/torn"
cat "$work/torn" >>"$segment"
acked=$(wc -l <"$work/acked")
start_server third --kafka-port "$port"
grep -q "cut 100 bytes" "$work/third.log" || fail "recovery did not cut the torn tail of $segment"
wait_for 60 lines "$work/acked" $((acked + 5000)) || fail "the producer did not go on after the second restart"

touch "$work/stop"
wait "$producer" || fail "the producer failed"
produced=$(cat "$work/producer.out")
[ "$(wc -l <"$work/acked")" -eq "$produced" ] || fail "$produced records produced, $(wc -l <"$work/acked") acknowledged"
[ -z "$(sort "$work/acked" | uniq -d | head -n 1)" ] || fail "a record was acknowledged twice"
"$client" verify "$bootstrap" events "$produced" || fail "the topic does not hold every acknowledged record once"
stop_server
echo "durability across kill -9 and a torn tail ($produced records): ok"
