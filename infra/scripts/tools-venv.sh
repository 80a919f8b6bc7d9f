#!/usr/bin/env bash
# Prints the path of .venv-tools/bin after making sure it holds the deploy
# tools at their pinned versions (PyPI): cfn-lint, aws-sam-cli, and for
# packaging cargo-lambda and ziglang.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/.venv-tools"
requirements=("cfn-lint==1.58.0" "aws-sam-cli==1.170.0" "cargo-lambda==1.9.2" "ziglang==0.17.0")
stamp="$venv/.installed-$(printf '%s\n' "${requirements[@]}" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "Installing ${requirements[*]} into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${requirements[@]}" >&2
    touch "$stamp"
fi
echo "$venv/bin"
