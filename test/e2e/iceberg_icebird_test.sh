#!/usr/bin/env bash
# Iceberg tables written by Basin, read by icebird (npm, installed under bench/). Usage:
# iceberg_icebird_test.sh PATH_TO_BASIN. Prints SKIP when icebird or node is absent.
set -uo pipefail
BASIN=${1:?usage: iceberg_icebird_test.sh PATH_TO_BASIN}
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH="$HERE/../../bench"
if [ ! -d "$BENCH/node_modules/icebird" ] || ! command -v node >/dev/null 2>&1; then
  echo "SKIP: icebird (bench/node_modules/icebird) or node is not installed"
  exit 0
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
node "$HERE/iceberg_icebird_test.mjs" "$BASIN" "$WORK" "$BENCH"
