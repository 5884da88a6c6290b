#!/usr/bin/env bash
# README's first command: installs what is needed, builds the UI and the desktop app, and
# launches it on the default database (or $JINGDI_DB). On first start, when the database
# holds no project yet, the demo plot 东星4号地块 is created so the app opens on it; the
# app then asks once for the operator's name and a device name.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/jingdi-target}"
export PATH="$HOME/.cargo/bin:$PATH"
. scripts/app-deps.sh
app_deps
if ! command -v cargo >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rustup ca-certificates
  rustup default stable
fi

echo "== building the UI"
(cd ui && npm run --silent build:fast)
echo "== building the app"
cargo build --locked -p jingdi -p jingdi-app --bins

bin="$CARGO_TARGET_DIR/debug"
if [ "$("$bin/jingdi" projects --json)" = "[]" ]; then
  echo "== first start: creating the demo plot"
  "$bin/jingdi" demo >/dev/null
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: run this from a desktop session (or set DISPLAY, e.g. under Xvfb)." >&2
  exit 1
fi
exec "$bin/jingdi-app"
