#!/usr/bin/env bash
# Local PostgreSQL and Redis for this checkout only.
#
#   scripts/services.sh ensure [--browser] [--race]  install what is missing (apt, as root)
#   scripts/services.sh start                        start both (idempotent), data under .data/
#   scripts/services.sh stop                         stop both (fine if not running)
#   scripts/services.sh status                       show whether each one answers
#   scripts/services.sh env [--test]                 print `export ...` lines for eval
#
# Ports: ATIENDE_PG_PORT (55432), ATIENDE_REDIS_PORT (56379). ATIENDE_PG_FAST=1 turns off fsync,
# synchronous_commit and full_page_writes (for tests). ATIENDE_SERVICE_TIMEOUT (30) bounds waits.
# With DATABASE_URL and REDIS_URL both set, `start` starts nothing and `env` prints those.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PG_PORT="${ATIENDE_PG_PORT:-55432}"
REDIS_PORT="${ATIENDE_REDIS_PORT:-56379}"
TIMEOUT="${ATIENDE_SERVICE_TIMEOUT:-30}"
PG_MIN_VERSION=15

DATA="$ROOT/.data"
PGDATA="$DATA/pg"
PG_LOG="$DATA/log/postgres.log"
PG_SOCKDIR="$DATA/run"
REDIS_DIR="$DATA/redis"
REDIS_LOG="$DATA/log/redis.log"
REDIS_PID="$REDIS_DIR/redis.pid"

export DEBIAN_FRONTEND=noninteractive

say() { printf 'services: %s\n' "$*"; }
die() { printf 'services: error: %s\n' "$*" >&2; exit 1; }
is_root() { [[ "$(id -u)" == 0 ]]; }
external() { [[ -n "${DATABASE_URL:-}" && -n "${REDIS_URL:-}" ]]; }

# ---------------------------------------------------------------- ensure

# Newest /usr/lib/postgresql/<v>/bin with pg_ctl and v >= PG_MIN_VERSION; empty if none.
# ATIENDE_PG_BIN overrides. An existing cluster uses the binaries of its own major version.
pg_bin_dir() {
  if [[ -n "${ATIENDE_PG_BIN:-}" ]]; then printf '%s\n' "$ATIENDE_PG_BIN"; return; fi
  if [[ -f "$PGDATA/PG_VERSION" ]]; then
    local v; v="$(<"$PGDATA/PG_VERSION")"
    if [[ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]]; then printf '%s\n' "/usr/lib/postgresql/$v/bin"; return; fi
  fi
  local d v best="" bestv=0
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/pg_ctl" ]] || continue
    v="$(basename "$(dirname "$d")")"
    [[ "$v" =~ ^[0-9]+$ ]] || continue
    if (( v >= PG_MIN_VERSION && v > bestv )); then best="$d"; bestv="$v"; fi
  done
  printf '%s\n' "$best"
}

apt_updated=0
apt_install() { # packages...
  if ! is_root; then
    die "missing: $*. Install with: sudo apt-get update && sudo apt-get install -y $*"
  fi
  command -v apt-get >/dev/null || die "missing: $*, and apt-get is not available to install them"
  if (( ! apt_updated )); then
    say "apt-get update"
    apt-get -o DPkg::Lock::Timeout=600 update -q || die "apt-get update failed"
    apt_updated=1
  fi
  say "apt-get install -y $*"
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$@" || die "apt-get install $* failed"
}

cmd_ensure() {
  local browser=0 race=0 arg
  for arg in "$@"; do
    case "$arg" in
      --browser) browser=1 ;;
      --race) race=1 ;;
      *) die "ensure: unknown option $arg" ;;
    esac
  done
  local missing=() local_services=1
  if external; then local_services=0; say "DATABASE_URL and REDIS_URL are set: not checking for PostgreSQL and Redis"; fi
  if (( local_services )); then
    [[ -n "$(pg_bin_dir)" ]] || missing+=(postgresql)
    if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then missing+=(redis-server); fi
  fi
  if (( browser )) && [[ ! -x /usr/bin/chromium ]]; then missing+=(chromium); fi
  if (( race )) && ! command -v gcc >/dev/null; then missing+=(gcc libc6-dev); fi
  if (( ${#missing[@]} )); then
    apt_install "${missing[@]}"
  fi
  if (( local_services )); then
    [[ -n "$(pg_bin_dir)" ]] || die "no PostgreSQL >= $PG_MIN_VERSION server in /usr/lib/postgresql/*/bin after install"
    if is_root && ! id -u postgres >/dev/null 2>&1; then
      die "running as root but there is no 'postgres' user to run the server as (apt-get install -y postgresql creates it)"
    fi
    say "tools ok (PostgreSQL in $(pg_bin_dir), $(command -v redis-server))"
  else
    say "tools ok"
  fi
}

# ---------------------------------------------------------------- helpers

PGBIN=""
need_pg() {
  PGBIN="$(pg_bin_dir)"
  [[ -n "$PGBIN" ]] || die "no PostgreSQL >= $PG_MIN_VERSION server found; run: scripts/services.sh ensure"
  command -v redis-server >/dev/null || die "redis-server not found; run: scripts/services.sh ensure"
}

# Run a PostgreSQL server binary as the cluster owner (postgres when we are root).
as_pg() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_running() { # pg_ctl status: 0 running, 3 not running, 4 no/invalid data dir
  [[ -f "$PGDATA/PG_VERSION" ]] || return 1
  as_pg "$PGBIN/pg_ctl" status -D "$PGDATA" >/dev/null 2>&1
}

pg_ready() { "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$1" -t 2 >/dev/null 2>&1; }

redis_ping() { [[ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" == PONG ]]; }

redis_ours_alive() { # our pid file names a live redis-server
  [[ -f "$REDIS_PID" ]] || return 1
  local pid; pid="$(<"$REDIS_PID")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && grep -qa redis-server "/proc/$pid/cmdline" 2>/dev/null
}

log_tail() { # file
  if [[ -f "$1" ]]; then
    printf -- '--- last lines of %s ---\n' "$1" >&2
    tail -n 25 "$1" >&2 || true
    printf -- '---\n' >&2
  fi
}

pg_conf_quote() { printf "'%s'" "${1//\'/\'\'}"; }

pg_settings() {
  printf '# Written by scripts/services.sh on every start; edit the script, not this file.\n'
  printf 'port = %s\n' "$PG_PORT"
  printf "listen_addresses = '127.0.0.1'\n"
  printf 'unix_socket_directories = %s\n' "$(pg_conf_quote "$PG_SOCKDIR")"
  printf 'max_connections = 300\n'
  if [[ "${ATIENDE_PG_FAST:-}" == 1 ]]; then
    printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n'
  else
    printf 'fsync = on\nsynchronous_commit = on\nfull_page_writes = on\n'
  fi
}

prepare_dirs() {
  mkdir -p "$DATA/log" "$PG_SOCKDIR" "$REDIS_DIR" "$PGDATA"
  chmod 700 "$PGDATA"
  touch "$PG_LOG"
  if is_root; then
    runuser -u postgres -- test -x "$DATA" \
      || die "the postgres user cannot reach $DATA (a parent folder is not world-searchable); move the checkout or fix its permissions"
    [[ "$(stat -c %U "$PGDATA")" == postgres ]] || chown -R postgres: "$PGDATA"
    chown postgres: "$PG_SOCKDIR" "$PG_LOG"
  fi
}

# ---------------------------------------------------------------- start / stop

start_pg() {
  local conf="$PGDATA/atiende.conf" want
  want="$(pg_settings)"

  if pg_running; then
    local running_port
    running_port="$(sed -n 4p "$PGDATA/postmaster.pid" 2>/dev/null || true)"
    if [[ -n "$running_port" && "$running_port" != "$PG_PORT" ]]; then
      die "PostgreSQL for this checkout is running on port $running_port, not $PG_PORT; run scripts/services.sh stop first"
    fi
    if [[ "$want" != "$(cat "$conf" 2>/dev/null)" ]]; then
      printf '%s\n' "$want" >"$conf"
      as_pg "$PGBIN/pg_ctl" reload -D "$PGDATA" -s
      say "PostgreSQL settings reloaded (ATIENDE_PG_FAST=${ATIENDE_PG_FAST:-0})"
    fi
    pg_ready "$PG_PORT" || wait_pg
    return 0
  fi

  if pg_ready "$PG_PORT"; then
    die "something else is listening on 127.0.0.1:$PG_PORT; set ATIENDE_PG_PORT to a free port"
  fi

  prepare_dirs
  if [[ ! -f "$PGDATA/PG_VERSION" ]]; then
    if [[ -n "$(ls -A "$PGDATA")" ]]; then
      die "$PGDATA is not empty but holds no cluster (no PG_VERSION); remove it to start afresh"
    fi
    say "initdb $PGDATA"
    as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DATA/log/initdb.log" 2>&1 \
      || { log_tail "$DATA/log/initdb.log"; die "initdb failed"; }
    printf "\n# Local settings for this checkout.\ninclude_if_exists = 'atiende.conf'\n" >>"$PGDATA/postgresql.conf"
  fi
  printf '%s\n' "$want" >"$conf"
  if is_root; then chown postgres: "$conf"; fi

  say "starting PostgreSQL on 127.0.0.1:$PG_PORT (log $PG_LOG)"
  if ! as_pg "$PGBIN/pg_ctl" start -D "$PGDATA" -l "$PG_LOG" -w -t "$TIMEOUT" -s >/dev/null 2>&1; then
    log_tail "$PG_LOG"
    die "PostgreSQL failed to start (or did not within ${TIMEOUT}s); see $PG_LOG"
  fi
  wait_pg
}

wait_pg() {
  local deadline=$((SECONDS + TIMEOUT))
  until pg_ready "$PG_PORT"; do
    if (( SECONDS >= deadline )); then
      log_tail "$PG_LOG"
      die "PostgreSQL on 127.0.0.1:$PG_PORT did not answer within ${TIMEOUT}s"
    fi
    sleep 0.2
  done
}

ensure_database() {
  local psql=("$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -X -q -t -A -v ON_ERROR_STOP=1)
  if [[ "$("${psql[@]}" -c "select 1 from pg_database where datname = 'atiende'")" != 1 ]]; then
    say "creating database atiende"
    "${psql[@]}" -c "create database atiende" >/dev/null
  fi
}

start_redis() {
  if redis_ours_alive; then
    redis_ping "$REDIS_PORT" \
      || die "Redis for this checkout (pid $(<"$REDIS_PID")) does not answer on 127.0.0.1:$REDIS_PORT; run scripts/services.sh stop first"
    return 0
  fi
  if redis_ping "$REDIS_PORT"; then
    die "something else is answering on 127.0.0.1:$REDIS_PORT; set ATIENDE_REDIS_PORT to a free port"
  fi
  mkdir -p "$REDIS_DIR" "$DATA/log"
  rm -f "$REDIS_PID"
  say "starting Redis on 127.0.0.1:$REDIS_PORT (log $REDIS_LOG)"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" --dir "$REDIS_DIR" \
    || { log_tail "$REDIS_LOG"; die "redis-server failed to start"; }
  local deadline=$((SECONDS + TIMEOUT))
  until redis_ping "$REDIS_PORT"; do
    if (( SECONDS >= deadline )); then
      log_tail "$REDIS_LOG"
      die "Redis on 127.0.0.1:$REDIS_PORT did not answer within ${TIMEOUT}s"
    fi
    sleep 0.1
  done
}

cmd_start() {
  if external; then
    say "DATABASE_URL and REDIS_URL are set: using those servers, starting nothing"
    return 0
  fi
  need_pg
  start_pg
  ensure_database
  start_redis
  say "PostgreSQL 127.0.0.1:$PG_PORT and Redis 127.0.0.1:$REDIS_PORT are up"
}

cmd_stop() {
  local pgbin
  pgbin="$(pg_bin_dir)"
  if [[ -n "$pgbin" && -f "$PGDATA/PG_VERSION" ]]; then
    PGBIN="$pgbin"
    if pg_running; then
      say "stopping PostgreSQL"
      as_pg "$PGBIN/pg_ctl" stop -D "$PGDATA" -m fast -w -t "$TIMEOUT" -s
    fi
  fi
  if redis_ours_alive; then
    local pid; pid="$(<"$REDIS_PID")"
    say "stopping Redis"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    local deadline=$((SECONDS + TIMEOUT))
    while kill -0 "$pid" 2>/dev/null; do
      if (( SECONDS >= deadline )); then kill "$pid" 2>/dev/null || true; break; fi
      sleep 0.1
    done
    rm -f "$REDIS_PID"
  fi
  say "stopped"
}

cmd_status() {
  local rc=0
  need_pg
  if pg_running && pg_ready "$PG_PORT"; then say "PostgreSQL: up on 127.0.0.1:$PG_PORT"; else say "PostgreSQL: down"; rc=1; fi
  if redis_ours_alive && redis_ping "$REDIS_PORT"; then say "Redis: up on 127.0.0.1:$REDIS_PORT"; else say "Redis: down"; rc=1; fi
  return "$rc"
}

# ---------------------------------------------------------------- env

sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# The same server URL with the database name replaced by `postgres`.
admin_db_url() {
  local url="$1" base query="" rest
  base="${url%%\?*}"
  [[ "$base" != "$url" ]] && query="?${url#*\?}"
  rest="${base#*://}"
  if [[ "$rest" == */* ]]; then base="${base%/*}"; fi
  printf '%s/postgres%s\n' "$base" "$query"
}

cmd_env() {
  local test=0 db redis
  [[ "${1:-}" == --test ]] && test=1
  if external; then
    db="$DATABASE_URL"; redis="$REDIS_URL"
  else
    db="postgres://postgres@127.0.0.1:$PG_PORT/atiende?sslmode=disable"
    redis="redis://127.0.0.1:$REDIS_PORT/0"
  fi
  printf 'export DATABASE_URL=%s\n' "$(sq "$db")"
  printf 'export REDIS_URL=%s\n' "$(sq "$redis")"
  if (( test )); then
    printf 'export ATIENDE_TEST_DATABASE_URL=%s\n' "$(sq "$(admin_db_url "$db")")"
    printf 'export ATIENDE_TEST_REDIS_URL=%s\n' "$(sq "$redis")"
  fi
}

# ---------------------------------------------------------------- main

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  ensure) cmd_ensure "$@" ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env "$@" ;;
  *) printf 'usage: %s ensure [--browser] [--race] | start | stop | status | env [--test]\n' "$0" >&2; exit 2 ;;
esac
