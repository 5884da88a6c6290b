# Sourced by hub.sh and test.sh: a PostgreSQL cluster of our own in a folder, from Debian's
# packages. PostgreSQL refuses to run as root ("initdb: cannot be run as root"), so as root
# the cluster belongs to the `postgres` user the package creates.

pg_install() {
  if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql
  fi
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
}

pg_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_free_port() {
  local p=$1
  while (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

# pg_up DIR PORT [extra server options]: creates the cluster if DIR holds none, starts it on
# 127.0.0.1:PORT (socket in DIR), trust authentication for local connections only.
pg_up() {
  local dir=$1 port=$2
  shift 2
  if [ ! -f "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    pg_as "$PG_BIN/initdb" -D "$dir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 ||
      { cat "$dir.initdb.log" >&2; return 1; }
  fi
  pg_as "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -s \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $*" start
}

pg_down() {
  pg_as "$PG_BIN/pg_ctl" -D "$1" -m fast -w -s stop || true
}
