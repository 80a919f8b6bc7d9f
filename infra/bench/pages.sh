#!/usr/bin/env bash
# Page and action benchmark (docs/benchmarks/pages.md). Not a test: it measures
# and prints Markdown tables; nothing fails on a slow number.
#
#   infra/bench/pages.sh
#
# 1. builds portal-bench and portal-dev-server with the deploy's release
#    profile (the same optimisation the Lambda binaries get);
# 2. warm latency (p50/p99) and storage calls of every page and action, and the
#    scale curve (10 / 1,000 / 10,000 documents), in process, embedded backends;
# 3. the same on the AWS backends against the emulator (moto), storage calls
#    counted by an SDK interceptor on the DynamoDB and S3 clients (the scale
#    curve stops at 1,000 there: the emulator copies its table on every
#    transaction, so seeding 10,000 documents takes too long);
# 4. throughput: the local server (release) under wrk (Debian), dashboard and
#    a document view, DURATION seconds each, CONNECTIONS connections.
#
# Environment (all optional): ITERATIONS (500), WARMUP (50), AWS_ITERATIONS
# (100), DURATION (15), CONNECTIONS (16), SKIP_BUILD=1, SKIP_AWS=1,
# SKIP_THROUGHPUT=1, CARGO_TARGET_DIR (default <repo>/target).
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
target_dir=${CARGO_TARGET_DIR:-$repo/target}
export CARGO_TARGET_DIR=$target_dir
bench="$target_dir/release/portal-bench"
server="$target_dir/release/portal-dev-server"

if [[ -z ${SKIP_BUILD:-} ]]; then
  nice -n 10 cargo build --release --locked -p portal-bench -p portal-dev-server
fi

echo "## Embedded backends"
ITERATIONS=${ITERATIONS:-500} WARMUP=${WARMUP:-50} timeout 1200 "$bench"

if [[ -z ${SKIP_AWS:-} ]]; then
  echo
  echo "## AWS backends (emulator)"
  infra/scripts/with-emulator.sh bash -c \
    'PORTAL_BENCH_AWS_ENDPOINT=$PORTAL_TEST_AWS_ENDPOINT ITERATIONS=${AWS_ITERATIONS:-100} WARMUP=10 SCALE=10,1000 timeout 1800 "$0"' "$bench"
fi

if [[ -z ${SKIP_THROUGHPUT:-} ]]; then
  if ! command -v wrk >/dev/null; then
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk >/dev/null
  fi
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  data=$(mktemp -d)
  secret=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
  PORTAL_SECRET_KEY=$secret PORTAL_PORT=$port PORTAL_DATA_DIR=$data RUST_LOG=warn "$server" >"$data/server.log" 2>&1 &
  server_pid=$!
  trap 'kill $server_pid 2>/dev/null || true; rm -rf "$data"' EXIT
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/login" >/dev/null && break; sleep 0.2; done
  cookie=$(PORTAL_SECRET_KEY=$secret "$bench" session-cookie c-ferreteria-lopez)
  echo
  echo "## Throughput (local server, release, wrk -t2 -c${CONNECTIONS:-16} -d${DURATION:-15}s)"
  for path in / /documents/invoices/d-f2026-0125; do
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$port$path")
    echo
    echo "GET $path (status $status)"
    wrk -t2 -c"${CONNECTIONS:-16}" -d"${DURATION:-15}s" --latency -H "Cookie: $cookie" "http://127.0.0.1:$port$path"
  done
fi
