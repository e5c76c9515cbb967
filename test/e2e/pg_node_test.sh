#!/usr/bin/env bash
# node-postgres (npm `pg`, installed under bench/) against `basin server`, trusted and with a SCRAM-SHA-256
# user; see pg_node_test.mjs.
#
#   pg_node_test.sh PATH/TO/basin
here=$(cd "$(dirname "$0")" && pwd)
source "$here/pg_lib.sh" "$1"
bench="$here/../../bench"
start_server server
node "$here/pg_node_test.mjs" "$pg_port" "$bench" >"$work/node.out" 2>&1 || fail "node pg, trusted"
stop_server
start_server users --set pg.users=dana:s3cret
node "$here/pg_node_test.mjs" "$pg_port" "$bench" dana s3cret >"$work/node-scram.out" 2>&1 || fail "node pg with SCRAM"
stop_server
echo "node pg against basin server: ok"
