#!/usr/bin/env bash
# kafkajs (npm, installed under bench/) against `basin server`; see kafka_kafkajs_test.mjs.
#
#   kafka_kafkajs_test.sh PATH/TO/basin
here=$(cd "$(dirname "$0")" && pwd)
source "$here/kafka_lib.sh" "$1"
bench="$here/../../bench"
start_server server
node "$here/kafka_kafkajs_test.mjs" "$bootstrap" "$bench" || fail "kafkajs"
stop_server
