#!/usr/bin/env bash
# Runs every test of the portal. Works on a fresh machine: it installs what the
# tests need (moto in .venv/, Chromium from Debian, npm packages), starts what
# they need on 127.0.0.1 (the AWS emulator, the local server), and stops it.
# Honours CARGO_TARGET_DIR (CI points it at a cache outside the clone).
set -euo pipefail
cd "$(dirname "$0")/../.."

# Everything below runs with the AWS emulator up.
if [ -z "${PORTAL_TEST_AWS_ENDPOINT:-}" ]; then
    exec infra/scripts/with-emulator.sh "$0" "$@"
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==> %s\n' "$*"; }

# Debian packages the tests use: pdftotext/pdfinfo to read PDFs back, Chromium for the browser tests.
missing=()
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ "${#missing[@]}" -gt 0 ]; then
    step "Installing ${missing[*]} (Debian)"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if cargo fmt --version >/dev/null 2>&1; then
    step "Formatting (cargo fmt --check)"
    cargo fmt --all --check
else
    echo "warning: rustfmt is not installed; formatting not checked" >&2
fi

if cargo clippy --version >/dev/null 2>&1; then
    step "Lints (cargo clippy -D warnings)"
    cargo clippy --workspace --all-targets --locked -- -D warnings
else
    echo "warning: clippy is not installed; lints not checked" >&2
fi

step "Template (cfn-lint, sam validate --lint, the SAM transform per stage and feature, the deploy role)"
infra/scripts/validate-template.sh

step "Unit, contract, emulator and HTTP end-to-end tests (embedded backends)"
cargo test --workspace --locked

step "HTTP end-to-end tests again on the AWS backends (emulator), recording each function's AWS calls"
calls="$CARGO_TARGET_DIR/aws-calls.jsonl"
rm -f "$calls"
PORTAL_TEST_BACKENDS=aws PORTAL_AWS_CALL_LOG="$calls" cargo test --locked -p portal-e2e --test portal

step "IAM: every function's policy against the calls it made (denied or unused grants fail)"
infra/scripts/iam-check.sh "$calls"

step "Browser tests (Chromium + playwright-core + axe-core)"
cargo build -p portal-dev-server --locked
tests/browser/run.sh "$CARGO_TARGET_DIR/debug/portal-dev-server"

step "Staff API fuzzing against its OpenAPI description (schemathesis)"
infra/scripts/api-fuzz.sh "$CARGO_TARGET_DIR/debug/portal-dev-server"

step "All tests passed"
