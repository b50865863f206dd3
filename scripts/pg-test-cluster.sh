#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: real server, real password auth, nothing shared.
#
#   scripts/pg-test-cluster.sh start DIR   create DIR, initdb a cluster in DIR/data, start it, and
#                                          write DIR/env (mode 0600) with
#                                          HL_TEST_PG_URL=postgres://hl_test:PASSWORD@127.0.0.1:PORT/postgres
#   scripts/pg-test-cluster.sh stop DIR    stop it (pg_ctl -m fast) and remove DIR; nothing to do
#                                          when DIR is already gone
#   scripts/pg-test-cluster.sh bindir      print the directory initdb/pg_ctl are taken from, or
#                                          exit 1 when there are none
#
# Binaries: initdb and pg_ctl from the PATH, else the highest /usr/lib/postgresql/*/bin (Debian
# keeps them there, off the PATH). PostgreSQL refuses to run as root, so when we are root every
# PostgreSQL command runs as the `postgres` system user (or, without one, as `nobody`), through
# runuser (or setpriv), and DIR is handed to that user; otherwise they run as ourselves.
# The cluster: a superuser hl_test with a random password (scram-sha-256 for local and TCP
# connections alike), listening only on 127.0.0.1 on a free port, unix sockets in DIR,
# fsync on (initdb alone skips its final sync), small shared_buffers, max_connections 200.
# The URL is printed without the password.
set -euo pipefail

die() {
  echo "pg-test-cluster: $*" >&2
  exit 1
}

find_bindir() {
  local initdb
  if initdb="$(command -v initdb)" && command -v pg_ctl >/dev/null; then
    dirname "$(readlink -f "$initdb")"
    return 0
  fi
  local dir
  dir="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
    echo "$dir"
    return 0
  fi
  return 1
}

# RUN_AS: the user PostgreSQL runs as, empty for ourselves.
RUN_AS=''
if [[ "$(id -u)" -eq 0 ]]; then
  if id postgres >/dev/null 2>&1; then
    RUN_AS=postgres
  elif id nobody >/dev/null 2>&1; then
    RUN_AS=nobody
  else
    die "running as root, and there is neither a postgres nor a nobody user to run PostgreSQL as"
  fi
fi

as_pg() {
  if [[ -z "$RUN_AS" ]]; then
    "$@"
  elif command -v runuser >/dev/null; then
    runuser -u "$RUN_AS" -- "$@"
  else
    setpriv --reuid="$RUN_AS" --regid="$(id -g "$RUN_AS")" --init-groups -- "$@"
  fi
}

# A port nothing listens on, from 20000-32767: below Linux's ephemeral range, so outgoing
# connections do not take it in the meantime. Probing with bash's /dev/tcp costs nothing (a
# node or python helper would add a tenth of a second); a port taken anyway makes the start
# fail, and start() then tries another.
free_port() {
  local port _
  for _ in $(seq 50); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 12768))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "found no free port in 20000-32767"
}

MARKER=.hl-pg-test-cluster

start() {
  local dir="$1"
  local bindir
  bindir="$(find_bindir)" || die "no initdb/pg_ctl on the PATH or under /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql)"
  if [[ -e "$dir" ]]; then
    [[ -d "$dir" && -z "$(ls -A "$dir")" ]] || die "$dir exists and is not an empty directory"
  fi
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd -P)"
  [[ "$dir" != *[[:space:]\'\"\\]* ]] || die "$dir: spaces, quotes and backslashes are not supported in DIR"
  touch "$dir/$MARKER"
  chmod 0700 "$dir"
  if [[ -n "$RUN_AS" ]]; then
    chown "$RUN_AS:$(id -gn "$RUN_AS")" "$dir"
    echo "pg-test-cluster: running as root, so PostgreSQL runs as the '$RUN_AS' user (via runuser/setpriv); $dir belongs to it"
    as_pg test -w "$dir" || die "$RUN_AS cannot write to $dir: one of its parent directories is closed to it"
  fi
  # Everything PostgreSQL runs from inside DIR, where its user may be (a root-only cwd warns).
  cd "$dir"

  local password
  password="$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
  (umask 077 && as_pg sh -c 'cat > "$1"' sh "$dir/pwfile" <<<"$password")
  # --no-sync: initdb skips flushing its files to disk (a third of its time); a crash of the
  # machine would lose a throwaway cluster anyway. The server itself runs with fsync on.
  local ok=0
  as_pg "$bindir/initdb" --pgdata="$dir/data" --username=hl_test --pwfile="$dir/pwfile" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C --no-instructions --no-sync >"$dir/initdb.log" 2>&1 || ok=$?
  rm -f "$dir/pwfile"
  if [[ "$ok" -ne 0 ]]; then
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    die "initdb failed"
  fi

  local port attempt
  for attempt in 1 2 3; do
    port="$(free_port)"
    # postgresql.auto.conf is read last, so these win over postgresql.conf.
    as_pg sh -c 'cat > "$1"' sh "$dir/data/postgresql.auto.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = on
synchronous_commit = on
full_page_writes = on
shared_buffers = 16MB
max_connections = 200
logging_collector = off
EOF
    if as_pg "$bindir/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --timeout=60 --silent start >/dev/null; then
      ok=0
      break
    fi
    ok=1
    echo "pg-test-cluster: start attempt $attempt on port $port failed" >&2
    as_pg "$bindir/pg_ctl" --pgdata="$dir/data" --mode=immediate --silent stop >/dev/null 2>&1 || true
  done
  if [[ "$ok" -ne 0 ]]; then
    tail -n 30 "$dir/server.log" >&2 || true
    rm -rf "$dir"
    die "the server did not start"
  fi

  printf '%s\n' "$bindir" >"$dir/bindir"
  (umask 077 && printf 'HL_TEST_PG_URL=postgres://hl_test:%s@127.0.0.1:%s/postgres\n' "$password" "$port" >"$dir/env")
  chmod 0600 "$dir/env"
  echo "pg-test-cluster: PostgreSQL $(cat "$dir/data/PG_VERSION") up at postgres://hl_test@127.0.0.1:$port/postgres (password in $dir/env)"
}

stop() {
  local dir="$1"
  if [[ ! -e "$dir" ]]; then
    echo "pg-test-cluster: $dir is already gone"
    return 0
  fi
  [[ -e "$dir/$MARKER" ]] || die "$dir is not a cluster made by this script (no $MARKER): not touching it"
  cd "$dir"
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    local bindir
    bindir="$(cat "$dir/bindir" 2>/dev/null || find_bindir)" || die "cannot find pg_ctl to stop the server in $dir"
    # A postmaster.pid left by a server that is gone (pg_ctl status: 3) needs no stopping.
    if as_pg "$bindir/pg_ctl" --pgdata="$dir/data" status >/dev/null 2>&1; then
      as_pg "$bindir/pg_ctl" --pgdata="$dir/data" --mode=fast --wait --timeout=60 --silent stop >/dev/null ||
        die "pg_ctl stop failed; the server in $dir/data may still run"
    fi
  fi
  cd /
  rm -rf "$dir"
  echo "pg-test-cluster: stopped, $dir removed"
}

case "${1:-}" in
start)
  [[ $# -eq 2 ]] || die "usage: $0 start DIR"
  start "$2"
  ;;
stop)
  [[ $# -eq 2 ]] || die "usage: $0 stop DIR"
  stop "$2"
  ;;
bindir)
  find_bindir || die "no initdb/pg_ctl on the PATH or under /usr/lib/postgresql/*/bin"
  ;;
*)
  die "usage: $0 start DIR | stop DIR | bindir"
  ;;
esac
