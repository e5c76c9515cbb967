#!/usr/bin/env bash
# librdkafka (kafka_client_test.cc) against `basin server`: a consumer group of two members sharing
# partitions and one taking over when the other leaves; an idempotent producer whose connection is killed
# under applied produce requests, leaving no duplicates.
#
#   kafka_librdkafka_test.sh PATH/TO/basin PATH/TO/kafka_client_test
source "$(dirname "$0")/kafka_lib.sh" "$1"
client=$2

start_server server
"$client" group "$bootstrap" || fail "consumer group"
stop_server
# This one starts its own server, behind a proxy that kills connections.
"$client" idempotent "$basin" "$work/idempotent-data" || fail "idempotent producer across killed connections"
echo "librdkafka against basin server: ok"
