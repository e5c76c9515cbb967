#!/usr/bin/env bash
# kcat (librdkafka) against Basin's Kafka protocol layer, served by kafka_memory_broker (an in-memory log):
# metadata, produce (plain and compressed), consume from the beginning and from committed offsets, and a
# consumer group of two members sharing partitions, one taking over when the other leaves.
#
#   kafka_kcat_test.sh PATH/TO/kafka_memory_broker
source "$(dirname "$0")/e2e_lib.sh"
broker_bin=$1

"$broker_bin" "$work/port" >"$work/broker.log" 2>&1 &
pids+=($!)
wait_for 10 test -s "$work/port" || fail "the broker did not start"
bootstrap=127.0.0.1:$(cat "$work/port")
kc() { timeout 30 kcat -b "$bootstrap" "$@"; }
# A consumer that runs until it is sent SIGTERM (then it commits and leaves its group); $! is its pid.
consumer() { kcat -b "$bootstrap" -u "$@" & }

kc -L >"$work/metadata.out" 2>&1 || fail "kcat -L"
grep -q "broker 1 at 127.0.0.1" "$work/metadata.out" || fail "metadata lists no broker"

printf 'one\ntwo\nthree\n' | kc -P -t clicks -p 0 || fail "produce"
printf 'k1:v1\nk2:v2\n' | kc -P -t clicks -p 1 -K: -z snappy || fail "produce compressed"
kc -C -t clicks -o beginning -e -q -f '%p %o %k %s\n' | sort >"$work/all.out" || fail "consume"
diff <(printf '0 0  one\n0 1  two\n0 2  three\n1 0 k1 v1\n1 1 k2 v2\n') "$work/all.out" || fail "consumed records differ"
kc -L -t clicks | grep -q 'topic "clicks" with 2 partitions' || fail "topic metadata"

# A group member reads everything, commits on close; the next member of the group starts from there
# (kcat -o would override the committed offsets: auto.offset.reset only applies where there are none).
lines() { [ "$(wc -l <"$1")" -ge "$2" ]; }
consumer -G readers -X auto.offset.reset=earliest -q -f '%p %o %s\n' clicks >"$work/first.out" 2>"$work/first.log"
pids+=($!)
wait_for 30 lines "$work/first.out" 5 || fail "the group member did not read the topic"
kill -TERM "${pids[-1]}"
wait "${pids[-1]}" || true
printf 'four\n' | kc -P -t clicks -p 0
printf 'k3:v3\n' | kc -P -t clicks -p 1 -K:
kc -G readers -X auto.offset.reset=earliest -e -q -f '%p %o %s\n' clicks | sort >"$work/resumed.out" 2>"$work/resumed.log" || true
diff <(printf '0 3 four\n1 2 v3\n') "$work/resumed.out" || fail "the group did not resume from its committed offsets"

# Two members share the two partitions; when one leaves, the other takes both.
assigned() { grep 'assigned:' "$1" | tail -n 1; }
one_each() {
  [[ "$(assigned "$work/a.log")" =~ assigned:\ clicks\ \[[01]\]$ ]] &&
    [[ "$(assigned "$work/b.log")" =~ assigned:\ clicks\ \[[01]\]$ ]]
}
both_to_a() { [[ "$(assigned "$work/a.log")" == *"clicks [0], clicks [1]"* ]]; }
consumer -G sharers -X auto.offset.reset=earliest -f '%p %s\n' clicks >"$work/a.out" 2>"$work/a.log"
pids+=($!)
a=$!
consumer -G sharers -X auto.offset.reset=earliest -f '%p %s\n' clicks >"$work/b.out" 2>"$work/b.log"
pids+=($!)
b=$!
wait_for 60 one_each || fail "the two members did not split the partitions"
kill -TERM "$b"
wait "$b" || true
wait_for 60 both_to_a || fail "the remaining member did not take over both partitions"
printf 'five\n' | kc -P -t clicks -p 0
printf 'k6:six\n' | kc -P -t clicks -p 1 -K:
has_new() { grep -qx '0 five' "$work/a.out" && grep -qx '1 six' "$work/a.out"; }
wait_for 30 has_new || fail "the remaining member did not read both partitions"
kill -TERM "$a"
echo "kcat against the Kafka protocol layer: ok"
