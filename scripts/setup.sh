#!/usr/bin/env bash
# Install the system packages Basin builds and tests with. Idempotent: quick when all are present.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(g++ cmake ninja-build ccache make pkg-config clang-format
          libgtest-dev libgmock-dev libbenchmark-dev libedit-dev libre2-dev python3
          libsnappy-dev libzstd-dev liblz4-dev zlib1g-dev libsqlite3-dev nlohmann-json3-dev libsimdjson-dev
          libboost-dev libssl-dev librdkafka-dev librocksdb-dev kcat curl python3-prometheus-client chromium
          postgresql-client libpq-dev default-jdk-headless libpostgresql-jdbc-java
          libyaml-cpp-dev libcctz-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js (for the web UI's build and the benchmark's peers) may come from another Debian-style package.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  # One apt at a time on a machine several checkouts set up at once.
  lock=""; command -v flock >/dev/null 2>&1 && lock="flock /tmp/apt.lock"
  $lock $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $lock $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
# The engines and clients that end-to-end tests check Basin against (DuckDB, the icebird Iceberg reader, the
# kafkajs Kafka client, the pg PostgreSQL client) come from npm into bench/node_modules, pinned by
# bench/package-lock.json; Basin itself never depends on them.
if [ ! -d bench/node_modules/@duckdb/node-api ] || [ ! -d bench/node_modules/icebird ] ||
   [ ! -d bench/node_modules/kafkajs ] || [ ! -d bench/node_modules/pg ]; then
  echo "setup: installing the test peers (npm ci in bench/)"
  (cd bench && npm ci --no-audit --no-fund)
fi
# The web UI's packages (Vite, TypeScript, ECharts, CodeMirror, and playwright-core for its browser test, which
# drives Debian's chromium) come from npm into web/node_modules, pinned by web/package-lock.json, so that
# `make build` then builds the UI offline.
if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  echo "setup: installing the web UI's packages (npm ci in web/)"
  (cd web && npm ci --no-audit --no-fund)
fi
