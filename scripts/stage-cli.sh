#!/usr/bin/env bash
# Tauri's beforeBundleCommand (src-tauri/tauri.conf.json): puts the `jingdi` command where the
# .deb takes it from (bundle.linux.deb.files → /usr/bin/jingdi), built in the profile of the
# app being bundled (`tauri build` → release, `tauri build --debug` → debug).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
if [ "${TAURI_ENV_DEBUG:-false}" = true ]; then
  cargo build --locked -p jingdi --bin jingdi
  profile=debug
else
  cargo build --locked --release -p jingdi --bin jingdi
  profile=release
fi
install -D -m 755 "$target/$profile/jingdi" src-tauri/cli/jingdi
