#!/usr/bin/env bash
# Checks template.yaml offline: cfn-lint and `sam validate --lint` on the
# source, then the SAM transform for every stage in samconfig.toml with each
# optional feature on and off (transform-template.py), then cfn-lint on what
# the transform produced. The first two never run the transform, so only the
# last two see what CloudFormation will be asked to create.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(infra/scripts/tools-venv.sh)"
export SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-eu-west-1}"
export PORTAL_TRANSFORMED_DIR="${PORTAL_TRANSFORMED_DIR:-$PWD/target/transformed-templates}"
"$bin/cfn-lint" template.yaml
"$bin/sam" validate --lint --template template.yaml
# Plain `sam validate` runs the SAM transform (what CloudFormation runs at
# changeset creation); offline it needs only a region. Its feature-toggle
# chatter is dropped, its verdict and its exit status kept.
"$bin/sam" validate --template template.yaml 2>&1 | { grep -v "Feature Toggle Config" || true; }
"$bin/python" infra/scripts/transform-template.py
# Variants that transform alike are linted once (the transform leaves most
# parameters to CloudFormation, so today they all do).
mapfile -t distinct < <(sha256sum "$PORTAL_TRANSFORMED_DIR"/*.json | sort | awk '!seen[$1]++ { print $2 }')
"$bin/cfn-lint" "${distinct[@]}"
echo "cfn-lint: ${#distinct[@]} distinct transformed template(s) clean"
# The deploy role trusts exactly the workflow's environments and may do what the
# transformed template needs (infra/bootstrap.yaml, docs/deploy.md).
"$bin/python" infra/scripts/check-bootstrap.py
