#!/usr/bin/env bash
# End-to-end test of Basin's Parquet reader and writer against DuckDB (npm @duckdb/node-api, installed under
# bench/): DuckDB writes files with each codec, Parquet v1 and v2 (delta and byte-stream-split encodings,
# data page v2), Basin reads them back (as CSV, and rewritten with Basin's writer) and DuckDB checks the
# rows are the same; Basin's SQL engine reads DuckDB's nested (LIST, STRUCT, MAP) files in each codec, and
# Basin's writer writes LIST columns of every type that DuckDB reads back as they were.
# Usage: parquet_duckdb_test.sh PATH_TO_PARQUET_CAT PATH_TO_BASIN. Prints SKIP when DuckDB is absent.
set -uo pipefail

CAT=${1:?usage: parquet_duckdb_test.sh PATH_TO_PARQUET_CAT PATH_TO_BASIN}
BASIN=${2:?usage: parquet_duckdb_test.sh PATH_TO_PARQUET_CAT PATH_TO_BASIN}
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH="$HERE/../../bench"
if [ ! -d "$BENCH/node_modules/@duckdb/node-api" ] || ! command -v node >/dev/null 2>&1; then
  echo "SKIP: DuckDB (bench/node_modules/@duckdb/node-api) or node is not installed"
  exit 0
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
node "$HERE/parquet_duckdb_test.cjs" "$CAT" "$WORK" "$BENCH" "$BASIN"
