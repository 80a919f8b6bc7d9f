#!/usr/bin/env bash
# Checks template.yaml offline with cfn-lint and `sam validate --lint`.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(infra/scripts/tools-venv.sh)"
export SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-eu-west-1}"
"$bin/cfn-lint" template.yaml
"$bin/sam" validate --lint --template template.yaml
