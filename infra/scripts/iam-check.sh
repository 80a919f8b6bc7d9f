#!/usr/bin/env bash
# Holds every function's IAM policy (from the transformed template) against
# the AWS calls it made in the HTTP end-to-end suite on the AWS backends:
# a denied call or an unused grant fails, and docs/deploy.md's permissions
# section must be what the check generates. See infra/scripts/iam_check.py.
#
#   infra/scripts/iam-check.sh CALL_LOG [--write-docs]
#
# CALL_LOG: what PORTAL_AWS_CALL_LOG recorded (infra/scripts/test-all.sh makes
# it). Needs the transformed templates of infra/scripts/validate-template.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
calls="${1:?usage: iam-check.sh CALL_LOG [--write-docs]}"
mode="${2:---check-docs}"
bin="$(infra/scripts/tools-venv.sh)"
transformed="${PORTAL_TRANSFORMED_DIR:-target/transformed-templates}"
"$bin/python" -m unittest -q infra/scripts/iam_check_test.py
"$bin/python" infra/scripts/iam_check.py \
    --template "$transformed/all-features.json" \
    --parameters "$transformed/parameters/all-features.json" \
    --calls "$calls" \
    --docs docs/deploy.md "$mode"
