#!/usr/bin/env bash
# A process killed with SIGKILL in the middle of writing leaves every table at its last commit: Basin runs
# a script of INSERTs (100 rows each) and is killed once K of them have been acknowledged, for several K; on
# reopening, the table holds every acknowledged batch and no partial one, and VACUUM removes what the
# killed commit left behind. Usage: lake_crash_test.sh PATH_TO_BASIN
set -uo pipefail
BASIN=${1:?usage: lake_crash_test.sh PATH_TO_BASIN}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

{
  echo "CREATE TABLE IF NOT EXISTS t (batch INTEGER NOT NULL, x BIGINT, s VARCHAR);"
  for b in $(seq 1 400); do
    echo "INSERT INTO t SELECT $b, g, 'row ' || g FROM generate_series(1, 100) AS s(g);"
  done
} > "$WORK/script.sql"

for K in 3 17 41 90; do
  DATA="$WORK/data$K"
  : > "$WORK/out$K"
  "$BASIN" sql --data "$DATA" --format json -f "$WORK/script.sql" > "$WORK/out$K" 2>&1 &
  pid=$!
  # Wait until K INSERTs are acknowledged (plus the CREATE), then kill: the next commit is in flight.
  # 0 until the output file exists (the background shell may not have opened it yet).
  acked_lines() { local n; n=$(grep -c '"ok":true' "$WORK/out$K" 2>/dev/null); echo "${n:-0}"; }
  while [ "$(acked_lines)" -lt $((K + 1)) ]; do
    kill -0 $pid 2>/dev/null || fail "basin exited before $K inserts: $(tail -2 "$WORK/out$K")"
  done
  kill -9 $pid
  wait $pid 2>/dev/null
  acked=$(( $(acked_lines) - 1 ))
  result=$("$BASIN" sql --data "$DATA" --format csv -c \
    "SELECT count(*), count(DISTINCT batch), min(batch), max(batch), sum(x) FROM t" 2>&1 | tail -1) ||
    fail "the table does not open after kill -9 at K=$K: $result"
  IFS=, read -r rows batches lo hi sum <<< "$result"
  [ "$rows" -eq $((batches * 100)) ] || fail "K=$K: $rows rows in $batches batches: a partial commit is visible"
  [ "$batches" -ge "$acked" ] || fail "K=$K: $acked batches acknowledged, $batches found"
  [ "$batches" -le $((acked + 1)) ] || fail "K=$K: $batches batches found, only $acked acknowledged (+1 in flight)"
  [ "$lo" = 1 ] && [ "$hi" = "$batches" ] || fail "K=$K: batches $lo..$hi are not 1..$batches"
  [ "$sum" -eq $((batches * 5050)) ] || fail "K=$K: sum $sum is not that of $batches whole batches"
  # Writing goes on from the last commit, and VACUUM removes what the killed commit left.
  "$BASIN" sql --data "$DATA" -c "INSERT INTO t VALUES (0, 0, 'after'); VACUUM t" > /dev/null || fail "K=$K: no write after restart"
  after=$("$BASIN" sql --data "$DATA" --format csv -c "SELECT count(*) FROM t" | tail -1)
  [ "$after" -eq $((rows + 1)) ] || fail "K=$K: $after rows after one more insert, expected $((rows + 1))"
  echo "ok K=$K: $acked acknowledged, $batches batches after kill -9"
done

# A table whose metadata is damaged is reported by name with the reason; the other tables keep working, and
# DROP TABLE lets the name be used again.
DATA="$WORK/damaged"
"$BASIN" sql --data "$DATA" -c "CREATE TABLE good AS SELECT 1 AS x; CREATE TABLE bad AS SELECT 2 AS y" > /dev/null ||
  fail "damaged: setup"
latest=$(ls "$DATA"/lake/public/bad/metadata/v*.metadata.json | sort -V | tail -1)
echo '{"format-version": 2, "loc' > "$latest"
out=$("$BASIN" sql --data "$DATA" -c "SELECT * FROM bad" 2>&1)
echo "$out" | grep -q 'table "bad" is unavailable: Iceberg metadata .* is not a JSON object' ||
  fail "damaged: no clear error: $out"
[ "$("$BASIN" sql --data "$DATA" --format csv -c "SELECT x FROM good" 2>/dev/null | tail -1)" = 1 ] ||
  fail "damaged: the other table is not readable"
"$BASIN" sql --data "$DATA" -c "DROP TABLE bad; CREATE TABLE bad (z INT); INSERT INTO bad VALUES (3)" > /dev/null 2>&1 ||
  fail "damaged: DROP and re-create failed"
[ "$("$BASIN" sql --data "$DATA" --format csv -c "SELECT z FROM bad" 2>/dev/null | tail -1)" = 3 ] ||
  fail "damaged: the re-created table does not read back"
echo "ok damaged metadata: reported, isolated, droppable"
