#!/usr/bin/env bash
# README's third command: a district hub on this machine. Installs PostgreSQL from Debian's
# packages if missing, starts a cluster in a data folder (JINGDI_HUB_DATA, default
# ./hub-data), creates the database, builds and starts jingdi-hub (which applies the
# migrations) and prints a first admin token. Listens on 127.0.0.1 (JINGDI_HUB_LISTEN); put
# a reverse proxy with TLS in front for laptops elsewhere (README, "District hub").
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/pg.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/jingdi-target}"
data="${JINGDI_HUB_DATA:-$PWD/hub-data}"
listen="${JINGDI_HUB_LISTEN:-127.0.0.1:8787}"
pg_install
mkdir -p "$data"
[ "$(id -u)" = 0 ] && chmod 755 "$data"
port_file="$data/pg.port"
if [ -f "$data/pg/postmaster.pid" ] && pg_as "$PG_BIN/pg_ctl" -D "$data/pg" status >/dev/null 2>&1; then
  port=$(cat "$port_file")
else
  port=$(pg_free_port 5433)
  echo "$port" >"$port_file"
  pg_up "$data/pg" "$port"
fi
echo "PostgreSQL: $data/pg on 127.0.0.1:$port"
pg_as "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -qtAc \
  "SELECT 1 FROM pg_database WHERE datname = 'jingdi_hub'" | grep -q 1 ||
  pg_as "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres jingdi_hub
export JINGDI_HUB_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/jingdi_hub"
command -v cargo >/dev/null 2>&1 || export PATH="$HOME/.cargo/bin:$PATH"
cargo build --locked -p jingdi-hub --release
hub="$CARGO_TARGET_DIR/release/jingdi-hub"
"$hub" migrate
if [ ! -f "$data/admin-token-issued" ]; then
  token=$("$hub" admin-token --name first-admin)
  touch "$data/admin-token-issued"
  echo "First admin token (shown once; only its hash is stored): $token"
  echo "Issue a laptop's token:  curl -H 'Authorization: Bearer $token' -d '{\"project_code\":\"CODE\",\"name\":\"laptop\"}' -H 'Content-Type: application/json' http://$listen/v1/admin/tokens"
  echo "   or:  JINGDI_HUB_DATABASE_URL=$JINGDI_HUB_DATABASE_URL $hub issue-token --project CODE --name laptop"
fi
echo "Then on the laptop:  jingdi sync hub http://$listen --token TOKEN   and later   jingdi sync hub"
exec "$hub" serve --listen "$listen"
