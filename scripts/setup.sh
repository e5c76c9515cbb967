#!/usr/bin/env bash
# Install the system packages Basin builds and tests with. Idempotent: quick when all are present.
set -euo pipefail
packages=(g++ cmake ninja-build ccache make pkg-config clang-format
          libgtest-dev libgmock-dev libbenchmark-dev libedit-dev libre2-dev python3
          libsnappy-dev libzstd-dev liblz4-dev zlib1g-dev libsimdjson-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js (for the benchmark's peer and, later, the web UI) may come from another Debian-style package.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
