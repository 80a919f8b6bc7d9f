#!/usr/bin/env bash
# Runs every test of the portal. Works on a fresh machine: it installs what the
# tests need (Chromium from Debian, npm packages), starts what they need on
# 127.0.0.1, and stops it. Honours CARGO_TARGET_DIR (CI points it at a cache).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==> %s\n' "$*"; }

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

step "Unit, contract and HTTP end-to-end tests (cargo test)"
cargo test --workspace --locked

step "Browser tests (Chromium + playwright-core + axe-core)"
cargo build -p portal-dev-server --locked
tests/browser/run.sh "$CARGO_TARGET_DIR/debug/portal-dev-server"

step "All tests passed"
