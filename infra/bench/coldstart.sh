#!/usr/bin/env bash
# Cold-start benchmark (docs/benchmarks/coldstart.md). Not a test: it measures
# and prints a table; nothing fails on a slow number.
#
#   infra/bench/coldstart.sh
#
# Builds every function and a hello-world lambda_http binary with the deploy's
# release profile, starts the AWS emulator, provisions and seeds a table,
# bucket, sender and the secret-key parameter, then starts each binary RUNS
# times as Lambda would (production configuration: AWS backends, secret read
# from SSM at start) against a local Runtime API stand-in, timing process start
# to first response. Rounds are interleaved so every binary sees the same
# machine state.
#
# Environment (optional): RUNS (10), ONLY (comma-separated function names),
# SECRET_IN_ENV=1 (the secret key in the environment instead of read from SSM),
# BASELINE_TARGET (an earlier build's target directory, measured alongside),
# STRIPE=1 (card payments configured, their two secrets read from SSM as well),
# SKIP_BUILD=1, CARGO_TARGET_DIR (<repo>/target).
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo"
target_dir=${CARGO_TARGET_DIR:-$repo/target}
export CARGO_TARGET_DIR=$target_dir

if [[ -z ${SKIP_BUILD:-} ]]; then
  packages=(-p portal-hello-lambda -p portal-bench)
  for manifest in functions/*/Cargo.toml; do
    packages+=(-p "$(sed -n 's/^name = "\(.*\)"/\1/p' "$manifest" | head -1)")
  done
  nice -n 10 cargo build --release --locked "${packages[@]}"
fi

exec infra/scripts/with-emulator.sh bash -c '
  set -euo pipefail
  target=$0
  secret=$(python3 -c "import secrets; print(secrets.token_hex(32))")
  export PORTAL_PUBLIC_URL=https://portal.example.es
  eval "$(PORTAL_BENCH_AWS_ENDPOINT=$PORTAL_TEST_AWS_ENDPOINT "$target/release/portal-bench" provision | sed "s/^/export /")"
  .venv/bin/python -c "
import boto3, os, sys
ssm = boto3.client(\"ssm\", endpoint_url=os.environ[\"PORTAL_TEST_AWS_ENDPOINT\"], region_name=\"eu-west-1\")
for name, value in [(\"secret-key\", sys.argv[1]), (\"stripe-key\", \"sk_test_bench\"), (\"stripe-webhooks\", \"whsec_bench\")]:
    ssm.put_parameter(Name=\"/portal/bench/\" + name, Value=value, Type=\"SecureString\", Overwrite=True)
" "$secret"
  export BENCH_SESSION_COOKIE=$(PORTAL_SECRET_KEY=$secret "$target/release/portal-bench" session-cookie c-ferreteria-lopez)
  export PORTAL_ENV=production PORTAL_BACKENDS=aws PORTAL_AWS_ENDPOINT_URL=$PORTAL_TEST_AWS_ENDPOINT
  if [[ -n ${STRIPE:-} ]]; then
    # Card payments configured: the Stripe key and webhook secrets come from SSM too.
    export PORTAL_STRIPE_SECRET_KEY_PARAMETER=/portal/bench/stripe-key
    export PORTAL_STRIPE_WEBHOOK_SECRETS_PARAMETER=/portal/bench/stripe-webhooks
  else
    export PORTAL_CARD_PAYMENTS=off
  fi
  if [[ -n ${SECRET_IN_ENV:-} ]]; then
    export PORTAL_SECRET_KEY=$secret
  else
    export PORTAL_SECRET_KEY_PARAMETER=/portal/bench/secret-key
  fi
  python3 infra/bench/coldstart.py "$target"
' "$target_dir"
