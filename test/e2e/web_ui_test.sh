#!/usr/bin/env bash
# The web UI in headless Chromium (Debian's chromium, driven by playwright-core from web/node_modules) against
# `basin server`: web_ui_test.mjs says what it checks.
#
#   web_ui_test.sh PATH/TO/basin
basin=$1
source "$(dirname "$0")/e2e_lib.sh"

start_server server
if ! WORK=$work node "$(dirname "$0")/web_ui_test.mjs" "$http" >"$work/browser.out" 2>&1; then
  # The scratch directory goes at exit; the page as it was when the test failed stays.
  cp "$work/web_ui_failure.png" "${TMPDIR:-/tmp}/basin_web_ui_failure.png" 2>/dev/null || true
  fail "web_ui_test.mjs (screenshot: ${TMPDIR:-/tmp}/basin_web_ui_failure.png)"
fi
cat "$work/browser.out"
stop_server
