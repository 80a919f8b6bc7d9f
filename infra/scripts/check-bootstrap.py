#!/usr/bin/env python3
"""Checks infra/bootstrap.yaml against what relies on it. Run with the tools
venv's Python (cfn-lint, the SAM translator and PyYAML live there):

    .venv-tools/bin/python infra/scripts/check-bootstrap.py

1. cfn-lint passes on infra/bootstrap.yaml.
2. Trust: every workflow job that assumes an AWS role runs in a GitHub
   environment, asks for an OIDC token, and deploys the stage its environment
   names; the role trusts exactly the subject GitHub presents for such a job,
   repo:OWNER/REPO:environment:<stage>, with audience sts.amazonaws.com; the
   deploy steps come in order (record, deploy, verify the aliases, smoke test,
   rollback on a failed smoke test); samconfig.toml names each stage's stack
   portal-<stage>.
3. The deploy policy: no wildcard in any action (so no "*" and no iam:*),
   only actions IAM knows, Resource "*" only for actions that name no resource
   (or listed below with a reason), iam:PassRole only with
   iam:PassedToService, each managed policy under IAM's size limit; Deny only
   for the actions that keep the stack's roles bounded (KEPT_DENIED).
   The stack roles' boundary (portal-<stage>-boundary) by the same rules,
   Allow only, and not held by the deploy role itself.
4. Against template.yaml, transformed by SAM for every stage in samconfig.toml:
   the policy grants every permission CloudFormation's handlers declare for
   the resource types the stack holds (less the exclusions below, each with
   its reason), plus what `sam deploy`, the workflow and rollback.sh call; and
   it grants nothing else. Each resource of the stack, under the name
   CloudFormation gives it, may be created; the AWS managed policies and
   service principals of the stack's roles are exactly the ones allowed;
   every role of the stack carries the boundary, and the boundary admits
   everything the roles' own policies grant and what Lambda and CodeDeploy do
   with them (logs, tracing, the stream, the aliases and alarms of a release).
5. Requests the policy must allow and must refuse, evaluated on the resolved
   statements (an invoice in the bucket or table, the secrets, the role
   itself, the other stage's resources, an administrator policy, a role
   without the boundary or an inline policy on one...).

Exits 1 listing every failure. Options --bootstrap, --workflow, --template,
--samconfig point at other files (used to show that a break is caught).
"""

import argparse
import json
import logging
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from cfnlint.decode import decode
from samtranslator.translator.transform import transform

# The translator logs feature toggles and unpublished metrics: not findings.
logging.disable(logging.WARNING)

ROOT = Path(__file__).resolve().parents[2]
CFNLINT_DATA = Path(__import__("cfnlint").__file__).parent / "data"
ACCOUNT = "123456789012"
PARTITION = "aws"
REPOSITORY = "octo-org/octo-repo"  # any OWNER/REPO: the subject must follow it
OIDC_ISSUER = "token.actions.githubusercontent.com"
# CloudFormation names unnamed resources STACK-LogicalId-SUFFIX, with a
# random suffix of 12 or 13 characters.
SUFFIX = "ABCDEFGHIJ123"
MANAGED_POLICY_MAX = 6144

# Services the stack's resource types may use but this stack does not.
SERVICES_NOT_USED = {
    "kms": "no customer-managed KMS keys: table, bucket, queue, logs and functions use AWS-owned keys",
    "ec2": "the functions run outside any VPC",
    "elasticfilesystem": "no EFS mounts",
    "s3files": "no file system mounts",
    "s3tables": "no S3 metadata tables",
    "kinesis": "no Kinesis streaming from the table",
    "firehose": "no log delivery to Firehose",
}
# Handler permissions for features the stack does not use, never granted.
ACTIONS_NOT_GRANTED = {
    "dynamodb:GetItem": "item access (table imports): the deploy role never reads or writes portal data",
    "dynamodb:Query": "item access (table imports): the deploy role never reads portal data",
    "dynamodb:Scan": "item access (table imports): the deploy role never reads portal data",
    "dynamodb:PutItem": "item access (table imports): the deploy role never writes portal data",
    "dynamodb:UpdateItem": "item access (table imports): the deploy role never writes portal data",
    "dynamodb:DeleteItem": "item access (table imports): the deploy role never writes portal data",
    "dynamodb:BatchWriteItem": "item access (table imports): the deploy role never writes portal data",
    "dynamodb:ImportTable": "no ImportSourceSpecification",
    "dynamodb:DescribeImport": "no ImportSourceSpecification",
    "dynamodb:CreateTableReplica": "no global table replicas",
    "dynamodb:AssociateTableReplica": "no global table replicas",
    "dynamodb:EnableKinesisStreamingDestination": "no Kinesis streaming destination",
    "dynamodb:DisableKinesisStreamingDestination": "no Kinesis streaming destination",
    "dynamodb:UpdateKinesisStreamingDestination": "no Kinesis streaming destination",
    "dynamodb:PutResourcePolicy": "no ResourcePolicy on the table",
    "dynamodb:DeleteResourcePolicy": "no ResourcePolicy on the table",
    "dynamodb:UpdateContributorInsights": "no ContributorInsightsSpecification",
    "iam:CreateServiceLinkedRole": "no replicas or auto scaling, the features that create service-linked roles",
    "logs:CreateLogStream": "table import logging; the deploy role writes no logs",
    "logs:PutLogEvents": "table import logging; the deploy role writes no logs",
    "logs:DescribeLogStreams": "table import logging",
    "s3:GetObjectMetadata": "table imports from S3",
    "s3:GetObjectVersion": "CodeUri objects are referenced without a version",
    "s3:DeleteObject": "object access: the deploy role never touches stored documents",
    "s3:PutObjectAcl": "object ACLs: the buckets enforce bucket-owner ownership",
    "s3:PutBucketAcl": "bucket ACLs: disabled (BucketOwnerEnforced)",
    "s3:PutBucketReplication": "no replication (it would need a role to pass)",
    "s3:PutReplicationConfiguration": "no replication (it would need a role to pass)",
    "s3:PutBucketWebsite": "a bucket of invoices is never a website",
    "s3:PutBucketAbac": "no attribute-based access control on the bucket",
    "s3:CreateBucketMetadataTableConfiguration": "no S3 metadata tables",
    "s3:DeleteBucketMetadataTableConfiguration": "no S3 metadata tables",
    "s3:UpdateBucketMetadataJournalTableConfiguration": "no S3 metadata tables",
    "s3:UpdateBucketMetadataInventoryTableConfiguration": "no S3 metadata tables",
    "s3:UpdateBucketMetadataAnnotationTableConfiguration": "no S3 metadata tables",
    "lambda:PassCapacityProvider": "no Lambda capacity providers",
    "lambda:GetLayerVersion": "no layers",
    "lambda:GetCodeSigningConfig": "no code signing",
    "lambda:PutFunctionCodeSigningConfig": "no code signing",
    "lambda:DeleteFunctionCodeSigningConfig": "no code signing",
    "codedeploy:RegisterOnPremisesInstance": "Lambda deployments only",
    "logs:AssociateKmsKey": "log groups use the default encryption",
    "logs:DisassociateKmsKey": "log groups use the default encryption",
    "logs:PutDataProtectionPolicy": "no data protection policy on log groups",
    "logs:DeleteDataProtectionPolicy": "no data protection policy on log groups",
    "logs:PutIndexPolicy": "no field index policies",
    "logs:DeleteIndexPolicy": "no field index policies",
    "logs:PutBearerTokenAuthentication": "no bearer-token log ingestion",
    "logs:DeleteResourcePolicy": "log groups carry no resource policy",
    "sns:PutDataProtectionPolicy": "no data protection policy on the topic",
    "iam:DeleteRolePermissionsBoundary": "a role without its boundary could be given anything (denied explicitly)",
    "iam:UpdateAssumeRolePolicy": (
        "the stack's roles keep the trust SAM gives them (Lambda, CodeDeploy); no condition could stop a new "
        "trust policy from naming another account"
    ),
}
# Explicitly denied to the deploy role (and nothing else may be denied): what
# would leave a stack role without its boundary or widen the boundary.
KEPT_DENIED = {
    "iam:DeleteRolePermissionsBoundary",
    "iam:CreatePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeletePolicyVersion",
    "iam:SetDefaultPolicyVersion",
}
# Granted although no resource type's handler lists them, each for its caller.
CALLED_DIRECTLY = {
    "cloudformation:CreateChangeSet": "sam deploy",
    "cloudformation:DescribeChangeSet": "sam deploy",
    "cloudformation:ExecuteChangeSet": "sam deploy",
    "cloudformation:DeleteChangeSet": "sam deploy (an empty change set)",
    "cloudformation:DescribeStacks": "sam deploy; the workflow reads the stacks' outputs",
    "cloudformation:DescribeStackEvents": "sam deploy",
    "cloudformation:GetTemplateSummary": "sam deploy",
    "cloudformation:ListStackResources": "rollback.sh finds the functions and the CodeDeploy application",
    "s3:PutObject": "sam deploy uploads the artifacts",
    "s3:GetObject": "sam deploy; CloudFormation reads the template, Lambda the code, as the caller",
    "s3:ListBucket": "sam deploy's HEAD on artifacts (403 instead of 404 without it)",
    "lambda:GetAlias": "rollback.sh",
    "lambda:UpdateAlias": "rollback.sh",
    "codedeploy:ListDeploymentGroups": "rollback.sh",
    "codedeploy:ListDeployments": "rollback.sh",
    "codedeploy:GetDeployment": "rollback.sh",
    "codedeploy:StopDeployment": "rollback.sh",
    "lambda:GetFunctionConfiguration": "rollback.sh --verify compares the served and the recorded versions",
    "cloudwatch:GetMetricStatistics": "smoke.sh confirms the login mail by the configuration set's Send metric",
}
# API Gateway delivers access logs as the caller: needed only with access logs
# (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html).
ACCESS_LOG_DELIVERY = [
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
]
# Actions that name a resource but are granted on "*", with the condition that
# scopes them instead.
STAR_WITH_CONDITION = {
    "ses:CreateConfigurationSet": "ses:ApiVersion",
    "ses:DeleteConfigurationSet": "ses:ApiVersion",
    "ses:CreateConfigurationSetEventDestination": "ses:ApiVersion",
    "ses:UpdateConfigurationSetEventDestination": "ses:ApiVersion",
    "ses:DeleteConfigurationSetEventDestination": "ses:ApiVersion",
    # The boundary: SecureStrings decrypted by SSM with the aws/ssm key.
    "kms:Decrypt": "kms:ViaService",
}
# Longest names CloudFormation may generate before it truncates them (and a
# truncated name could leave the portal-<stage>-* pattern).
NAME_LIMITS = {
    "AWS::IAM::Role": 64,
    "AWS::Lambda::Function": 64,
    "AWS::Events::Rule": 64,
    "AWS::S3::Bucket": 63,
    "AWS::SQS::Queue": 80,
    "AWS::SNS::Topic": 256,
    "AWS::DynamoDB::Table": 255,
    "AWS::CloudWatch::Alarm": 255,
    "AWS::CodeDeploy::Application": 100,
    "AWS::CodeDeploy::DeploymentGroup": 100,
    "AWS::SES::ConfigurationSet": 64,
    "AWS::Logs::LogGroup": 512,
}
# The property holding an explicit physical name, per type.
NAME_PROPERTY = {
    "AWS::IAM::Role": "RoleName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Events::Rule": "Name",
    "AWS::S3::Bucket": "BucketName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::CodeDeploy::Application": "ApplicationName",
    "AWS::CodeDeploy::DeploymentGroup": "DeploymentGroupName",
    "AWS::SES::ConfigurationSet": "Name",
    "AWS::Logs::LogGroup": "LogGroupName",
}

errors = []


def error(message):
    errors.append(message)


def listify(value):
    return value if isinstance(value, list) else [value]


# ---- intrinsic functions, resolved with placeholder values -----------------


class Unresolvable(Exception):
    pass


def resolve(value, refs, getatts=None):
    """Resolves Ref, Fn::Sub, Fn::Join, Fn::GetAtt and Fn::If (taking the first
    branch) with `refs` (name -> value) and `getatts` ("Res.Attr" -> value)."""
    getatts = getatts or {}
    if isinstance(value, list):
        return [resolve(v, refs, getatts) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref":
            if arg not in refs:
                raise Unresolvable(f"Ref {arg}")
            return refs[arg]
        if key == "Fn::GetAtt":
            name = ".".join(arg) if isinstance(arg, list) else arg
            if name not in getatts:
                raise Unresolvable(f"GetAtt {name}")
            return getatts[name]
        if key == "Fn::Sub":
            text, local = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
            local = {k: resolve(v, refs, getatts) for k, v in local.items()}

            def substitute(match):
                name = match.group(1)
                if name.startswith("!"):
                    return "${" + name[1:] + "}"
                if name in local:
                    return str(local[name])
                if "." in name and name in getatts:
                    return str(getatts[name])
                if name in refs:
                    return str(refs[name])
                raise Unresolvable(f"${{{name}}}")

            return re.sub(r"\$\{([^}]+)\}", substitute, text)
        if key == "Fn::Join":
            sep, parts = arg
            return sep.join(str(resolve(p, refs, getatts)) for p in resolve(parts, refs, getatts))
        if key == "Fn::If":
            return resolve(arg[1], refs, getatts)
    return {k: resolve(v, refs, getatts) for k, v in value.items()}


# ---- IAM evaluation ---------------------------------------------------------


def glob(pattern, text, ignore_case=False):
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.IGNORECASE if ignore_case else 0) is not None


def condition_holds(condition, context):
    for operator, entries in condition.items():
        for key, wanted in entries.items():
            actual = context.get(key)
            if actual is None:
                return False
            wanted = [str(w) for w in listify(wanted)]
            if operator in ("StringEquals", "ArnEquals", "Bool"):
                ok = str(actual) in wanted
            elif operator in ("StringLike", "ArnLike"):
                ok = any(glob(w, str(actual)) for w in wanted)
            else:
                raise ValueError(f"the evaluator does not know the condition operator {operator}")
            if not ok:
                return False
    return True


def matches(statement, action, resource, context):
    return (
        any(glob(a, action, ignore_case=True) for a in listify(statement["Action"]))
        and any(glob(r, resource) for r in listify(statement["Resource"]))
        and condition_holds(statement.get("Condition", {}), context or {})
    )


def allowed(statements, action, resource, context=None):
    """IAM's answer for one request: an explicit Deny wins, then any Allow."""
    if any(s.get("Effect") == "Deny" and matches(s, action, resource, context) for s in statements):
        return False
    return any(s.get("Effect", "Allow") == "Allow" and matches(s, action, resource, context) for s in statements)


def allow_statements(statements):
    return [s for s in statements if s.get("Effect") == "Allow"]


# ---- inputs -----------------------------------------------------------------


def load_cfn(path):
    template, matches = decode(str(path))
    if matches:
        raise SystemExit(f"{path}: {matches}")
    return template


def environment_name(job):
    env = job.get("environment")
    return env.get("name") if isinstance(env, dict) else env


def check_workflow(workflow, bootstrap, samconfig):
    """The jobs that assume a role; returns their stage names."""
    stage_pattern = bootstrap["Parameters"]["Stage"]["AllowedPattern"]
    stages = []
    for name, job in workflow["jobs"].items():
        steps = job.get("steps", [])
        credentials = [s for s in steps if "aws-actions/configure-aws-credentials" in (s.get("uses") or "")]
        if not credentials:
            continue
        stage = environment_name(job)
        if not stage:
            error(
                f"ci.yml job {name} assumes an AWS role without a GitHub environment: its token's subject "
                f"would be repo:{REPOSITORY}:ref:..., which no deploy role trusts"
            )
            continue
        if "${{" in stage:
            error(f"ci.yml job {name}: environment {stage!r} must be literal to be checked against the trust")
            continue
        stages.append(stage)
        if not re.fullmatch(stage_pattern, stage):
            error(f"ci.yml job {name}: environment {stage!r} is not a stage bootstrap.yaml accepts ({stage_pattern})")
        if stage == "bootstrap":
            error(f"ci.yml job {name}: a stage named bootstrap would cover portal-bootstrap-*, every stage's bootstrap stack")
        if (job.get("permissions") or {}).get("id-token") != "write":
            error(f"ci.yml job {name}: no `permissions: id-token: write`, so no OIDC token")
        if job.get("env", {}).get("STAGE") != stage:
            error(f"ci.yml job {name}: env STAGE={job.get('env', {}).get('STAGE')!r} but environment {stage!r}")
        for step in credentials:
            audience = (step.get("with") or {}).get("audience", "sts.amazonaws.com")
            if audience != "sts.amazonaws.com":
                error(f"ci.yml job {name}: audience {audience!r}, the role accepts sts.amazonaws.com only")
        runs = [(i, s.get("run") or "", s) for i, s in enumerate(steps)]

        def first(pattern):
            return next((i for i, run, _ in runs if re.search(pattern, run)), None)

        record = first(r"rollback\.sh --record \"portal-\$STAGE\"")
        deploy = first(r"sam deploy --config-env \"\$STAGE\"")
        verify = first(r"rollback\.sh --verify \"portal-\$STAGE\"")
        smoke = first(r"smoke\.sh ")
        rollback = first(r"rollback\.sh \"portal-\$STAGE\"")
        bucket = first(r"portal-bootstrap-\$STAGE")
        order = (record, deploy, verify, smoke, rollback)
        if None in order or bucket is None or list(order) != sorted(order):
            error(
                f"ci.yml job {name}: expected, in order, rollback.sh --record \"portal-$STAGE\", "
                'sam deploy --config-env "$STAGE" (bucket from portal-bootstrap-$STAGE), '
                'rollback.sh --verify, smoke.sh, rollback.sh'
            )
        else:
            smoke_id = steps[smoke].get("id")
            condition = str(steps[rollback].get("if", ""))
            if not smoke_id or f"steps.{smoke_id}.outcome == 'failure'" not in condition:
                error(f"ci.yml job {name}: the rollback step must run when the smoke test fails")
            smoke_env = steps[smoke].get("env") or {}
            if not {"SMOKE_STACK", "SMOKE_REQUIRE_WRITES"} <= set(smoke_env):
                error(
                    f"ci.yml job {name}: the smoke step must set SMOKE_STACK (the mail confirmed by its SES metric) "
                    "and SMOKE_REQUIRE_WRITES (no write path skipped)"
                )
            inputs = first(r"SMOKE_DOCUMENT_LINK")
            if inputs is None or inputs > record:
                error(f"ci.yml job {name}: the smoke test's inputs must be checked before anything is deployed")
        deploy_section = samconfig.get(stage, {}).get("deploy", {}).get("parameters", {})
        if deploy_section.get("stack_name") != f"portal-{stage}":
            error(
                f"samconfig.toml [{stage}.deploy.parameters] stack_name is {deploy_section.get('stack_name')!r}; "
                f"the deploy role may change only stack portal-{stage}"
            )
    if not stages:
        error("ci.yml: no job assumes an AWS role")
    return stages


def deploy_role(bootstrap):
    roles = [
        (name, r)
        for name, r in bootstrap["Resources"].items()
        if r["Type"] == "AWS::IAM::Role"
        and any(
            "Federated" in (s.get("Principal") or {})
            for s in r["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        )
    ]
    if len(roles) != 1:
        raise SystemExit(f"bootstrap.yaml: expected one role trusting an OIDC provider, found {len(roles)}")
    return roles[0]


def check_trust(role, stage):
    refs = {"GitHubRepository": REPOSITORY, "Stage": stage, "AWS::Partition": PARTITION, "AWS::AccountId": ACCOUNT}
    statements = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    if len(statements) != 1:
        error("bootstrap.yaml: the deploy role's trust must be one statement")
        return
    statement = statements[0]
    if statement.get("Effect") != "Allow" or listify(statement.get("Action")) != ["sts:AssumeRoleWithWebIdentity"]:
        error("bootstrap.yaml: the trust must Allow sts:AssumeRoleWithWebIdentity only")
    condition = statement.get("Condition") or {}
    if set(condition) != {"StringEquals"}:
        error(f"bootstrap.yaml: the trust's conditions must be StringEquals only (no wildcards), not {sorted(condition)}")
    equals = resolve(condition.get("StringEquals", {}), refs)
    if listify(equals.get(f"{OIDC_ISSUER}:aud")) != ["sts.amazonaws.com"]:
        error(f"bootstrap.yaml: the trusted audience must be sts.amazonaws.com, is {equals.get(f'{OIDC_ISSUER}:aud')!r}")
    presented = f"repo:{REPOSITORY}:environment:{stage}"
    trusted = listify(equals.get(f"{OIDC_ISSUER}:sub"))
    if trusted != [presented]:
        error(
            f"bootstrap.yaml: with GitHubRepository={REPOSITORY} Stage={stage} the role trusts subject {trusted}, "
            f"but the workflow's {stage} job presents {presented!r}"
        )


def role_boundary(bootstrap, role):
    """The managed policy every stack role must carry (named portal-<stage>-boundary)."""
    policies = [
        (name, r)
        for name, r in bootstrap["Resources"].items()
        if r["Type"] == "AWS::IAM::ManagedPolicy"
        and "-boundary" in json.dumps(r["Properties"].get("ManagedPolicyName", ""))
    ]
    if len(policies) != 1:
        raise SystemExit(f"bootstrap.yaml: expected one managed policy named portal-<stage>-boundary, found {len(policies)}")
    name, policy = policies[0]
    if {"Ref": name} in role["Properties"].get("ManagedPolicyArns", []):
        error(f"bootstrap.yaml: the deploy role holds the stack roles' boundary {name}; it bounds them, not it")
    return name, policy


def policy_documents(bootstrap, role, refs, getatts):
    """(name, resolved document) of every policy the deploy role holds."""
    documents = []
    for arn in role["Properties"].get("ManagedPolicyArns", []):
        name = arn.get("Ref") if isinstance(arn, dict) else None
        resource = bootstrap["Resources"].get(name or "", {})
        if resource.get("Type") != "AWS::IAM::ManagedPolicy":
            error(f"bootstrap.yaml: the deploy role holds {arn!r}, not a policy of this template")
            continue
        documents.append((name, resolve(resource["Properties"]["PolicyDocument"], refs, getatts)))
    for policy in role["Properties"].get("Policies", []):
        documents.append((policy["PolicyName"], resolve(policy["PolicyDocument"], refs, getatts)))
    return documents


def iam_actions():
    data = json.loads((CFNLINT_DATA / "AdditionalSpecs" / "Policies.json").read_text())
    known = {}
    for service, entry in data.items():
        for action, details in entry.get("Actions", {}).items():
            known[f"{service}:{action}".lower()] = details.get("Resources", [])
    return known


def check_statements(documents, known, deny=frozenset()):
    """Each statement's form; `deny`: the actions a Deny statement may name."""
    for name, document in documents:
        size = len(json.dumps(document, separators=(",", ":")))
        if size > MANAGED_POLICY_MAX:
            error(f"bootstrap.yaml {name}: {size} characters, over IAM's {MANAGED_POLICY_MAX} for a managed policy")
        for statement in document["Statement"]:
            sid = f"{name}/{statement.get('Sid', '?')}"
            for key in ("NotAction", "NotResource", "NotPrincipal"):
                if key in statement:
                    error(f"{sid}: {key} grants by exclusion")
            if statement.get("Effect") == "Deny":
                # A Deny of anything else could hide a missing grant from the check.
                extra = sorted(set(listify(statement.get("Action", []))) - deny)
                if extra or statement.get("Condition"):
                    error(f"{sid}: a Deny may name only {sorted(deny)}, unconditionally (has {extra or 'a condition'})")
                continue
            if statement.get("Effect") != "Allow":
                error(f"{sid}: Effect must be Allow or Deny")
            star = listify(statement.get("Resource")) == ["*"]
            for action in listify(statement.get("Action", [])):
                if "*" in action or "?" in action:
                    error(f"{sid}: wildcard action {action}")
                    continue
                if action.lower() not in known:
                    error(f"{sid}: {action} is not an IAM action")
                    continue
                resource_types = known[action.lower()]
                if star and resource_types:
                    key = STAR_WITH_CONDITION.get(action)
                    if not key or not any(key in c for c in (statement.get("Condition") or {}).values()):
                        error(f"{sid}: {action} names a resource ({', '.join(resource_types)}) but is granted on *")
                if not star and not resource_types:
                    error(f"{sid}: {action} names no resource, so a scoped grant never matches: grant it on *")
                if action == "iam:PassRole" and not any(
                    "iam:PassedToService" in c for c in (statement.get("Condition") or {}).values()
                ):
                    error(f"{sid}: iam:PassRole without an iam:PassedToService condition")


# ---- the stack the role deploys -----------------------------------------------


def samconfig_parameters(section):
    overrides = section.get("deploy", {}).get("parameters", {}).get("parameter_overrides", [])
    if isinstance(overrides, str):
        overrides = overrides.split()
    # Quotes as `sam deploy` reads them: DomainName=\"\" is an empty value.
    return {key: value.strip('"') for key, value in (item.split("=", 1) for item in overrides)}


def transformed(template_path, stage, region, parameters):
    template = load_cfn(template_path)
    template = json.loads(json.dumps(template))
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            # Local paths are replaced by `sam deploy` with the uploaded artifacts.
            resource["Properties"]["CodeUri"] = "s3://artifacts/function.zip"
    values = dict(parameters)
    values.update(
        {
            "AWS::Region": region,
            "AWS::AccountId": ACCOUNT,
            "AWS::Partition": PARTITION,
            "AWS::StackName": f"portal-{stage}",
            "AWS::URLSuffix": "amazonaws.com",
        }
    )

    class NoManagedPolicies:
        def load(self):
            return {}

    # The translator asks boto for the region (the partition follows from it).
    os.environ["AWS_DEFAULT_REGION"] = region
    return transform(template, values, NoManagedPolicies())


def handler_permissions(resource_type, region):
    providers = json.loads((CFNLINT_DATA / "schemas" / "providers" / f"{region}.json").read_text())
    schema_id = providers.get(resource_type)
    if not isinstance(schema_id, str):
        return None
    schema = json.loads((CFNLINT_DATA / "schemas" / "resources" / f"{schema_id}.json").read_text())
    handlers = schema.get("handlers")
    if not handlers:
        return None
    permissions = set()
    for operation in ("create", "read", "update", "delete"):
        permissions.update(handlers.get(operation, {}).get("permissions", []))
    return permissions


# ARN of a named resource, per type (GetAtt Arn, and what its requests name).
ARN_FORMAT = {
    "AWS::Lambda::Function": "arn:{p}:lambda:{r}:{a}:function:{n}",
    "AWS::IAM::Role": "arn:{p}:iam::{a}:role/{n}",
    "AWS::DynamoDB::Table": "arn:{p}:dynamodb:{r}:{a}:table/{n}",
    "AWS::S3::Bucket": "arn:{p}:s3:::{n}",
    "AWS::SQS::Queue": "arn:{p}:sqs:{r}:{a}:{n}",
    "AWS::SNS::Topic": "arn:{p}:sns:{r}:{a}:{n}",
    "AWS::CloudWatch::Alarm": "arn:{p}:cloudwatch:{r}:{a}:alarm:{n}",
    "AWS::Events::Rule": "arn:{p}:events:{r}:{a}:rule/{n}",
    "AWS::Logs::LogGroup": "arn:{p}:logs:{r}:{a}:log-group:{n}",
    "AWS::SES::ConfigurationSet": "arn:{p}:ses:{r}:{a}:configuration-set/{n}",
    "AWS::CodeDeploy::Application": "arn:{p}:codedeploy:{r}:{a}:application:{n}",
}


def stack_names(resources, stage, region, parameters):
    """Each resource's physical name as CloudFormation gives it (explicit, or
    STACK-LogicalId-SUFFIX), with the Ref and GetAtt values they imply."""
    refs = dict(parameters)
    refs |= {
        "AWS::Region": region,
        "AWS::AccountId": ACCOUNT,
        "AWS::Partition": PARTITION,
        "AWS::StackName": f"portal-{stage}",
        "AWS::URLSuffix": "amazonaws.com",
    }
    getatts = {}
    names, explicit = {}, {}
    for logical, resource in resources.items():
        kind = resource["Type"]
        prop = NAME_PROPERTY.get(kind)
        if prop and prop in resource.get("Properties", {}):
            explicit[logical] = resource["Properties"][prop]
        else:
            generated = f"portal-{stage}-{logical}-{SUFFIX}"
            names[logical] = generated.lower() if kind == "AWS::S3::Bucket" else generated

    def publish(logical, kind, name):
        arn = ARN_FORMAT.get(kind, "").format(p=PARTITION, r=region, a=ACCOUNT, n=name)
        if kind == "AWS::SNS::Topic":
            refs[logical] = arn
            getatts[f"{logical}.TopicName"] = name
        elif kind == "AWS::SQS::Queue":
            refs[logical] = f"https://sqs.{region}.amazonaws.com/{ACCOUNT}/{name}"
            getatts[f"{logical}.QueueName"] = name
        else:
            refs[logical] = name
        if arn:
            getatts[f"{logical}.Arn"] = arn
        if kind == "AWS::DynamoDB::Table":
            getatts[f"{logical}.StreamArn"] = f"{arn}/stream/2026-01-01T00:00:00.000"

    for logical, name in names.items():
        publish(logical, resources[logical]["Type"], name)
    # Explicit names may use other resources' names ("/aws/lambda/${Function}").
    for _ in range(3):
        for logical, expression in list(explicit.items()):
            try:
                names[logical] = resolve(expression, refs, getatts)
            except Unresolvable:
                continue
            publish(logical, resources[logical]["Type"], names[logical])
            del explicit[logical]
    for logical, expression in explicit.items():
        error(f"template.yaml {logical}: cannot tell its name from {expression!r}; teach check-bootstrap.py")
    for logical, resource in resources.items():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::Lambda::Alias":
            try:
                function = resolve(props["FunctionName"], refs, getatts)
                refs[logical] = f"arn:{PARTITION}:lambda:{region}:{ACCOUNT}:function:{function}:{resolve(props['Name'], refs, getatts)}"
            except Unresolvable:
                pass
        elif resource["Type"] == "AWS::ApiGatewayV2::Api":
            refs[logical] = "abc123"
        elif resource["Type"] == "AWS::ApiGatewayV2::DomainName":
            # Empty in stages without a custom domain, where it is not created.
            refs[logical] = resolve(props["DomainName"], refs, getatts) or "portal.example.es"
    return names, refs, getatts


def resource_requests(resources, stage, region, parameters):
    """(what, action, arn, context) a deploy of the stack makes, per resource."""
    names, refs, getatts = stack_names(resources, stage, region, parameters)
    prefix = f"arn:{PARTITION}"
    function_arn = f"{prefix}:lambda:{region}:{ACCOUNT}:function:"
    for logical, resource in resources.items():
        kind = resource["Type"]
        limit = NAME_LIMITS.get(kind)
        name = names.get(logical)
        generated = isinstance(name, str) and name.lower().endswith(SUFFIX.lower())
        if limit and generated and len(name) > limit:
            error(
                f"template.yaml {logical}: CloudFormation would name it {name} ({len(name)} > {limit}) and "
                f"truncate it, possibly out of portal-{stage}-*; give it a shorter logical id or a name"
            )

    requests = []
    for logical, resource in resources.items():
        kind = resource["Type"]
        props = resource.get("Properties", {})
        value = names.get(logical)
        if value is None:
            continue

        def r(expression):
            return resolve(expression, refs, getatts)

        def function_target(expression):
            target = r(expression)
            return target if target.startswith("arn:") else f"{function_arn}{target}"

        try:
            if kind == "AWS::Lambda::Function":
                requests.append((logical, "lambda:CreateFunction", f"{function_arn}{value}", {}))
            elif kind == "AWS::Lambda::Version":
                requests.append((logical, "lambda:PublishVersion", function_target(props["FunctionName"]), {}))
            elif kind == "AWS::Lambda::Alias":
                target = f"{function_target(props['FunctionName'])}:{r(props['Name'])}"
                requests.append((logical, "lambda:CreateAlias", target, {}))
                requests.append((f"{logical} (rollback.sh)", "lambda:UpdateAlias", target, {}))
            elif kind == "AWS::Lambda::Permission":
                requests.append((logical, "lambda:AddPermission", function_target(props["FunctionName"]), {}))
            elif kind == "AWS::Lambda::EventSourceMapping":
                context = {"lambda:FunctionArn": function_target(props["FunctionName"])}
                requests.append((logical, "lambda:CreateEventSourceMapping", "*", context))
                mapping = f"{prefix}:lambda:{region}:{ACCOUNT}:event-source-mapping:0123abcd-0000-4000-8000-000000000000"
                requests.append((logical, "lambda:DeleteEventSourceMapping", mapping, context))
            elif kind == "AWS::IAM::Role":
                arn = f"{prefix}:iam::{ACCOUNT}:role{props.get('Path', '/')}{value}"
                # IAM puts the role's boundary (the one being set, for CreateRole)
                # in the request context; a role without one has none.
                bounded = {"iam:PermissionsBoundary": r(props["PermissionsBoundary"])} if "PermissionsBoundary" in props else {}
                requests.append((logical, "iam:CreateRole", arn, bounded))
                for statement in props["AssumeRolePolicyDocument"]["Statement"]:
                    for service in listify((statement.get("Principal") or {}).get("Service", [])):
                        requests.append((logical, "iam:PassRole", arn, {"iam:PassedToService": service}))
                for policy in props.get("ManagedPolicyArns", []):
                    requests.append((logical, "iam:AttachRolePolicy", arn, {"iam:PolicyARN": r(policy), **bounded}))
                for _ in props.get("Policies", []):
                    requests.append((logical, "iam:PutRolePolicy", arn, bounded))
                    requests.append((logical, "iam:DeleteRolePolicy", arn, bounded))
            elif kind == "AWS::DynamoDB::Table":
                requests.append((logical, "dynamodb:CreateTable", f"{prefix}:dynamodb:{region}:{ACCOUNT}:table/{value}", {}))
            elif kind == "AWS::S3::Bucket":
                requests.append((logical, "s3:CreateBucket", f"{prefix}:s3:::{value}", {}))
            elif kind == "AWS::S3::BucketPolicy":
                requests.append((logical, "s3:PutBucketPolicy", f"{prefix}:s3:::{r(props['Bucket'])}", {}))
            elif kind == "AWS::SQS::Queue":
                requests.append((logical, "sqs:CreateQueue", f"{prefix}:sqs:{region}:{ACCOUNT}:{value}", {}))
            elif kind == "AWS::SNS::Topic":
                requests.append((logical, "sns:CreateTopic", f"{prefix}:sns:{region}:{ACCOUNT}:{value}", {}))
            elif kind == "AWS::SNS::Subscription":
                requests.append((logical, "sns:Subscribe", r(props["TopicArn"]), {}))
            elif kind == "AWS::CloudWatch::Alarm":
                requests.append((logical, "cloudwatch:PutMetricAlarm", f"{prefix}:cloudwatch:{region}:{ACCOUNT}:alarm:{value}", {}))
            elif kind == "AWS::Events::Rule":
                requests.append((logical, "events:PutRule", f"{prefix}:events:{region}:{ACCOUNT}:rule/{value}", {}))
            elif kind == "AWS::Logs::LogGroup":
                requests.append((logical, "logs:CreateLogGroup", f"{prefix}:logs:{region}:{ACCOUNT}:log-group:{value}", {}))
            elif kind == "AWS::Logs::MetricFilter":
                arn = f"{prefix}:logs:{region}:{ACCOUNT}:log-group:{r(props['LogGroupName'])}:*"
                requests.append((logical, "logs:PutMetricFilter", arn, {}))
            elif kind == "AWS::SES::ConfigurationSet":
                if "Name" not in props:
                    # Its handler names it LogicalId-RANDOM, without the stack's name.
                    error(
                        f"template.yaml {logical}: give the configuration set a Name inside portal-{stage}-* "
                        '(e.g. !Sub "${AWS::StackName}-mail"): CloudFormation would name it '
                        f"{logical}-RANDOM, outside what the deploy role may manage"
                    )
                arn = f"{prefix}:ses:{region}:{ACCOUNT}:configuration-set/{value}"
                requests.append((logical, "ses:CreateConfigurationSet", arn, {"ses:ApiVersion": "2"}))
            elif kind == "AWS::SES::ConfigurationSetEventDestination":
                arn = f"{prefix}:ses:{region}:{ACCOUNT}:configuration-set/{r(props['ConfigurationSetName'])}"
                requests.append((logical, "ses:CreateConfigurationSetEventDestination", arn, {"ses:ApiVersion": "2"}))
            elif kind == "AWS::CodeDeploy::Application":
                requests.append((logical, "codedeploy:CreateApplication", f"{prefix}:codedeploy:{region}:{ACCOUNT}:application:{value}", {}))
            elif kind == "AWS::CodeDeploy::DeploymentGroup":
                arn = f"{prefix}:codedeploy:{region}:{ACCOUNT}:deploymentgroup:{r(props['ApplicationName'])}/{value}"
                requests.append((logical, "codedeploy:CreateDeploymentGroup", arn, {}))
                requests.append((logical, "codedeploy:CreateDeployment", arn, {}))
                requests.append((f"{logical} (rollback.sh)", "codedeploy:ListDeployments", arn, {}))
            elif kind == "AWS::ApiGatewayV2::Api":
                requests.append((logical, "apigateway:POST", f"{prefix}:apigateway:{region}::/apis", {}))
            elif kind == "AWS::ApiGatewayV2::Stage":
                requests.append((logical, "apigateway:POST", f"{prefix}:apigateway:{region}::/apis/abc123/stages", {}))
            elif kind == "AWS::ApiGatewayV2::DomainName":
                requests.append((logical, "apigateway:POST", f"{prefix}:apigateway:{region}::/domainnames", {}))
            elif kind == "AWS::ApiGatewayV2::ApiMapping":
                arn = f"{prefix}:apigateway:{region}::/domainnames/{r(props['DomainName'])}/apimappings"
                requests.append((logical, "apigateway:POST", arn, {}))
            else:
                error(f"template.yaml {logical}: {kind} has no request in check-bootstrap.py; add one")
        except Unresolvable as unresolved:
            error(f"template.yaml {logical}: cannot resolve {unresolved}; teach check-bootstrap.py")
    return requests


def check_stack(template_path, stage, region, parameters, statements, known, boundary):
    try:
        stack = transformed(template_path, stage, region, parameters)
    except Exception as failure:  # the translator raises its own exception types
        error(f"template.yaml does not transform for stage {stage}: {failure}")
        return None
    resources = stack["Resources"]
    kinds = {r["Type"] for r in resources.values()}

    needed = {}
    for kind in sorted(kinds):
        permissions = handler_permissions(kind, region)
        if permissions is None:
            error(f"template.yaml: no CloudFormation handler permissions known for {kind}; list them in check-bootstrap.py")
            continue
        for permission in permissions:
            service = permission.split(":")[0]
            if permission.lower() not in known or service in SERVICES_NOT_USED:
                continue
            if permission in ACTIONS_NOT_GRANTED:
                continue
            needed.setdefault(permission.lower(), (permission, f"{kind} (CloudFormation)"))
    for action, caller in CALLED_DIRECTLY.items():
        needed.setdefault(action.lower(), (action, caller))
    access_logs = any(
        r["Type"] == "AWS::ApiGatewayV2::Stage" and r.get("Properties", {}).get("AccessLogSettings")
        for r in resources.values()
    )
    if access_logs:
        for action in ACCESS_LOG_DELIVERY:
            needed.setdefault(action.lower(), (action, "API Gateway access logs, as the caller"))

    granted = {}
    for statement in allow_statements(statements):
        for action in listify(statement["Action"]):
            granted.setdefault(action.lower(), action)
    for key, (action, why) in sorted(needed.items()):
        if key not in granted:
            error(f"[{stage}] deploy policy lacks {action}, needed by {why}")
    for key, action in sorted(granted.items()):
        if key not in needed:
            if action in ACTIONS_NOT_GRANTED:
                error(f"[{stage}] deploy policy grants {action}, listed as not needed: {ACTIONS_NOT_GRANTED[action]}")
            else:
                error(f"[{stage}] deploy policy grants {action}, which nothing in the stack, sam deploy or rollback.sh needs")

    values = {k: v.get("Default", "") for k, v in stack.get("Parameters", {}).items()} | parameters
    requests = resource_requests(resources, stage, region, values)
    for description, action, arn, context in requests:
        if not allowed(statements, action, arn, context):
            error(f"[{stage}] deploying {description} needs {action} on {arn} {context or ''}: not allowed")
    role_requests = check_role_boundary(resources, stage, region, values, boundary)

    attached = {
        resolve(p, {"AWS::Partition": PARTITION})
        for r in resources.values()
        if r["Type"] == "AWS::IAM::Role"
        for p in r["Properties"].get("ManagedPolicyArns", [])
    }
    services = {
        service
        for r in resources.values()
        if r["Type"] == "AWS::IAM::Role"
        for s in r["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        for service in listify((s.get("Principal") or {}).get("Service", []))
    }
    allowed_policies = {
        arn
        for s in statements
        if "iam:AttachRolePolicy" in listify(s["Action"])
        for arn in listify(s.get("Condition", {}).get("ArnEquals", {}).get("iam:PolicyARN", []))
    }
    if attached != allowed_policies:
        error(
            f"[{stage}] iam:AttachRolePolicy allows {sorted(allowed_policies)}; the stack's roles attach {sorted(attached)}"
        )
    passed_to = {
        service
        for s in statements
        if "iam:PassRole" in listify(s["Action"])
        for service in listify(s.get("Condition", {}).get("StringEquals", {}).get("iam:PassedToService", []))
    }
    if services != passed_to:
        error(f"[{stage}] iam:PassRole is for {sorted(passed_to)}; the stack's roles are for {sorted(services)}")
    return len(resources), len(kinds), len(requests), role_requests


# Optional features the stage leaves off still have their policies in the
# template (under Fn::If, which the resolver takes as on): their parameters,
# named as docs/deploy.md tells, must fall inside the boundary too.
FEATURE_PARAMETERS = {
    "StripeSecretKeyParameterName": "portal/{stage}/stripe-secret-key",
    "StripeWebhookSecretsParameterName": "portal/{stage}/stripe-webhook-secrets",
}


def statement_requests(statement):
    """(action, resource, context) for every action x resource x value of the
    single-valued conditions a boundary may test (ses:FromAddress...); keys
    with several values at once (dynamodb:LeadingKeys) are the role's own."""
    keys = []
    for operator, entries in (statement.get("Condition") or {}).items():
        if operator in ("StringEquals", "StringLike", "ArnEquals", "ArnLike"):
            keys += [(key, listify(value)) for key, value in entries.items()]
    contexts = [{}]
    for key, values in keys:
        contexts = [{**c, key: v} for c in contexts for v in values]
    return [
        (action, resource, context)
        for action in listify(statement["Action"])
        for resource in listify(statement["Resource"])
        for context in contexts
    ]


def check_role_boundary(resources, stage, region, values, boundary):
    """Every role of the stack carries the boundary, and the boundary admits
    what each role is for: its own policies, and what Lambda and CodeDeploy do
    with it. Returns how many requests were checked."""
    boundary_arn, boundary_statements = boundary
    values = dict(values)
    for name, pattern in FEATURE_PARAMETERS.items():
        values[name] = values.get(name) or pattern.format(stage=stage)
    names, refs, getatts = stack_names(resources, stage, region, values)
    refs["AWS::NoValue"] = None
    prefix = f"arn:{PARTITION}"

    def r(expression):
        return resolve(expression, refs, getatts)

    def role_of(expression):
        # Role: !GetAtt XRole.Arn, or ServiceRoleArn: !GetAtt XRole.Arn
        target = expression.get("Fn::GetAtt") if isinstance(expression, dict) else None
        if not target:
            return None
        return target[0] if isinstance(target, list) else target.split(".")[0]

    needs = {}  # role -> [(why, action, arn, context)]
    for logical, resource in resources.items():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        props = resource["Properties"]
        try:
            carried = r(props["PermissionsBoundary"]) if "PermissionsBoundary" in props else None
        except Unresolvable as unresolved:
            error(f"template.yaml {logical}: cannot resolve its PermissionsBoundary ({unresolved})")
            carried = None
        if carried != boundary_arn:
            error(
                f"[{stage}] template.yaml role {logical} has permissions boundary {carried!r}, not {boundary_arn}: "
                "the deploy role may not create it (Globals.Function.PermissionsBoundary, or the role's own)"
            )
        for policy in props.get("Policies", []):
            try:
                policy = r(policy)
            except Unresolvable as unresolved:
                error(f"template.yaml {logical}: cannot resolve a policy ({unresolved}); teach check-bootstrap.py")
                continue
            if not policy:
                continue
            for statement in listify(policy["PolicyDocument"]["Statement"]):
                if statement.get("Effect") != "Allow":
                    continue
                for action, arn, context in statement_requests(statement):
                    if arn is not None:
                        needs.setdefault(logical, []).append((f"its policy {policy['PolicyName']}", action, arn, context))

    # What the Lambda service does with a function's role.
    alias_function = {}
    for logical, resource in resources.items():
        props = resource.get("Properties", {})
        kind = resource["Type"]
        try:
            if kind == "AWS::Lambda::Function":
                role = role_of(props["Role"])
                group = r(props.get("LoggingConfig", {}).get("LogGroup") or f"/aws/lambda/{names[logical]}")
                stream = f"{prefix}:logs:{region}:{ACCOUNT}:log-group:{group}:log-stream:2026/01/01/[1]0123abcd"
                for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
                    needs.setdefault(role, []).append((f"{logical}'s logs", action, stream, {}))
                if props.get("TracingConfig", {}).get("Mode") == "Active":
                    for action in ("xray:PutTraceSegments", "xray:PutTelemetryRecords"):
                        needs.setdefault(role, []).append((f"{logical}'s traces", action, "*", {}))
            elif kind == "AWS::Lambda::Alias":
                function = props["FunctionName"].get("Ref") if isinstance(props["FunctionName"], dict) else None
                alias_function[logical] = function
        except Unresolvable as unresolved:
            error(f"template.yaml {logical}: cannot resolve {unresolved}; teach check-bootstrap.py")
    for logical, resource in resources.items():
        props = resource.get("Properties", {})
        try:
            if resource["Type"] == "AWS::Lambda::EventSourceMapping":
                target = props["FunctionName"].get("Ref") if isinstance(props["FunctionName"], dict) else None
                function = alias_function.get(target, target)
                role = role_of(resources.get(function, {}).get("Properties", {}).get("Role"))
                source = r(props["EventSourceArn"])
                for action in ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"):
                    needs.setdefault(role, []).append((f"{logical} (Lambda's poller)", action, source, {}))
                needs.setdefault(role, []).append((f"{logical} (Lambda's poller)", "dynamodb:ListStreams", "*", {}))
            elif resource["Type"] == "AWS::CodeDeploy::DeploymentGroup":
                role = role_of(props["ServiceRoleArn"])
                alarms = props.get("AlarmConfiguration", {}).get("Alarms", [])
                for alarm in alarms:
                    arn = f"{prefix}:cloudwatch:{region}:{ACCOUNT}:alarm:{r(alarm['Name'])}"
                    needs.setdefault(role, []).append((f"{logical}'s alarms", "cloudwatch:DescribeAlarms", arn, {}))
                for alias, alias_resource in resources.items():
                    update = alias_resource.get("UpdatePolicy", {}).get("CodeDeployLambdaAliasUpdate", {})
                    if update.get("DeploymentGroupName") != {"Ref": logical}:
                        continue
                    for action in ("lambda:GetAlias", "lambda:UpdateAlias", "lambda:GetProvisionedConcurrencyConfig"):
                        needs.setdefault(role, []).append((f"{logical} moving {alias}", action, refs[alias], {}))
        except (Unresolvable, KeyError) as unresolved:
            error(f"template.yaml {logical}: cannot resolve {unresolved}; teach check-bootstrap.py")

    checked = 0
    for role, requests in sorted(needs.items(), key=lambda item: str(item[0])):
        if role not in resources:
            error(f"[{stage}] template.yaml: requests for a role check-bootstrap.py cannot find ({role}): {requests[:1]}")
            continue
        for why, action, arn, context in requests:
            checked += 1
            if not allowed(boundary_statements, action, arn, context):
                error(
                    f"[{stage}] the boundary refuses {role} {action} on {arn} {context or ''} ({why}): "
                    "widen StackRoleBoundary in infra/bootstrap.yaml (then re-run bootstrap.sh) or narrow the grant"
                )
    return checked


def check_boundaries(statements, stage, other_stages, region, bootstrap_stack, artifacts, boundary_arn):
    """Requests the deploy role must be able to make, and ones it must not."""
    prefix = f"arn:{PARTITION}"
    bounded = {"iam:PermissionsBoundary": boundary_arn}
    function = f"{prefix}:lambda:{region}:{ACCOUNT}:function:portal-{stage}-LoginFunction-{SUFFIX}"
    group = (
        f"{prefix}:codedeploy:{region}:{ACCOUNT}:deploymentgroup:portal-{stage}-ServerlessDeploymentApplication-{SUFFIX}"
        f"/portal-{stage}-LoginFunctionDeploymentGroup-{SUFFIX}"
    )
    must = [
        ("cloudformation:CreateChangeSet", f"{prefix}:cloudformation:{region}:{ACCOUNT}:stack/portal-{stage}/uuid", {}),
        ("cloudformation:ExecuteChangeSet", f"{prefix}:cloudformation:{region}:{ACCOUNT}:stack/portal-{stage}/uuid", {}),
        ("cloudformation:CreateChangeSet", f"{prefix}:cloudformation:{region}:aws:transform/Serverless-2016-10-31", {}),
        ("cloudformation:DescribeStacks", bootstrap_stack, {}),
        ("s3:PutObject", f"{artifacts}/portal-{stage}/0123456789abcdef", {}),
        ("s3:ListBucket", artifacts, {}),
        ("lambda:GetAlias", f"{function}:live", {}),
        ("lambda:UpdateAlias", f"{function}:live", {}),
        ("codedeploy:ListDeployments", group, {}),
        ("codedeploy:StopDeployment", "*", {}),
        ("iam:CreateRole", f"{prefix}:iam::{ACCOUNT}:role/portal-{stage}-LoginFunctionRole-{SUFFIX}", bounded),
        ("iam:PutRolePolicy", f"{prefix}:iam::{ACCOUNT}:role/portal-{stage}-LoginFunctionRole-{SUFFIX}", bounded),
        ("cloudwatch:GetMetricStatistics", "*", {}),
    ]
    documents = f"{prefix}:s3:::portal-{stage}-documentbucket-{SUFFIX.lower()}"
    table = f"{prefix}:dynamodb:{region}:{ACCOUNT}:table/portal-{stage}-PortalTable-{SUFFIX}"
    role = f"{prefix}:iam::{ACCOUNT}:role/portal-{stage}-LoginFunctionRole-{SUFFIX}"
    must_not = [
        ("s3:GetObject", f"{documents}/pdf/some-document.pdf", {}, "read a stored invoice"),
        ("s3:PutObject", f"{documents}/pdf/some-document.pdf", {}, "replace a stored invoice"),
        ("dynamodb:GetItem", table, {}, "read the table"),
        ("dynamodb:PutItem", table, {}, "write the table"),
        ("ssm:GetParameter", f"{prefix}:ssm:{region}:{ACCOUNT}:parameter/portal/{stage}/secret-key", {}, "read a secret"),
        ("iam:PutRolePolicy", f"{prefix}:iam::{ACCOUNT}:role/github-deploy-portal-{stage}", {}, "widen its own role"),
        ("iam:AttachRolePolicy", role, {"iam:PolicyARN": f"{prefix}:iam::aws:policy/AdministratorAccess"},
         "attach AdministratorAccess to a function's role"),
        ("iam:PassRole", role, {"iam:PassedToService": "ec2.amazonaws.com"}, "pass a role to EC2"),
        ("iam:CreateRole", f"{prefix}:iam::{ACCOUNT}:role/admin", {}, "create a role outside the stage"),
        ("iam:CreateRole", f"{prefix}:iam::{ACCOUNT}:role/portal-{stage}-Escalation", {},
         "create a stage role without the boundary (trusting anyone, with any policy)"),
        ("iam:CreateRole", f"{prefix}:iam::{ACCOUNT}:role/portal-{stage}-Escalation",
         {"iam:PermissionsBoundary": f"{prefix}:iam::aws:policy/AdministratorAccess"},
         "create a stage role bounded by an administrator policy"),
        ("iam:PutRolePolicy", role, {}, "put an inline policy (say *:*) on a function's role that lacks the boundary"),
        ("iam:AttachRolePolicy", role,
         {"iam:PolicyARN": f"{prefix}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
         "attach a policy to a role that lacks the boundary"),
        ("iam:DeleteRolePermissionsBoundary", role, bounded, "take a function role's boundary off"),
        ("iam:PutRolePermissionsBoundary", role,
         {"iam:PermissionsBoundary": f"{prefix}:iam::aws:policy/AdministratorAccess"},
         "swap a function role's boundary for an administrator policy"),
        ("iam:UpdateAssumeRolePolicy", role, bounded, "make a function's role trust another account"),
        ("iam:CreatePolicyVersion", boundary_arn, {}, "widen the boundary"),
        ("iam:SetDefaultPolicyVersion", boundary_arn, {}, "switch the boundary to another version"),
        ("cloudformation:CreateChangeSet", bootstrap_stack, {}, "change its own bootstrap stack"),
        ("lambda:CreateEventSourceMapping", "*",
         {"lambda:FunctionArn": f"{prefix}:lambda:{region}:{ACCOUNT}:function:other-function"},
         "feed a function outside the stage"),
    ]
    for other in other_stages:
        must_not += [
            ("cloudformation:ExecuteChangeSet", f"{prefix}:cloudformation:{region}:{ACCOUNT}:stack/portal-{other}/uuid", {},
             f"deploy stage {other}"),
            ("lambda:UpdateFunctionCode", f"{prefix}:lambda:{region}:{ACCOUNT}:function:portal-{other}-LoginFunction-{SUFFIX}", {},
             f"change a function of stage {other}"),
            ("iam:PassRole", f"{prefix}:iam::{ACCOUNT}:role/portal-{other}-LoginFunctionRole-{SUFFIX}",
             {"iam:PassedToService": "lambda.amazonaws.com"}, f"pass a role of stage {other}"),
            ("s3:PutBucketPolicy", f"{prefix}:s3:::portal-{other}-documentbucket-{SUFFIX.lower()}", {},
             f"change stage {other}'s bucket policy"),
        ]
    for action, arn, context in must:
        if not allowed(statements, action, arn, context):
            error(f"[{stage}] the deploy role cannot {action} on {arn}")
    for action, arn, context, what in must_not:
        if allowed(statements, action, arn, context):
            error(f"[{stage}] the deploy role could {what} ({action} on {arn})")
    return len(must), len(must_not)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", default=ROOT / "infra/bootstrap.yaml", type=Path)
    parser.add_argument("--workflow", default=ROOT / ".github/workflows/ci.yml", type=Path)
    parser.add_argument("--template", default=ROOT / "template.yaml", type=Path)
    parser.add_argument("--samconfig", default=ROOT / "samconfig.toml", type=Path)
    args = parser.parse_args()

    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    lint = subprocess.run([str(cfn_lint), str(args.bootstrap)], capture_output=True, text=True)
    if lint.returncode != 0:
        error(f"cfn-lint {args.bootstrap}:\n{lint.stdout}{lint.stderr}")

    bootstrap = load_cfn(args.bootstrap)
    workflow = yaml.safe_load(args.workflow.read_text())
    samconfig = tomllib.loads(args.samconfig.read_text())
    known = iam_actions()
    stages = check_workflow(workflow, bootstrap, samconfig)
    role_name, role = deploy_role(bootstrap)
    boundary_name, boundary_resource = role_boundary(bootstrap, role)

    summary = []
    for stage in stages:
        check_trust(role, stage)
        section = samconfig.get(stage, {})
        region = section.get("deploy", {}).get("parameters", {}).get("region") or samconfig.get("default", {}).get(
            "global", {}
        ).get("parameters", {}).get("region", "eu-west-1")
        bootstrap_stack = f"arn:{PARTITION}:cloudformation:{region}:{ACCOUNT}:stack/portal-bootstrap-{stage}/uuid"
        artifacts = f"arn:{PARTITION}:s3:::portal-bootstrap-{stage}-artifactsbucket-{SUFFIX.lower()}"
        refs = {
            "Stage": stage,
            "GitHubRepository": REPOSITORY,
            "AWS::Partition": PARTITION,
            "AWS::Region": region,
            "AWS::AccountId": ACCOUNT,
            "AWS::StackId": bootstrap_stack,
            "AWS::StackName": f"portal-bootstrap-{stage}",
        }
        getatts = {"ArtifactsBucket.Arn": artifacts}
        parameters = samconfig_parameters(section)
        # The boundary admits mail from the stage's sender, the address given
        # to bootstrap.sh, which must be samconfig.toml's (bootstrap.sh checks).
        refs["SenderAddress"] = parameters.get("SenderAddress", "")
        boundary_arn = f"arn:{PARTITION}:iam::{ACCOUNT}:policy/{resolve(boundary_resource['Properties']['ManagedPolicyName'], refs)}"
        if boundary_arn != f"arn:{PARTITION}:iam::{ACCOUNT}:policy/portal-{stage}-boundary":
            error(f"bootstrap.yaml {boundary_name}: named {boundary_arn}, but template.yaml names portal-<stage>-boundary")
        refs[boundary_name] = boundary_arn
        documents = policy_documents(bootstrap, role, refs, getatts)
        check_statements(documents, known, deny=KEPT_DENIED)
        boundary_document = resolve(boundary_resource["Properties"]["PolicyDocument"], refs, getatts)
        check_statements([(boundary_name, boundary_document)], known)
        statements = [s for _, d in documents for s in d["Statement"]]
        result = check_stack(
            args.template, stage, region, parameters, statements, known, (boundary_arn, boundary_document["Statement"])
        )
        must, must_not = check_boundaries(
            statements, stage, [s for s in stages if s != stage], region, bootstrap_stack, artifacts, boundary_arn
        )
        granted = len({a.lower() for s in allow_statements(statements) for a in listify(s["Action"])})
        if result:
            resources, kinds, requests, role_requests = result
            summary.append(
                f"  {stage}: trusts repo:{REPOSITORY}:environment:{stage}; {granted} actions, each needed; "
                f"{resources} resources of {kinds} types, {requests} deploy requests allowed; "
                f"{must} requests allowed and {must_not} refused as expected; every role bounded by "
                f"portal-{stage}-boundary, which admits the {role_requests} requests the roles are for"
            )

    if errors:
        print(f"check-bootstrap: {len(errors)} problem(s)", file=sys.stderr)
        for message in errors:
            print(f"- {message}", file=sys.stderr)
        sys.exit(1)
    print(f"check-bootstrap: {args.bootstrap.relative_to(ROOT) if args.bootstrap.is_relative_to(ROOT) else args.bootstrap} "
          f"matches the workflow, samconfig.toml and template.yaml (cfn-lint clean)")
    print("\n".join(summary))


if __name__ == "__main__":
    main()
