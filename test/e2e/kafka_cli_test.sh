#!/usr/bin/env bash
# `basin server`, `basin topic`, `basin produce` and `basin consume` as a user runs them: output, exit
# statuses (0 done, 1 failed with a message, 2 usage), the data directory's lock, configuration from a
# file, the environment and flags, and a clean stop on SIGTERM and SIGINT.
#
#   kafka_cli_test.sh PATH/TO/basin
source "$(dirname "$0")/kafka_lib.sh" "$1"

# run ARGS...: run basin with stdin from $input (default empty), keeping stdout, stderr and the status.
input=/dev/null
run() {
  status=0
  "$basin" "$@" <"$input" >"$work/cmd.out" 2>"$work/cmd.err" || status=$?
}
expect() {  # expect STATUS DESCRIPTION: the last run exited with STATUS
  [ "$status" -eq "$1" ] || { cat "$work/cmd.out" "$work/cmd.err" >&2; fail "$2: status $status, expected $1"; }
}
out_is() { diff <(printf "$1") "$work/cmd.out" >&2 || fail "$2: unexpected output"; }
err_has() { grep -qF -- "$1" "$work/cmd.err" || { cat "$work/cmd.err" >&2; fail "$2: stderr lacks '$1'"; }; }

# Settings: a config file, overridden by the environment, overridden by flags.
cat >"$work/basin.conf" <<'CONF'
# partitions of topics created without a count
num.partitions = 4
auto.create.topics.enable = false
CONF
BASIN_NUM_PARTITIONS=3 start_server server --config "$work/basin.conf"
b=(--bootstrap-server "$bootstrap")

run topic create clicks "${b[@]}"
expect 0 "topic create"
out_is 'Created topic "clicks" with 3 partitions.\n' "topic create (num.partitions from the environment)"
run topic create clicks "${b[@]}"
expect 1 "topic create of an existing topic"
err_has 'topic "clicks" already exists' "topic create of an existing topic"
run topic create compacted --partitions 2 --config cleanup.policy=compact --config retention.ms=60000 "${b[@]}"
expect 0 "topic create with configs"
run topic create bad --config no.such.thing=1 "${b[@]}"
expect 1 "topic create with an unknown config"
run topic create "bad name" "${b[@]}"
expect 1 "topic create with an illegal name"
run topic list "${b[@]}"
expect 0 "topic list"
out_is 'clicks\ncompacted\n' "topic list"
run topic list --all "${b[@]}"
out_is '__consumer_offsets\nclicks\ncompacted\n' "topic list --all"
run topic describe compacted "${b[@]}"
expect 0 "topic describe"
grep -q 'Topic: compacted.*PartitionCount: 2.*cleanup.policy=compact' "$work/cmd.out" || fail "topic describe configs"
[ "$(grep -c 'Partition: [01].*Leader: 1.*StartOffset: 0.*EndOffset: 0' "$work/cmd.out")" -eq 2 ] ||
  fail "topic describe partitions"
run topic describe nope "${b[@]}"
expect 1 "topic describe of a missing topic"
err_has 'topic "nope" does not exist' "topic describe of a missing topic"

# Produce lines, with keys; consume them back.
printf 'a:1\nb:2\nc:3\nd:4\n' >"$work/lines"
input="$work/lines"
run produce clicks --key-separator : "${b[@]}"
expect 0 "produce"
input=/dev/null
run consume clicks --from-beginning --max-messages 4 --print-key --key-separator = "${b[@]}"
expect 0 "consume"
[ "$(sort "$work/cmd.out" | tr '\n' ' ')" = "a=1 b=2 c=3 d=4 " ] || fail "consumed records: $(cat "$work/cmd.out")"
err_has "Processed a total of 4 messages" "consume summary"
run produce nope "${b[@]}"
expect 1 "produce to a missing topic the server does not create"
err_has 'topic "nope" does not exist' "produce to a missing topic"
printf 'no separator here\n' >"$work/bad-lines"
input="$work/bad-lines"
run produce clicks --key-separator : "${b[@]}"
expect 1 "produce a line without its key separator"
err_has "no key separator" "produce a line without its key separator"
input=/dev/null

# A group: the first member reads two records and commits; the next resumes after them.
run consume clicks --group readers --from-beginning --max-messages 2 "${b[@]}"
expect 0 "group consume"
cp "$work/cmd.out" "$work/first-two"
run consume clicks --group readers --from-beginning --max-messages 2 "${b[@]}"
expect 0 "group consume, resumed"
[ "$(cat "$work/first-two" "$work/cmd.out" | sort | tr '\n' ' ')" = "1 2 3 4 " ] ||
  fail "the group did not resume where it committed: $(cat "$work/first-two" "$work/cmd.out" | tr '\n' ' ')"
run consume clicks --group readers --timeout-ms 500 "${b[@]}"
expect 0 "group consume with nothing left"
err_has "Processed a total of 0 messages" "group consume with nothing left"

run topic delete compacted "${b[@]}"
expect 0 "topic delete"
out_is 'Deleted topic "compacted".\n' "topic delete"
run topic delete compacted "${b[@]}"
expect 1 "topic delete of a missing topic"
err_has 'topic "compacted" does not exist' "topic delete of a missing topic"

# Usage errors exit 2.
run topic "${b[@]}"
expect 2 "topic without a subcommand"
run topic create "${b[@]}"
expect 2 "topic create without a name"
run consume "${b[@]}"
expect 2 "consume without a topic"
run consume clicks --max-messages zero "${b[@]}"
expect 2 "consume with a bad count"
run server --kafka-port 70000
expect 2 "server with a bad port"
run server --no-such-flag
expect 2 "server with an unknown flag"

# The data directory belongs to one process: a second server and `basin sql` are told who holds it.
run server --data "$work/data" --kafka-port 0
expect 1 "a second server on the data directory"
err_has "is in use by another Basin process (basin server, pid $server_pid, http on ${http#http://}, kafka on" \
  "second server"
err_has "kafka on $bootstrap, pg on 127.0.0.1:$pg_port)" "second server"
run sql --data "$work/data" -c "SELECT 1"
expect 1 "basin sql on the server's data directory"
err_has "basin server, pid $server_pid" "basin sql on the server's data directory"

# A bad config file names its line.
printf 'kafka.port = 1\nnum.partitions = many\n' >"$work/bad.conf"
run server --data "$work/other" --config "$work/bad.conf"
expect 1 "a bad config file"
err_has "bad.conf:2: invalid value \"many\" for num.partitions" "a bad config file"

stop_server
grep -q "server: stopped" "$work/server.log" || fail "no log line for the stop"
# With the server gone, the clients say so.
run topic list "${b[@]}"
expect 1 "topic list without a server"
err_has "cannot reach a Kafka server at $bootstrap" "topic list without a server"
# SIGINT stops it as cleanly, and what was written is there after the restart.
start_server again
run consume clicks --from-beginning --max-messages 4 --bootstrap-server "$bootstrap"
expect 0 "consume after a restart"
kill -INT "$server_pid"
wait "$server_pid" || fail "basin server exited with $? after SIGINT"
echo "basin server / topic / produce / consume: ok"
