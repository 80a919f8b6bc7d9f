#!/usr/bin/env bash
# Property-based fuzzing of the staff API against its OpenAPI description
# (schemathesis, PyPI): starts the local server on a free loopback port with
# fresh demo data, takes the staff key it prints, and checks that no response
# is a 5xx and every response matches the description (status, content type,
# body schema). Bounded: API_FUZZ_EXAMPLES cases per operation (default 30),
# a fixed seed; raise the number for a longer run:
#
#   API_FUZZ_EXAMPLES=500 infra/scripts/api-fuzz.sh "$CARGO_TARGET_DIR/debug/portal-dev-server"
set -euo pipefail
if [[ $# -ne 1 ]]; then
  echo "usage: $0 PATH/TO/portal-dev-server" >&2
  exit 2
fi
server_bin=$(realpath -- "$1")
cd "$(dirname "$0")/../.."
# Its own virtualenv (git-ignored), apart from the deploy tools' pins.
venv="$PWD/.venv-fuzz"
requirement="schemathesis==4.32.5"
if [[ ! -f "$venv/.installed-$requirement" ]]; then
  echo "api-fuzz: installing $requirement into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$requirement" >&2
  touch "$venv/.installed-$requirement"
fi
bin="$venv/bin"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
url="http://127.0.0.1:$port"
work=$(mktemp -d "${TMPDIR:-/tmp}/portal-fuzz.XXXXXX")
server_pid=""
cleanup() {
  local status=$?
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ $status -ne 0 && -s "$work/server.log" ]]; then
    echo "---- server log (last 40 lines) ----" >&2
    tail -n 40 "$work/server.log" >&2
  fi
  rm -rf -- "$work"
  exit "$status"
}
trap cleanup EXIT

PORTAL_PORT=$port PORTAL_DATA_DIR="$work/data" RUST_LOG=warn "$server_bin" >"$work/server.log" 2>&1 &
server_pid=$!
key=""
for _ in $(seq 60); do
  key=$(grep -o 'Bearer ptl_[^ ]*' "$work/server.log" 2>/dev/null | head -n1 | cut -d' ' -f2 || true)
  [[ -n "$key" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "api-fuzz: the server exited" >&2; exit 1; }
  sleep 0.5
done
[[ -n "$key" ]] || { echo "api-fuzz: no staff key in the server's output" >&2; exit 1; }

spec="$PWD/functions/staff-api/openapi.json"
fuzz() {
  # From the scratch folder: schemathesis keeps its caches in the working directory.
  (cd "$work" && timeout 900 "$bin/st" run "$spec" \
    --url "$url" \
    --header "Authorization: Bearer $key" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "${API_FUZZ_EXAMPLES:-30}" \
    --seed 20261128 \
    --request-timeout 10 \
    --no-color \
    "$@")
}
# Everything but revoking keys first (the fuzzer would revoke the key it
# runs with), then revoking on its own, last.
fuzz --exclude-operation-id revokeKey
fuzz --include-operation-id revokeKey
