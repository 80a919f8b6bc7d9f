#!/usr/bin/env bash
# Breaks one cold start into its steps (docs/benchmarks/coldstart.md, "Where
# the time goes"): builds the first_call example in release, starts the
# emulator, provisions it, and runs the example RUNS times (default 3).
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}
nice -n 10 cargo build --release --locked -p portal-bench --example first_call
exec infra/scripts/with-emulator.sh bash -c '
  set -euo pipefail
  eval "$(PORTAL_BENCH_AWS_ENDPOINT=$PORTAL_TEST_AWS_ENDPOINT "$CARGO_TARGET_DIR/release/portal-bench" provision | sed "s/^/export /")"
  export PORTAL_BACKENDS=aws PORTAL_AWS_ENDPOINT_URL=$PORTAL_TEST_AWS_ENDPOINT PORTAL_BENCH_AWS_ENDPOINT=$PORTAL_TEST_AWS_ENDPOINT
  for run in $(seq 1 "${RUNS:-3}"); do "$CARGO_TARGET_DIR/release/examples/first_call"; echo; done
'
