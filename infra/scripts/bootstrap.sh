#!/usr/bin/env bash
# Creates what one stage needs once, with the AWS CLI and credentials allowed to
# create IAM roles (an administrator of the account):
#
#   infra/scripts/bootstrap.sh STAGE OWNER/REPO SENDER [--existing-oidc-provider ARN]
#   infra/scripts/bootstrap.sh staging acme/portal portal-staging@acme.es
#
# - stack portal-bootstrap-STAGE from infra/bootstrap.yaml: the GitHub OIDC
#   provider (or the account's existing one), the deploy role trusting only the
#   GitHub environment STAGE of OWNER/REPO, the artifacts bucket, the SES
#   identity of SENDER (unless it or its domain already is one);
# - the SSM SecureStrings /portal/STAGE/secret-key and
#   /portal/STAGE/staff-secret-key, random, created only if missing.
#
# Idempotent: re-running changes nothing that exists and never rotates a secret
# (docs/deploy.md says how to rotate). The region is the stage's in
# samconfig.toml unless AWS_REGION is set.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

usage() {
    echo "usage: bootstrap.sh STAGE OWNER/REPO SENDER [--existing-oidc-provider ARN]" >&2
    exit 2
}
[ $# -ge 3 ] || usage
stage="$1" repository="$2" sender="$3"
shift 3
oidc_arg=""
while [ $# -gt 0 ]; do
    case "$1" in
        --existing-oidc-provider) [ $# -ge 2 ] || usage; oidc_arg="$2"; shift 2 ;;
        *) usage ;;
    esac
done
# The same rules as the template's parameters, checked before anything is created.
[[ "$stage" =~ ^[a-z][a-z0-9]{0,15}$ ]] || { echo "STAGE must be lowercase letters and digits (e.g. staging, prod)" >&2; exit 2; }
[[ "$repository" =~ ^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$ ]] || { echo "OWNER/REPO expected, got $repository" >&2; exit 2; }
[[ "$sender" =~ ^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$ ]] || { echo "SENDER must be an email address" >&2; exit 2; }

# The stage's region in samconfig.toml ([STAGE.deploy.parameters] region = "...").
samconfig_region() {
    awk -v section="[$stage.deploy.parameters]" '
        /^\[/ { inside = ($0 == section) }
        inside && $1 == "region" { gsub(/[" ]/, "", $3); print $3; exit }
    ' "$root/samconfig.toml"
}
region="${AWS_REGION:-$(samconfig_region)}"
[ -n "$region" ] || { echo "No region: set AWS_REGION or add $stage to samconfig.toml" >&2; exit 2; }
export AWS_REGION="$region" AWS_DEFAULT_REGION="$region"
stack="portal-bootstrap-$stage"
aws_() { aws --region "$region" "$@"; }

# A parameter of the existing stack, or nothing.
stack_parameter() {
    aws_ cloudformation describe-stacks --stack-name "$stack" \
        --query "Stacks[0].Parameters[?ParameterKey=='$1'].ParameterValue" --output text
}
stack_status=""
if out="$(aws_ cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].StackStatus' --output text 2>&1)"; then
    stack_status="$out"
else
    grep -q "does not exist" <<<"$out" || { echo "$out" >&2; exit 1; }
fi
if [ "$stack_status" = ROLLBACK_COMPLETE ]; then
    # A first creation that failed leaves an empty stack CloudFormation cannot update.
    echo "Stack $stack failed to create earlier (ROLLBACK_COMPLETE); deleting it to start again."
    aws_ cloudformation delete-stack --stack-name "$stack"
    aws_ cloudformation wait stack-delete-complete --stack-name "$stack"
    stack_status=""
fi

# The OIDC provider: an account has at most one for GitHub's URL. Once the
# stack exists, keep what it was created with (a provider it created would
# otherwise look like someone else's and leave the stack); the first time,
# reuse the account's if it has one.
if [ -n "$oidc_arg" ]; then
    existing_oidc="$oidc_arg"
elif [ -n "$stack_status" ]; then
    existing_oidc="$(stack_parameter ExistingOidcProviderArn)"
    [ "$existing_oidc" != None ] || existing_oidc=""
else
    existing_oidc="$(aws_ iam list-open-id-connect-providers \
        --query "OpenIDConnectProviderList[?ends_with(Arn, ':oidc-provider/token.actions.githubusercontent.com')].Arn | [0]" \
        --output text)"
    [ "$existing_oidc" != None ] || existing_oidc=""
    [ -z "$existing_oidc" ] || echo "Using the account's GitHub OIDC provider $existing_oidc"
fi
# A provider made elsewhere may lack the audience the workflow's token carries.
if [ -n "$existing_oidc" ]; then
    audiences="$(aws_ iam get-open-id-connect-provider --open-id-connect-provider-arn "$existing_oidc" \
        --query 'ClientIDList' --output text)"
    if ! tr '\t' '\n' <<<"$audiences" | grep -qx sts.amazonaws.com; then
        echo "The OIDC provider $existing_oidc does not accept the audience sts.amazonaws.com; add it with:" >&2
        echo "  aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn $existing_oidc --client-id sts.amazonaws.com" >&2
        exit 1
    fi
fi

# The SES identity: likewise keep the stack's choice; the first time, create
# one unless the address or its domain already is an identity here.
identity_exists() {
    local out
    if out="$(aws_ sesv2 get-email-identity --email-identity "$1" --query IdentityType --output text 2>&1)"; then
        return 0
    fi
    grep -q "NotFoundException" <<<"$out" || { echo "$out" >&2; exit 1; }
    return 1
}
if [ -n "$stack_status" ]; then
    create_identity="$(stack_parameter CreateSenderIdentity)"
    previous_sender="$(stack_parameter SenderAddress)"
    if [ "$previous_sender" != "$sender" ]; then
        # A new address: decide afresh (the old identity is retained, not deleted).
        if identity_exists "$sender" || identity_exists "${sender#*@}"; then create_identity=false; else create_identity=true; fi
    fi
elif identity_exists "$sender" || identity_exists "${sender#*@}"; then
    echo "$sender (or ${sender#*@}) is already an SES identity in $region: not creating another."
    create_identity=false
else
    create_identity=true
fi

echo "Deploying $stack in $region"
deploy_errors="$(mktemp)"
trap 'rm -f "$deploy_errors"' EXIT
if ! aws_ cloudformation deploy \
    --stack-name "$stack" \
    --template-file "$root/infra/bootstrap.yaml" \
    --capabilities CAPABILITY_NAMED_IAM \
    --no-fail-on-empty-changeset \
    --parameter-overrides \
        "Stage=$stage" \
        "GitHubRepository=$repository" \
        "SenderAddress=$sender" \
        "CreateSenderIdentity=$create_identity" \
        "ExistingOidcProviderArn=$existing_oidc" 2>"$deploy_errors"; then
    # Some endpoints refuse an empty change set outright instead of creating a
    # FAILED one, which --no-fail-on-empty-changeset does not cover.
    grep -q "No updates are to be performed" "$deploy_errors" || { cat "$deploy_errors" >&2; exit 1; }
    echo "No changes: $stack is up to date."
fi

output() {
    local value
    value="$(aws_ cloudformation describe-stacks --stack-name "$stack" \
        --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue | [0]" --output text)"
    if [ -z "$value" ] || [ "$value" = None ]; then
        echo "Stack $stack has no output $1" >&2
        exit 1
    fi
    echo "$value"
}
role_arn="$(output DeployRoleArn)"
bucket="$(output ArtifactsBucketName)"

# Secrets: CloudFormation cannot create SecureStrings. put-parameter without
# --overwrite refuses to replace an existing value, so a re-run (or a race with
# another one) never rotates a secret. The value goes through a private file,
# not the command line, so it never shows in the process list.
secret_file="$(mktemp)"
trap 'rm -f "$deploy_errors" "$secret_file"' EXIT
chmod 600 "$secret_file"
put_secret() {
    local name="$1" description="$2" out
    printf '%s' "$(openssl rand -base64 48)" >"$secret_file"
    if out="$(aws_ ssm put-parameter --name "$name" --type SecureString --description "$description" \
        --value "file://$secret_file" 2>&1)"; then
        echo "created $name"
    elif grep -q "ParameterAlreadyExists" <<<"$out"; then
        echo "kept    $name (exists; never overwritten)"
    else
        echo "$out" >&2
        exit 1
    fi
    : >"$secret_file"
}
put_secret "/portal/$stage/secret-key" "Portal $stage: contacts' sessions, document links, CSRF"
put_secret "/portal/$stage/staff-secret-key" "Portal $stage: staff sessions"

cat <<EOF

Stage $stage is bootstrapped (stack $stack, region $region).
  Deploy role:      $role_arn
  Artifacts bucket: $bucket (the workflow reads it from the stack)

Next:
1. In GitHub, create the environment "$stage" in $repository (Settings >
   Environments; add required reviewers for prod), then set its two variables:
     gh variable set AWS_DEPLOY_ROLE_ARN --env $stage --repo $repository --body "$role_arn"
     gh variable set AWS_REGION --env $stage --repo $repository --body "$region"
EOF
if [ "$create_identity" = true ]; then
    cat <<EOF
2. SES has mailed $sender a verification link: follow it. To mail any
   contact, request production access for SES in $region if the account is
   still in the SES sandbox.
EOF
else
    echo "2. SES: $sender (or its domain) was already an identity; check it is verified."
fi
cat <<EOF
3. Card payments (optional): put the Stripe secrets, then name them in samconfig.toml:
     aws ssm put-parameter --region $region --type SecureString --name /portal/$stage/stripe-secret-key --value "sk_live_..."
     aws ssm put-parameter --region $region --type SecureString --name /portal/$stage/stripe-webhook-secrets --value "whsec_..."
4. Push to main: the workflow deploys staging, smoke-tests it, then prod.
EOF
