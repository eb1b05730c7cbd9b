#!/usr/bin/env bash
# What `make test` needs outside .venv. Starts PostgreSQL and Redis when they are installed but down; as root with
# apt-get, installs the Debian packages that are missing; otherwise prints one line per missing thing, with the
# command that installs it, and stops before anything else runs.
set -uo pipefail

PG_HOST=127.0.0.1 PG_PORT=5432 REDIS_PORT=6379
WAIT_SECONDS=30   # for a server that was just started
APT_TRIES=3       # a flaky mirror gets two more tries

missing=()
packages=()
can_apt=false
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  can_apt=true
fi
sudo_apt="apt-get install -y"
[ "$(id -u)" = 0 ] || sudo_apt="sudo apt-get install -y"

need_package() {  # need_package PACKAGE WHY
  if $can_apt; then
    packages+=("$1")
  else
    missing+=("missing $2: install it with \`$sudo_apt $1\`")
  fi
}

port_open() {  # port_open PORT: a TCP connect with bash alone, so no client tools are needed
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

postgres_ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -h "$PG_HOST" -p "$PG_PORT" -q
  else
    port_open "$PG_PORT"
  fi
}

redis_ready() {
  if command -v redis-cli >/dev/null 2>&1; then
    [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
  else
    port_open "$REDIS_PORT"
  fi
}

wait_for() {  # wait_for CHECK: poll once a second, at most WAIT_SECONDS
  for _ in $(seq 1 "$WAIT_SECONDS"); do
    "$1" && return 0
    sleep 1
  done
  "$1"
}

python=""
for candidate in python3.11 python3.12 python3.13 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
    "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python=$candidate
    break
  fi
done
[ -n "$python" ] || need_package "python3 python3-venv" "Python 3.11 or later with venv (.venv is made with it)"
command -v git >/dev/null 2>&1 || need_package git "git (a test clones this repository)"

# Started the way this machine runs them when installed but down (no systemd here).
if ! postgres_ready; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start >/dev/null 2>&1
    wait_for postgres_ready
  fi
  postgres_ready || missing+=("PostgreSQL is not answering at $PG_HOST:$PG_PORT (trust auth, database \`test\`): \`$sudo_apt postgresql\`, then \`pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start\` and \`createdb -h $PG_HOST -U postgres test\`")
fi
if ! redis_ready; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no >/dev/null
    wait_for redis_ready
  fi
  redis_ready || missing+=("Redis is not answering at 127.0.0.1:$REDIS_PORT: \`$sudo_apt redis-server\`, then \`redis-server --daemonize yes --bind 127.0.0.1 --port $REDIS_PORT --save '' --appendonly no\`")
fi

# The browser tests drive Debian's /usr/bin/chromium; the compose tests run `docker compose config` (no engine).
command -v chromium >/dev/null 2>&1 || need_package chromium "Chromium (the browser tests drive /usr/bin/chromium)"
if ! command -v docker-compose >/dev/null 2>&1 && ! docker compose version >/dev/null 2>&1; then
  need_package docker-compose "docker-compose (the tests check compose.yaml with it; no Docker engine is needed)"
fi

apt_install() {  # apt_install PACKAGE...: with retries
  for attempt in $(seq 1 "$APT_TRIES"); do
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null && return 0
    echo "apt-get install $* failed (attempt $attempt of $APT_TRIES)" >&2
    sleep 5
  done
  return 1
}

for package in "${packages[@]}"; do
  echo "installing $package"
  flags=()
  [ "$package" = docker-compose ] && flags=(--no-install-recommends)  # only its `config`: no engine, no daemon
  # shellcheck disable=SC2086  # "python3 python3-venv" is two packages
  apt_install "${flags[@]}" $package || missing+=("could not install $package with apt-get: see its messages above")
done

if [ ${#missing[@]} -gt 0 ]; then
  for line in "${missing[@]}"; do
    echo "make test: $line" >&2
  done
  exit 1
fi
