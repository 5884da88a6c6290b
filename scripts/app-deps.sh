# Sourced by scripts/run.sh and scripts/test.sh: installs what the desktop app needs to
# build, run and be tested, skipping whatever is already there. Everything comes from
# Debian's packages, the npm registry and crates.io, by name.
app_deps() {
  # libheif1: HEIC photos' thumbnails (opened at run time, src/evidence/heif.rs).
  local want=(libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev fonts-noto-cjk libheif1 "$@")
  command -v node >/dev/null 2>&1 || want+=(nodejs)
  command -v npm >/dev/null 2>&1 || want+=(npm)
  local need=()
  for p in "${want[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
  if ((${#need[@]})); then
    echo "== installing system packages: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  fi
  # The UI's dependencies, exactly as locked.
  if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    echo "== npm ci (ui)"
    (cd ui && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
