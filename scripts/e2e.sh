#!/usr/bin/env bash
# End-to-end tests of the built desktop app: a virtual display (Xvfb), tauri-driver with
# WebKitWebDriver, a fresh database, and the e2e/*.test.mjs files driving the real binary
# (app, compensation, sync: in that order, on the same database; district last).
# Expects the app built (scripts/test.sh does it); screenshots land in e2e/screenshots/.
# Runs every e2e/*.test.mjs, or the files named as arguments; KEEP_DB=FILE starts from a copy
# of that database instead of an empty one (for working on one screen).
set -euo pipefail
cd "$(dirname "$0")/.."
export JINGDI_APP="${JINGDI_APP:-${CARGO_TARGET_DIR:-$PWD/target}/debug/jingdi-app}"
[ -x "$JINGDI_APP" ] || { echo "app binary $JINGDI_APP not built" >&2; exit 1; }
export PATH="$HOME/.cargo/bin:$PATH"

work=$(mktemp -d)
[ -n "${KEEP_DB:-}" ] && cp "$KEEP_DB" "$work/jingdi.db"
export JINGDI_DB="$work/jingdi.db"
display=99
while [ -e "/tmp/.X${display}-lock" ]; do display=$((display + 1)); done
free_port() {
  local p=$1
  while (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}
port=$(free_port 4444)
native_port=$(free_port $((port + 1)))
export WEBDRIVER_URL="http://127.0.0.1:$port"

Xvfb ":$display" -screen 0 1920x1080x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb=$!
export DISPLAY=":$display"
tauri-driver --port "$port" --native-port "$native_port" >"$work/driver.log" 2>&1 &
driver=$!
cleanup() {
  kill "$driver" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
  wait "$driver" "$xvfb" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Every suite by name, then district.test.mjs in a run of its own: it adds six plots to the
# database and the others expect the one demo plot (their `jingdi` commands leave out
# --project). node --test runs the files it is given in name order, so "last" needs two runs.
status=0
if (($# == 0)); then
  node --test --test-concurrency=1 --test-reporter=spec $(ls e2e/*.test.mjs | grep -v '/district\.test\.mjs$') ||
    status=$?
  node --test --test-concurrency=1 --test-reporter=spec e2e/district.test.mjs || status=$?
else
  node --test --test-concurrency=1 --test-reporter=spec "$@" || status=$?
fi
if [ "$status" -ne 0 ]; then
  echo "--- tauri-driver log" >&2
  tail -n 60 "$work/driver.log" >&2 || true
fi
exit "$status"
