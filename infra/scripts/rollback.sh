#!/usr/bin/env bash
# Puts a portal stack's functions back on the versions they served before a
# deploy, by their `live` aliases (the API routes to the aliases).
#
#   infra/scripts/rollback.sh --record STACK FILE   before `sam deploy`: one
#                                                   "function<TAB>version" line per alias
#   infra/scripts/rollback.sh --verify STACK        after `sam deploy`: fails unless every
#                                                   alias serves the release the stack records
#   infra/scripts/rollback.sh STACK FILE            after a failed smoke test
#
# --verify is what makes a smoke test mean something after a rollback: the
# stack then records versions its aliases no longer serve, and re-running the
# same deploy changes nothing, so without it a smoke test would pass on the
# old code and let the failed release go on to the next stage. It compares
# releases, not version numbers: an alias on another version with the same
# code and configuration (a secret rotation republishes every function,
# docs/deploy.md) serves what the stack records.
#
# Why aliases rather than CodeDeploy: `sam deploy` returns only once
# CloudFormation has finished every gradual (CodeDeploy) alias shift, so when
# the smoke test fails nothing is in flight any more and CodeDeploy has nothing
# to roll back. The restore still first stops any deployment that is in flight
# (a rollback run by hand while a deploy is running, or a cancelled workflow),
# with CodeDeploy's own rollback, and waits for the stack to settle, so that
# neither moves an alias after this script has set it.
#
# Uses only what the stage's deploy role may do (infra/bootstrap.yaml):
# cloudformation DescribeStacks/ListStackResources, lambda GetAlias/UpdateAlias/
# GetFunctionConfiguration, codedeploy ListDeploymentGroups/ListDeployments/StopDeployment.
set -euo pipefail

alias_name=live
usage() {
    echo "usage: rollback.sh --record STACK FILE | --verify STACK | STACK FILE" >&2
    exit 2
}

stack_exists() {
    local out
    if out="$(aws cloudformation describe-stacks --stack-name "$1" --query 'Stacks[0].StackStatus' --output text 2>&1)"; then
        return 0
    fi
    # Anything but "does not exist" (credentials, throttling) is an error.
    grep -q "does not exist" <<<"$out" || { echo "$out" >&2; exit 1; }
    return 1
}

# Physical ids of the stack's resources of one type, one per line. Callers
# capture it in a variable first: a failure inside `< <(...)` would go unseen.
resources_of_type() {
    aws cloudformation list-stack-resources --stack-name "$1" \
        --query "StackResourceSummaries[?ResourceType=='$2'].PhysicalResourceId" --output text |
        tr '\t' '\n' | sed '/^$/d;/^None$/d'
}

# The version an alias points at, or nothing when the function has no alias yet.
alias_version() {
    local out
    if out="$(aws lambda get-alias --function-name "$1" --name "$alias_name" --query FunctionVersion --output text 2>&1)"; then
        echo "$out"
        return 0
    fi
    grep -q "ResourceNotFoundException" <<<"$out" || { echo "$out" >&2; exit 1; }
}

record() {
    local stack="$1" file="$2" function version functions
    : >"$file"
    if ! stack_exists "$stack"; then
        echo "Stack $stack does not exist yet: nothing to roll back to."
        return 0
    fi
    functions="$(resources_of_type "$stack" AWS::Lambda::Function)"
    while read -r function; do
        [ -n "$function" ] || continue
        version="$(alias_version "$function")"
        if [ -n "$version" ]; then
            printf '%s\t%s\n' "$function" "$version" >>"$file"
            echo "recorded $function:$alias_name -> $version"
        else
            echo "no $alias_name alias yet on $function"
        fi
    done <<<"$functions"
}

# What makes two versions of a function the same release: the code and the
# configuration the template sets. Not the version number, the description or
# the runtime's patch level, which a republish of the same release changes.
# (Environment variables keep their stored order in every version copied
# from $LATEST; a different order would only report a false drift.)
release_of() {
    aws lambda get-function-configuration --function-name "$1" --qualifier "$2" --output json --query '{
        code: CodeSha256, packageType: PackageType, runtime: Runtime, handler: Handler, role: Role,
        memory: MemorySize, timeout: Timeout, architectures: Architectures, storage: EphemeralStorage.Size,
        environment: Environment.Variables, tracing: TracingConfig.Mode, logging: LoggingConfig,
        layers: Layers[].Arn, vpc: VpcConfig.SubnetIds, deadLetters: DeadLetterConfig.TargetArn, kms: KMSKeyArn}'
}

verify() {
    local stack="$1" versions arn function version current served recorded drift=0
    stack_exists "$stack" || { echo "stack $stack does not exist" >&2; exit 1; }
    # A version's physical id is arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME:VERSION.
    versions="$(resources_of_type "$stack" AWS::Lambda::Version)"
    [ -n "$versions" ] || { echo "stack $stack records no function versions" >&2; exit 1; }
    while read -r arn; do
        [ -n "$arn" ] || continue
        function="$(cut -d: -f7 <<<"$arn")"
        version="$(cut -d: -f8 <<<"$arn")"
        current="$(alias_version "$function")"
        if [ "$current" = "$version" ]; then
            echo "ok   $function:$alias_name -> $version"
            continue
        fi
        if [ -n "$current" ]; then
            # Outside any condition, so that a failed call stops the script.
            served="$(release_of "$function" "$current")"
            recorded="$(release_of "$function" "$version")"
            if [ "$served" = "$recorded" ]; then
                echo "ok   $function:$alias_name -> $current, the same code and configuration as the recorded $version"
                continue
            fi
        fi
        echo "DRIFT $function:$alias_name serves ${current:-nothing}, other code or configuration than the recorded $version" >&2
        drift=1
    done <<<"$versions"
    if [ "$drift" != 0 ]; then
        echo "The aliases do not serve what $stack records (rolled back earlier?): a smoke test would test" >&2
        echo "other code. Deploy a revert or a fix (docs/deploy.md, Rollback)." >&2
        exit 1
    fi
}

# The deployments of one group that may still move its alias.
active_deployments() {
    aws deploy list-deployments --application-name "$1" --deployment-group-name "$2" \
        --include-only-statuses Created Queued InProgress Ready --query 'deployments' --output text |
        tr '\t' '\n' | sed '/^$/d;/^None$/d'
}

stop_deployments() {
    local stack="$1" applications application groups group ids id active=()
    applications="$(resources_of_type "$stack" AWS::CodeDeploy::Application)"
    for application in $applications; do
        groups="$(aws deploy list-deployment-groups --application-name "$application" --query 'deploymentGroups' \
            --output text | tr '\t' '\n' | sed '/^$/d;/^None$/d')"
        for group in $groups; do
            ids="$(active_deployments "$application" "$group")"
            for id in $ids; do
                echo "stopping CodeDeploy deployment $id ($group) with its rollback"
                aws deploy stop-deployment --deployment-id "$id" --auto-rollback-enabled >/dev/null
                active+=("$application/$group")
            done
        done
    done
    # CodeDeploy's rollback is itself a deployment: wait until none is active.
    local entry remaining
    for entry in "${active[@]+"${active[@]}"}"; do
        for _ in $(seq 1 60); do
            remaining="$(active_deployments "${entry%%/*}" "${entry#*/}")"
            [ -z "$remaining" ] && break
            sleep 10
        done
        [ -z "$remaining" ] || { echo "CodeDeploy deployments still active in ${entry#*/} after 10 minutes" >&2; exit 1; }
    done
}

wait_for_stack() {
    local stack="$1" status
    for _ in $(seq 1 180); do
        status="$(aws cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].StackStatus' --output text)"
        case "$status" in
            *_IN_PROGRESS) echo "stack $stack is $status; waiting"; sleep 10 ;;
            *) return 0 ;;
        esac
    done
    echo "stack $stack still $status after 30 minutes" >&2
    exit 1
}

restore() {
    local stack="$1" file="$2" function version current before functions failed=0
    [ -f "$file" ] || { echo "no recorded versions at $file" >&2; exit 1; }
    stack_exists "$stack" || { echo "stack $stack does not exist" >&2; exit 1; }
    stop_deployments "$stack"
    wait_for_stack "$stack"
    declare -A recorded=()
    while IFS=$'\t' read -r function version; do
        [ -n "$function" ] && recorded["$function"]="$version"
    done <"$file"
    functions="$(resources_of_type "$stack" AWS::Lambda::Function)"
    while read -r function; do
        [ -n "$function" ] || continue
        if [ -z "${recorded[$function]+set}" ]; then
            echo "no earlier version of $function (new in this deploy): left as is"
            continue
        fi
        version="${recorded[$function]}"
        before="$(alias_version "$function")"
        if [ "$before" = "$version" ]; then
            echo "ok   $function:$alias_name already on $version"
            continue
        fi
        # An empty routing configuration also drops any canary weight left behind.
        aws lambda update-alias --function-name "$function" --name "$alias_name" --function-version "$version" \
            --routing-config '{"AdditionalVersionWeights":{}}' >/dev/null
        current="$(alias_version "$function")"
        if [ "$current" = "$version" ]; then
            echo "back $function:$alias_name $before -> $current"
        else
            echo "FAIL $function:$alias_name is on $current, expected $version" >&2
            failed=1
        fi
    done <<<"$functions"
    [ "$failed" = 0 ] || exit 1
    echo "Rolled back $stack: every function that existed before the deploy serves its earlier version."
    echo "CloudFormation still records the new versions; see docs/deploy.md (Rollback) before deploying again."
}

case "${1:-}" in
    --record) [ $# -eq 3 ] || usage; record "$2" "$3" ;;
    --verify) [ $# -eq 2 ] || usage; verify "$2" ;;
    -*|"") usage ;;
    *) [ $# -eq 2 ] || usage; restore "$1" "$2" ;;
esac
