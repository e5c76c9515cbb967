#!/usr/bin/env bash
# End-to-end test of `basin sql`: drives the built binary the way users and scripts do and checks the
# contract in docs (ARCHITECTURE.md "Contracts"): exit statuses, -c/-f/stdin, and the table, csv and json
# formats. Usage: cli_test.sh PATH_TO_BASIN
set -uo pipefail

BASIN=${1:?usage: cli_test.sh PATH_TO_BASIN}
PYTHON=$(command -v python3 || true)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DATA="$WORK/data"
passed=0
failed=0

# check NAME CONDITION...: run the condition, count and report the outcome.
check() {
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name"
    echo "  stdout: $(head -c 2000 "$WORK/out")"
    echo "  stderr: $(head -c 2000 "$WORK/err")"
  fi
}

# run ARGS...: run basin, keeping stdout, stderr and the exit status for the checks that follow.
run() {
  "$BASIN" "$@" >"$WORK/out" 2>"$WORK/err"
  status=$?
}

status_is() { [ "$status" -eq "$1" ]; }
out_has() { grep -qF -- "$1" "$WORK/out"; }
err_has() { grep -qF -- "$1" "$WORK/err"; }
out_lines_are() { [ "$(wc -l <"$WORK/out")" -eq "$1" ]; }

# json_check PYTHON_EXPR: every stdout line must be a JSON object; `lines` (a list of them) must satisfy
# the expression.
json_check() {
  "$PYTHON" -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
sys.exit(0 if (lambda lines: '"$1"')(lines) else 1)
' "$WORK/out"
}

# --- help and version -------------------------------------------------------------------------------
run --version
check "--version exits 0" status_is 0
check "--version names basin" out_has "basin "
run --help
check "--help exits 0 and lists sql" bash -c "[ $status -eq 0 ] && grep -q sql '$WORK/out'"
run sql --help
check "sql --help shows the usage" out_has "basin sql [--data DIR]"
run sql --no-such-option
check "unknown option is a usage error" status_is 2
run sql --data "$DATA" -c "SELECT 1" -f /dev/null
check "-c with -f is a usage error" status_is 2

# --- -c: several statements, one failing --------------------------------------------------------------
run sql --data "$DATA" -c "SELECT 1 AS first; SELECT * FROM no_such_table; SELECT 3 AS third"
check "a failed statement makes the exit status 1" status_is 1
check "statements after the error still run" out_has "third"
check "the statement before the error ran" out_has "first"
check "the error goes to stderr with its SQLSTATE" err_has "(SQLSTATE "
check "the error starts with Error:" err_has "Error: "
check "the data directory was created" test -d "$DATA"

run sql --data "$DATA" -c "SELECT bogus FROM WHERE"
check "a syntax error fails" status_is 1
check "a syntax error shows a caret" grep -qE '^ *\^$' "$WORK/err"

run sql --data "$DATA" -c "SELECT 1 AS one; SELECT 2 AS two"
check "all statements succeeding exits 0" status_is 0
check "table output has a row count footer" out_has "(1 row)"

# --- table contents and statements without rows ---------------------------------------------------
SETUP="CREATE TABLE t (a INTEGER, b VARCHAR); INSERT INTO t VALUES (1, 'x'), (2, NULL);"
run sql --data "$WORK/d1" -c "$SETUP SELECT a, b FROM t ORDER BY a"
check "table mode succeeds" status_is 0
check "table mode reports rows affected" out_has "2 rows affected"
check "table mode shows NULL" out_has "NULL"
check "table mode counts rows" out_has "(2 rows)"

# --- json -----------------------------------------------------------------------------------------
if [ -n "$PYTHON" ]; then
  run sql --data "$WORK/d2" --format json -c "$SETUP SELECT a, b FROM t ORDER BY a; SELECT * FROM no_such_table;
    SELECT 'say \"hi\" \\ back' AS s"
  check "json: exit status 1 after an error" status_is 1
  check "json: one line per statement" out_lines_are 5
  check "json: nothing on stderr" test ! -s "$WORK/err"
  check "json: DDL is ok with rows_affected" json_check \
    'lines[0] == {"ok": True, "rows_affected": lines[0]["rows_affected"]}'
  check "json: INSERT reports 2 rows" json_check 'lines[1] == {"ok": True, "rows_affected": 2}'
  check "json: query shape" json_check \
    'set(lines[2]) == {"columns", "rows"} and [c["name"] for c in lines[2]["columns"]] == ["a", "b"]
     and all(isinstance(c["type"], str) for c in lines[2]["columns"])'
  check "json: numbers are numbers, NULL is null" json_check 'lines[2]["rows"] == [[1, "x"], [2, None]]'
  check "json: error shape" json_check \
    'set(lines[3]) == {"error"} and len(lines[3]["error"]["code"]) == 5 and lines[3]["error"]["message"]'
  check "json: strings are escaped" json_check 'lines[4]["rows"] == [["say \"hi\" \\ back"]]'

  run sql --data "$WORK/d2" --format json --timer -c "SELECT 1 AS x; SELECT * FROM no_such_table"
  check "json --timer: elapsed_ms on every line" json_check \
    'all(isinstance(l.get("elapsed_ms"), (int, float)) for l in lines) and len(lines) == 2'

  run sql --data "$WORK/d2" --format json -c "SELECT CAST(12345678901234567890.12 AS DECIMAL(38,2)) AS d"
  check "json: DECIMAL is written exactly" out_has '[[12345678901234567890.12]]'
else
  echo "SKIP: json checks need python3"
fi

# --- -f FILE and stdin ---------------------------------------------------------------------------
printf '%s\n' "CREATE TABLE f (a INTEGER);" "INSERT INTO f VALUES (10), (20);" \
  "SELECT sum(a) AS total" "  FROM f;" >"$WORK/script.sql"
run sql --data "$WORK/d3" -f "$WORK/script.sql"
check "-f runs a file" bash -c "[ $status -eq 0 ] && grep -q 30 '$WORK/out'"
run sql --data "$WORK/d3" -f "$WORK/no_such_file.sql"
check "-f on a missing file fails" status_is 1

"$BASIN" sql --data "$WORK/d4" --format csv <"$WORK/script.sql" >"$WORK/out" 2>"$WORK/err"
status=$?
check "stdin script runs" status_is 0
check "stdin script result (csv)" bash -c "[ \"\$(cat '$WORK/out')\" = \"\$(printf 'total\n30')\" ]"

printf 'SELECT 1 AS a;\nSELECT * FROM no_such_table;\nSELECT 2 AS b;\n' |
  "$BASIN" sql --data "$WORK/d4" --format csv >"$WORK/out" 2>"$WORK/err"
status=$?
check "stdin: error gives exit status 1" status_is 1
check "stdin: statements after the error run" bash -c "[ \"\$(cat '$WORK/out')\" = \"\$(printf 'a\n1\nb\n2')\" ]"

# --- csv ---------------------------------------------------------------------------------------
run sql --data "$WORK/d5" --format csv -c "$SETUP SELECT a, b, 'p,q' AS c FROM t ORDER BY a"
check "csv succeeds" status_is 0
check "csv: header, NULL empty, quoting" bash -c "[ \"\$(cat '$WORK/out')\" = \"\$(printf 'a,b,c\n1,x,\"p,q\"\n2,,\"p,q\"')\" ]"

# --- BASIN_DATA and --timer -----------------------------------------------------------------------
(cd "$WORK" && BASIN_DATA="$WORK/from_env" "$BASIN" sql -c "SELECT 1" >/dev/null 2>&1)
check "BASIN_DATA is the default data directory" test -d "$WORK/from_env"
run sql --data "$WORK/d6" --timer -c "SELECT 1 AS x"
check "--timer prints the time in table mode" grep -qE '^Time: [0-9]+\.[0-9]{3} ms$' "$WORK/out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
