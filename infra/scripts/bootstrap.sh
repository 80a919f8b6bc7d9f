#!/usr/bin/env bash
# Creates what one stage needs once, with the AWS CLI and credentials allowed to
# create IAM roles (an administrator of the account):
#
#   infra/scripts/bootstrap.sh STAGE OWNER/REPO SENDER [--existing-oidc-provider ARN]
#   infra/scripts/bootstrap.sh staging acme/portal portal-staging@acme.es
#
# - stack portal-bootstrap-STAGE from infra/bootstrap.yaml: the GitHub OIDC
#   provider (or the account's existing one), the deploy role trusting only the
#   GitHub environment STAGE of OWNER/REPO, the permissions boundary of the
#   stage's roles, the artifacts bucket, the SES identity of SENDER (unless it
#   or its domain already is one);
# - the SSM SecureStrings /portal/STAGE/secret-key and
#   /portal/STAGE/staff-secret-key, random, created only if missing;
# - with the gh CLI logged in (as a repository administrator): the GitHub
#   environment STAGE, limited to deployments from the branch main. Without
#   it, the script prints how to do that by hand.
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
# portal-bootstrap-* names every stage's bootstrap stack and artifacts bucket:
# a stage called bootstrap would have its resource patterns cover them.
[ "$stage" != bootstrap ] || { echo "STAGE cannot be 'bootstrap' (portal-bootstrap-* are the bootstrap stacks)" >&2; exit 2; }
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
# The stage's SenderAddress in samconfig.toml ("SenderAddress=..." in its overrides).
samconfig_sender() {
    awk -v section="[$stage.deploy.parameters]" '
        /^\[/ { inside = ($0 == section) }
        inside && match($0, /"SenderAddress=[^"]*"/) { print substr($0, RSTART + 15, RLENGTH - 16); exit }
    ' "$root/samconfig.toml"
}
# The boundary of the stage's roles admits mail from SENDER only: a portal
# deployed with another address could not send.
configured_sender="$(samconfig_sender)"
if [ -n "$configured_sender" ] && [ "$configured_sender" != "$sender" ]; then
    echo "SENDER is $sender but samconfig.toml's SenderAddress for $stage is $configured_sender: use the same address" >&2
    exit 2
fi
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
boundary="$(output RoleBoundaryArn)"

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

# The deploy role trusts every job that runs in the GitHub environment STAGE,
# whatever its branch: the environment's deployment branch policy is what keeps
# other branches, tags and pull requests out. Updating an environment replaces
# its protection rules, so the ones it has (reviewers, wait timer) are sent back.
keep_rules='{
  wait_timer: ([.protection_rules[]? | select(.type == "wait_timer") | .wait_timer][0]),
  prevent_self_review: ([.protection_rules[]? | select(.type == "required_reviewers") | .prevent_self_review][0]),
  reviewers: ([.protection_rules[]? | select(.type == "required_reviewers") | .reviewers[]? | {type, id: .reviewer.id}]
              | if length > 0 then . else null end),
  deployment_branch_policy: {protected_branches: false, custom_branch_policies: true}
} | with_entries(select(.value != null))'
limit_environment_to_main() {
    local api="repos/$repository/environments/$stage" body policies others
    # A new environment has no rules to keep.
    if ! body="$(gh api "$api" --jq "$keep_rules" 2>/dev/null)"; then
        body='{"deployment_branch_policy": {"protected_branches": false, "custom_branch_policies": true}}'
    fi
    gh api -X PUT "$api" --input - <<<"$body" >/dev/null || return 1
    policies="$(gh api "$api/deployment-branch-policies" --paginate \
        --jq '.branch_policies[] | "\(.type // "branch") \(.name)"')" || return 1
    if ! grep -qx "branch main" <<<"$policies"; then
        gh api -X POST "$api/deployment-branch-policies" -f name=main -f type=branch >/dev/null || return 1
    fi
    # Rules someone added by hand are left, but named: they may deploy too.
    others="$(grep -vx "branch main" <<<"$policies" | sed '/^$/d' || true)"
    if [ -n "$others" ]; then
        echo "WARNING: environment $stage also admits these (type name); remove them unless they should deploy:" >&2
        echo "$others" >&2
    fi
}
environment_limited=false
if command -v gh >/dev/null 2>&1 && gh auth status >/dev/null 2>&1; then
    if limit_environment_to_main; then
        environment_limited=true
        echo "GitHub environment $stage of $repository: deployments from the branch main only"
    else
        echo "Could not configure the GitHub environment $stage with gh (it takes a repository administrator): see step 1." >&2
    fi
fi

cat <<EOF

Stage $stage is bootstrapped (stack $stack, region $region).
  Deploy role:      $role_arn
  Role boundary:    $boundary (template.yaml puts it on every role of portal-$stage)
  Artifacts bucket: $bucket (the workflow reads it from the stack)

Next:
EOF
if [ "$environment_limited" = true ]; then
    cat <<EOF
1. The GitHub environment "$stage" admits the branch main only (add required
   reviewers for prod in Settings > Environments). Set its two variables:
EOF
else
    cat <<EOF
1. In GitHub ($repository: Settings > Environments), create the environment
   "$stage" (add required reviewers for prod). Under "Deployment branches and
   tags" choose "Selected branches and tags" and add the branch rule "main",
   and nothing else: the deploy role trusts every job that runs in "$stage",
   whatever its branch. (Re-running this script with the gh CLI logged in as a
   repository administrator does this.) Then set the environment's two variables:
EOF
fi
cat <<EOF
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
3. Card payments (optional): put the Stripe secrets through a private file, never
   on the command line (shell history, process list), then name them in
   samconfig.toml (docs/deploy.md, Bootstrap):
     f="\$(mktemp)"; read -rsp "Stripe API key (sk_...): " key; printf '%s' "\$key" >"\$f"; unset key
     aws ssm put-parameter --region $region --type SecureString --name /portal/$stage/stripe-secret-key --value "file://\$f"
     read -rsp "Webhook secret(s), comma-separated (whsec_...): " key; printf '%s' "\$key" >"\$f"; unset key
     aws ssm put-parameter --region $region --type SecureString --name /portal/$stage/stripe-webhook-secrets --value "file://\$f"
     rm -f "\$f"
4. Push to main: the workflow deploys staging, smoke-tests it, then prod. After
   a stage's first deploy its job stops until the smoke test has its contact
   and document (docs/deploy.md, Deploy); then re-run the job.
EOF
