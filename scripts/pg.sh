#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests.
#
#   pg.sh start DIR   creates a cluster in DIR/data (initdb; trust auth; superuser "postgres";
#                     listens on 127.0.0.1 only, on a free port, socket in DIR), starts it and
#                     prints its base URL postgresql://postgres@127.0.0.1:PORT (also in DIR/url).
#                     The server log is DIR/postgres.log.
#   pg.sh stop DIR    stops it (fast shutdown); safe to call when it is not running.
#   pg.sh run CMD...  starts a server in a fresh temporary directory, runs CMD with
#                     SLOTD_TEST_PG_URL, SLOTD_TEST_PGDATA, SLOTD_TEST_PG_BIN and SLOTD_TEST_PG_USER
#                     exported, then always stops the server and removes the directory. Exits
#                     with CMD's status.
#
# As root the server runs as the system user "postgres" (PostgreSQL refuses to run as root);
# otherwise as the current user. The binaries come from $SLOTD_PG_BIN, default
# /usr/lib/postgresql/15/bin (or the newest /usr/lib/postgresql/*/bin).
set -euo pipefail

die() { echo "pg.sh: $*" >&2; exit 1; }

find_bin() {
  if [ -n "${SLOTD_PG_BIN:-}" ]; then
    echo "$SLOTD_PG_BIN"; return
  fi
  if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
    echo /usr/lib/postgresql/15/bin; return
  fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$d" ] && { echo "$d"; return; }
  d=$(command -v pg_ctl 2>/dev/null || true)
  [ -n "$d" ] && { dirname "$d"; return; }
  echo /usr/lib/postgresql/15/bin
}

PG_BIN=$(find_bin)
for b in initdb pg_ctl postgres psql; do
  [ -x "$PG_BIN/$b" ] || die "PostgreSQL is not installed: $PG_BIN/$b is missing" \
                             "(scripts/deps.sh test installs it, or set SLOTD_PG_BIN)"
done

if [ "$(id -u)" -eq 0 ]; then
  PG_USER=postgres
  id -u "$PG_USER" >/dev/null 2>&1 || die "running as root, but there is no user $PG_USER"
else
  PG_USER=$(id -un)
fi

# Runs a command as PG_USER, from DIR (the server's user may not be able to enter our cwd).
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$DIR" && runuser -u "$PG_USER" -- "$@")
  else
    (cd "$DIR" && "$@")
  fi
}

free_port() {
  # A port the kernel just handed out and released; a clash is retried by the caller.
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' \
    2>/dev/null && return
  local p
  for p in $(seq 54320 54999); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  die "no free port found"
}

set_dir() {
  [ -n "${1:-}" ] || die "usage: pg.sh start|stop DIR"
  mkdir -p "$1"
  DIR=$(cd "$1" && pwd -P)
  # unix socket paths are limited to about 107 bytes
  [ ${#DIR} -le 80 ] || die "directory path too long for a unix socket: $DIR"
}

cmd_start() {
  set_dir "${1:-}"
  [ -e "$DIR/data" ] && die "$DIR/data already exists"
  if [ "$(id -u)" -eq 0 ]; then
    chown "$PG_USER:" "$DIR"
    chmod 700 "$DIR"
    runuser -u "$PG_USER" -- test -w "$DIR" ||
      die "user $PG_USER cannot write to $DIR (is a parent directory closed to it?)"
  fi
  as_pg "$PG_BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C \
    --no-instructions >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
  echo "include_if_exists 'slotd_test.conf'" >>"$DIR/data/postgresql.conf"

  local attempt port=""
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    as_pg tee "$DIR/data/slotd_test.conf" >/dev/null <<EOF
# written by scripts/pg.sh: a throwaway server for the tests
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$DIR'
max_connections = 300
shared_buffers = 128MB
fsync = on
synchronous_commit = on
log_min_messages = warning
log_line_prefix = '%m [%p] %d '
EOF
    if as_pg "$PG_BIN/pg_ctl" start -w -t 60 -D "$DIR/data" -l "$DIR/postgres.log" >/dev/null; then
      local url="postgresql://postgres@127.0.0.1:$port"
      echo "$url" >"$DIR/url"
      echo "$url"
      return 0
    fi
    # A port taken between the check and the bind fails the start: try another.
    grep -q "could not bind\|Address already in use" "$DIR/postgres.log" 2>/dev/null || break
  done
  tail -n 30 "$DIR/postgres.log" >&2 || true
  die "the PostgreSQL server in $DIR did not start"
}

cmd_stop() {
  [ -n "${1:-}" ] || die "usage: pg.sh stop DIR"
  [ -d "$1/data" ] || return 0
  set_dir "$1"
  [ -f "$DIR/data/postmaster.pid" ] || return 0
  as_pg "$PG_BIN/pg_ctl" stop -m fast -w -t 60 -D "$DIR/data" >/dev/null 2>&1 && return 0
  # Not stopped: gone already (stale pid file), or stuck.
  as_pg "$PG_BIN/pg_ctl" status -D "$DIR/data" >/dev/null 2>&1 || return 0
  as_pg "$PG_BIN/pg_ctl" stop -m immediate -w -t 60 -D "$DIR/data" >/dev/null 2>&1 ||
    die "could not stop the PostgreSQL server in $DIR"
}

cmd_run() {
  [ $# -gt 0 ] || die "usage: pg.sh run CMD..."
  local url status self me
  # globals: the EXIT trap reads them
  tmp="" child="" watchdog=""
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/slotd-pg.XXXXXX")
  cleanup() {
    trap - EXIT INT TERM HUP
    set +e
    if [ -n "${watchdog:-}" ]; then
      # its process group (it may not have called setsid yet: then the process itself)
      kill -- "-$watchdog" 2>/dev/null || kill "$watchdog" 2>/dev/null
    fi
    cmd_stop "$tmp" || true
    rm -rf "$tmp"
  }
  trap cleanup EXIT
  trap 'trap - INT; [ -n "${child:-}" ] && kill -INT "$child" 2>/dev/null; exit 130' INT
  trap 'trap - TERM; [ -n "${child:-}" ] && kill -TERM "$child" 2>/dev/null; exit 143' TERM
  trap 'trap - HUP; [ -n "${child:-}" ] && kill -HUP "$child" 2>/dev/null; exit 129' HUP

  url=$(cmd_start "$tmp")
  # If this script is killed outright (SIGKILL, e.g. a test-runner timeout), a detached
  # watchdog still stops the server and removes the directory.
  self=$$
  me=$(readlink -f "$0")
  watchdog=$( (setsid bash -c '
      while kill -0 "$1" 2>/dev/null; do sleep 2; done
      "$2" stop "$3" >/dev/null 2>&1; rm -rf "$3"' watchdog "$self" "$me" "$tmp" \
      </dev/null >/dev/null 2>&1 & echo $!) )

  export SLOTD_TEST_PG_URL="$url"
  export SLOTD_TEST_PGDATA="$tmp/data"
  export SLOTD_TEST_PG_BIN="$PG_BIN"
  export SLOTD_TEST_PG_USER="$PG_USER"
  # In the background, so that a signal to this script is handled while CMD runs.
  # (<&0: keep stdin, which a background command would otherwise lose.)
  "$@" <&0 &
  child=$!
  status=0
  wait "$child" || status=$?
  # wait returns early (>128) when a trapped signal arrives; the trap exits then.
  exit "$status"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  run) shift; cmd_run "$@" ;;
  *) echo "usage: pg.sh start DIR | stop DIR | run CMD..." >&2; exit 2 ;;
esac
