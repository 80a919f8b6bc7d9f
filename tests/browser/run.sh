#!/usr/bin/env bash
# Browser end-to-end tests: starts the local portal server on a free loopback
# port with fresh demo data, runs portal.test.mjs against it in headless
# Chromium, and stops the server whatever happens.
#
#   CARGO_TARGET_DIR=... cargo build -p portal-dev-server
#   tests/browser/run.sh "$CARGO_TARGET_DIR/debug/portal-dev-server"
#
# Installs what it needs when missing: Debian's chromium (apt-get, as root)
# and the npm packages pinned in package-lock.json (npm ci).
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 PATH/TO/portal-dev-server" >&2
  exit 2
fi
server_bin=$(realpath -- "$1")
if [[ ! -x "$server_bin" ]]; then
  echo "run.sh: $1 is not an executable (build it with cargo build -p portal-dev-server)" >&2
  exit 2
fi

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

chromium_bin=/usr/bin/chromium
if [[ ! -x "$chromium_bin" ]]; then
  echo "run.sh: installing chromium" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

# npm ci again whenever package-lock.json changed since the last install.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.installed-lock-sha256
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_sum" ]]; then
  echo "run.sh: npm ci" >&2
  npm ci --no-audit --no-fund
  echo "$lock_sum" >"$stamp"
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
url="http://127.0.0.1:$port"
work=$(mktemp -d "${TMPDIR:-/tmp}/portal-browser.XXXXXX")
server_pid=""

cleanup() {
  local status=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ $status -ne 0 && -s "$work/server.log" ]]; then
    echo "---- server log (last 50 lines) ----" >&2
    tail -n 50 "$work/server.log" >&2
  fi
  rm -rf -- "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir "$work/data"
PORTAL_PORT=$port PORTAL_DATA_DIR="$work/data" "$server_bin" >"$work/server.log" 2>&1 &
server_pid=$!

# Wait (at most 30 s) until the login page answers 200.
ready=""
for _ in $(seq 60); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "run.sh: the server exited before answering" >&2
    exit 1
  fi
  if python3 - "$url/login" <<'PY' 2>/dev/null; then
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
    sys.exit(0 if r.status == 200 else 1)
PY
    ready=yes
    break
  fi
  sleep 0.5
done
if [[ -z "$ready" ]]; then
  echo "run.sh: $url/login did not answer within 30 s" >&2
  exit 1
fi
echo "run.sh: portal at $url (data in $work/data)" >&2
# The staff API key the server printed for this run (the tests act as staff with it).
staff_key=$(grep -o 'Bearer ptl_[^ ]*' "$work/server.log" | head -n1 | cut -d' ' -f2)

PORTAL_URL=$url PORTAL_STAFF_KEY=$staff_key CHROMIUM_PATH=$chromium_bin timeout 300 node --test portal.test.mjs
