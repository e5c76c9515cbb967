# Shared by the Kafka end-to-end tests (source it): e2e_lib.sh (a scratch directory, `basin server` on free
# ports, polling with deadlines, failure reports with the logs) with Kafka's settings for tests.
#
#   source kafka_lib.sh PATH/TO/basin
basin=$1
# Servers left running at exit are killed outright: some tests kill -9 them anyway.
cleanup_signal=KILL
source "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"
# Groups form at once instead of waiting group.initial.rebalance.delay.ms for more members.
export BASIN_GROUP_INITIAL_REBALANCE_DELAY_MS=0

# lines FILE N: FILE has at least N lines.
lines() { [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]; }
