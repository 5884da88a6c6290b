#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian/Ubuntu machine, then runs every test.
# README's second command; .ci/run calls it. Safe to rerun: installs are skipped when present.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/jingdi-target}"
export CARGO_TERM_COLOR=never

# --- system packages (only what is missing)
need_apt=()
for p in build-essential pkg-config; do
  dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p")
done
if ((${#need_apt[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

# --- a Rust toolchain (a fresh machine may have none)
if ! command -v cargo >/dev/null 2>&1; then
  [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rustup ca-certificates
  rustup default stable
fi

# --- the core: unit and integration tests against real SQLite files
echo "== core tests"
cargo test --locked -p jingdi 2>&1
