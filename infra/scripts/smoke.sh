#!/usr/bin/env bash
# Smoke test of a deployed portal: the login page answers 200 with the security
# headers, the dashboard sends strangers to the login page, an unknown link is a 404.
set -euo pipefail
base="${1:?usage: smoke.sh https://portal.example.es/}"
base="${base%/}"
check() {
    local path="$1" want="$2" got
    got="$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$base$path")"
    if [ "$got" != "$want" ]; then
        echo "FAIL $path: $got (expected $want)" >&2
        exit 1
    fi
    echo "ok   $path $got"
}
check /login 200
check / 303
check /links/unknown 404
headers="$(curl -s -D - -o /dev/null --max-time 20 "$base/login")"
for header in content-security-policy strict-transport-security x-content-type-options referrer-policy; do
    grep -qi "^$header:" <<<"$headers" || { echo "FAIL missing $header" >&2; exit 1; }
done
echo "smoke test passed for $base"
