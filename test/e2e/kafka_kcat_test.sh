#!/usr/bin/env bash
# kcat (librdkafka) against `basin server`: metadata, produce (plain and with every codec, acks 1 and all),
# consume from the beginning and from committed offsets, and a consumer group of two members sharing
# partitions, one taking over when the other leaves.
#
#   kafka_kcat_test.sh PATH/TO/basin
source "$(dirname "$0")/kafka_lib.sh" "$1"

start_server server --set num.partitions=2
kc() { timeout 30 kcat -b "$bootstrap" "$@"; }
# A consumer that runs until it is sent SIGTERM (then it commits and leaves its group); $! is its pid.
consumer() { kcat -b "$bootstrap" -u "$@" & }

kc -L >"$work/metadata.out" 2>&1 || fail "kcat -L"
grep -q "broker 1 at $bootstrap" "$work/metadata.out" || fail "metadata lists no broker at $bootstrap"

printf 'one\ntwo\nthree\n' | kc -P -t clicks -p 0 -X acks=all || fail "produce"
printf 'k1:v1\nk2:v2\n' | kc -P -t clicks -p 1 -K: -z snappy -X acks=1 || fail "produce snappy"
kc -C -t clicks -o beginning -e -q -f '%p %o %k %s\n' | sort >"$work/all.out" || fail "consume"
diff <(printf '0 0  one\n0 1  two\n0 2  three\n1 0 k1 v1\n1 1 k2 v2\n') "$work/all.out" || fail "consumed records differ"
kc -L -t clicks | grep -q 'topic "clicks" with 2 partitions' || fail "topic metadata"
for codec in gzip lz4 zstd; do
  printf '%s-a\n%s-b\n' "$codec" "$codec" | kc -P -t codecs -p 0 -z "$codec" || fail "produce $codec"
done
kc -C -t codecs -p 0 -o beginning -e -q -f '%o %s\n' >"$work/codecs.out" || fail "consume codecs"
diff <(printf '0 gzip-a\n1 gzip-b\n2 lz4-a\n3 lz4-b\n4 zstd-a\n5 zstd-b\n') "$work/codecs.out" || fail "codec records differ"

# A group member reads everything, commits on close; the next member of the group starts from there
# (kcat -o would override the committed offsets: auto.offset.reset only applies where there are none).
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
wait "$a" || true
stop_server
echo "kcat against basin server: ok"
