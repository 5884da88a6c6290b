#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian/Ubuntu machine, then runs every test.
# README's second command; .ci/run calls it. Safe to rerun: installs are skipped when present.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/jingdi-target}"
export CARGO_TERM_COLOR=never
# The tests' installations (src/identity.rs) live here, not in the user's own data folder.
export JINGDI_HOME="${JINGDI_HOME:-$(mktemp -d /tmp/jingdi-test-home.XXXXXX)}"

# --- system packages (only what is missing)
need_apt=()
# fonts-noto-cjk: the map's PNG/PDF export draws Chinese labels (tests/it/map.rs)
# libheif1: HEIC thumbnails (tests/it/evidence.rs)
for p in build-essential pkg-config fonts-noto-cjk libheif1; do
  dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p")
done
# python3: a foreign SQLite client in the reliability tests (tests/it/identity.rs, e2e)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
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

# --- tidy: formatting and lints gate everything else
echo "== rustfmt"
command -v cargo-clippy >/dev/null 2>&1 || rustup component add clippy rustfmt
cargo fmt --all --check
# --- the core: unit and integration tests against real SQLite files
echo "== core tests"
cargo test --locked -p jingdi 2>&1
# --- the district hub: its tests against a throwaway PostgreSQL cluster (Debian's package),
# with real laptops (the jingdi binary)
echo "== hub tests (PostgreSQL)"
. scripts/pg.sh
pg_install
pg_tmp=$(mktemp -d /tmp/jingdi-pg.XXXXXX)
chmod 755 "$pg_tmp"
pg_port=$(pg_free_port 55432)
# No fsync: a throwaway cluster; the tests kill the hub, not PostgreSQL.
pg_up "$pg_tmp/data" "$pg_port" "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
trap 'pg_down "$pg_tmp/data"; rm -rf "$pg_tmp"' EXIT
export JINGDI_HUB_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/postgres"
# The restart test starts a cluster of its own with the same binaries.
export JINGDI_HUB_TEST_PG_BIN="$PG_BIN"
cargo build --locked -p jingdi --bin jingdi 2>&1
cargo test --locked -p jingdi-hub 2>&1
# --- the desktop app: UI unit tests and type check, IPC types up to date, the built app end to end
. scripts/app-deps.sh
app_deps xvfb webkit2gtk-driver
export PATH="$HOME/.cargo/bin:$PATH"
command -v tauri-driver >/dev/null 2>&1 || cargo install --locked tauri-driver --version 2.1.0
echo "== ui unit tests (vitest)"
(cd ui && npx vitest run 2>&1)
echo "== ui type check"
(cd ui && npx vue-tsc --noEmit)
echo "== ui build"
(cd ui && npm run --silent build:fast)
echo "== app tests (IPC types generated from the Rust types are up to date)"
cargo test --locked -p jingdi-app 2>&1
echo "== clippy (workspace, all targets)"
cargo clippy --locked --workspace --all-targets -- -D warnings 2>&1
echo "== app build (debug)"
cargo build --locked -p jingdi-app 2>&1
echo "== .deb package (the debug build just made, bundled as a release would be; contents checked)"
# A release .deb is README's command; CI bundles the debug build so packaging cannot break
# silently without paying for a second, optimised build of everything.
deb_start=$SECONDS
rm -rf "$CARGO_TARGET_DIR/debug/bundle/deb"
ui/node_modules/.bin/tauri build --debug --bundles deb --ci 2>&1
deb=$(ls "$CARGO_TARGET_DIR"/debug/bundle/deb/jingdi_*_amd64.deb)
contents=$(dpkg-deb -c "$deb")
# dpkg-deb lists paths as ./usr/... or usr/... depending on how the archive was written
for f in 'usr/bin/jingdi-app' 'usr/bin/jingdi' 'usr/share/applications/[^ ]*\.desktop'; do
  grep -Eq " (\./)?$f\$" <<<"$contents" || { echo "the .deb lacks $f"; echo "$contents"; exit 1; }
done
dpkg-deb -f "$deb" Depends | grep -q fonts-noto-cjk
scratch=$(mktemp -d)
dpkg-deb -x "$deb" "$scratch"
"$scratch/usr/bin/jingdi" --db "$scratch/check.db" projects --json >/dev/null
rm -rf "$scratch"
echo "deb: $(du -h "$deb" | cut -f1), bundled and checked in $((SECONDS - deb_start)) s"
echo "== end-to-end (Xvfb, tauri-driver, WebKitWebDriver)"
./scripts/e2e.sh
