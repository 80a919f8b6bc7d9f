#!/usr/bin/env bash
# Runs a command with a local AWS emulator (moto, DynamoDB + S3 + SES) on a free
# loopback port, exported as PORTAL_TEST_AWS_ENDPOINT, and stops it afterwards.
# moto is installed from PyPI into .venv/ (git-ignored) on first use.
#
#   infra/scripts/with-emulator.sh cargo test -p portal-e2e --test aws
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/.venv"
moto_version="5.2.5"

if ! "$venv/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$moto_version')" 2>/dev/null; then
    echo "Installing moto[server]==$moto_version into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$moto_version"
fi

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
log="$(mktemp)"
# Its own process group: moto starts two processes, and both must stop.
# DynamoDB writes one at a time: see moto_serial.py for why.
setsid "$venv/bin/python" "$(cd "$(dirname "$0")" && pwd)/moto_serial.py" 127.0.0.1 "$port" >"$log" 2>&1 &
group=$!
stop() {
    kill -TERM -- "-$group" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 -- "-$group" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$group" 2>/dev/null || true
    rm -f "$log"
}
trap stop EXIT

ready=""
for _ in $(seq 1 100); do
    if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/_portal/ses/raw-messages', timeout=1)" 2>/dev/null; then
        ready=yes
        break
    fi
    sleep 0.3
done
if [ -z "$ready" ]; then
    echo "The AWS emulator did not start on 127.0.0.1:$port:" >&2
    cat "$log" >&2
    exit 1
fi

export PORTAL_TEST_AWS_ENDPOINT="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=eu-west-1
echo "AWS emulator at $PORTAL_TEST_AWS_ENDPOINT"
"$@"
