#!/usr/bin/env python3
"""Holds every function's IAM policy against the AWS calls it really makes.

Inputs: the *transformed* template (SAM's output: the roles exactly as
CloudFormation will create them), the stage's parameter values, and the call
log the HTTP end-to-end suite writes on the AWS backends
(`PORTAL_AWS_CALL_LOG`, see tests/e2e/src/calls.rs). For each function:

1. every recorded call must be allowed by the function's inline policies
   (a missing grant is a failure: AWS would answer AccessDenied);
2. every element of every statement it is granted (each action, each resource,
   each `dynamodb:LeadingKeys` / `ses:FromAddress` value) must be needed by at
   least one recorded call or declared platform need (an unused grant is a
   failure: least privilege);
3. the secrets it reads at cold start (its `PORTAL_*_PARAMETER` variables) must
   be exactly the secrets it was seen using.

Managed policies SAM attaches (logs, X-Ray, the stream poller's reads) serve the
Lambda platform, not the function's code; they are listed in docs/deploy.md
and not evaluated here.

The evaluator implements the parts of IAM's policy language the template uses:
Allow/Deny, Action and Resource with `*`/`?` wildcards, and the condition
operators StringEquals, StringLike, ForAllValues:StringLike,
ForAllValues:StringEquals and Bool. Anything else in a policy is an error, so a
new construct cannot be silently misjudged. Its unit tests: iam_check_test.py.

    iam_check.py --template T.json --parameters P.json --calls calls.jsonl \
        [--docs docs/deploy.md (--check-docs | --write-docs)]
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import re
import sys
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field

ACCOUNT = "123456789012"
REGION = "eu-west-1"
PARTITION = "aws"

# Which secret each use names, and the template parameter holding its SSM name.
SECRET_PARAMETERS = {
    "portal": ("PORTAL_SECRET_KEY_PARAMETER", "SecretKeyParameterName"),
    "staff": ("PORTAL_STAFF_SECRET_KEY_PARAMETER", "StaffSecretKeyParameterName"),
    "stripe-api-key": ("PORTAL_STRIPE_SECRET_KEY_PARAMETER", "StripeSecretKeyParameterName"),
    "stripe-webhook": ("PORTAL_STRIPE_WEBHOOK_SECRETS_PARAMETER", "StripeWebhookSecretsParameterName"),
}

DOCS_BEGIN = "<!-- iam_check.py: generated from the transformed template and the recorded calls; do not edit -->"
DOCS_END = "<!-- iam_check.py: end -->"


class PolicyError(Exception):
    """A policy construct this evaluator does not implement."""


# ---------------------------------------------------------------- intrinsics


@dataclass
class Resolver:
    """Resolves the intrinsic functions of a template with fixed names.

    Physical names are the logical ids (table `PortalTable`, bucket
    `DocumentBucket`), so resolved ARNs read like the template."""

    template: dict
    parameters: dict

    def __post_init__(self):
        declared = self.template.get("Parameters", {})
        values = {name: spec.get("Default") for name, spec in declared.items()}
        values.update(self.parameters)
        missing = [name for name, value in values.items() if value is None]
        if missing:
            raise SystemExit(f"no value for the parameters {', '.join(sorted(missing))}")
        self.values = values
        self.conditions = {}

    def condition(self, name: str) -> bool:
        if name not in self.conditions:
            self.conditions[name] = bool(self.resolve(self.template["Conditions"][name]))
        return self.conditions[name]

    def ref(self, name: str):
        pseudo = {
            "AWS::AccountId": ACCOUNT,
            "AWS::Region": REGION,
            "AWS::Partition": PARTITION,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": "portal",
            "AWS::NoValue": None,
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.values:
            return self.values[name]
        resource = self.template["Resources"].get(name)
        if resource is None:
            raise PolicyError(f"Ref to unknown {name}")
        if resource["Type"] == "AWS::SQS::Queue":
            return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}"
        return name

    def get_att(self, name: str, attribute: str):
        resource = self.template["Resources"].get(name)
        if resource is None:
            raise PolicyError(f"GetAtt of unknown {name}")
        kind = resource["Type"]
        if kind == "AWS::DynamoDB::Table" and attribute == "Arn":
            return table_arn(name)
        if kind == "AWS::DynamoDB::Table" and attribute == "StreamArn":
            return f"{table_arn(name)}/stream/2026-01-01T00:00:00.000"
        if kind == "AWS::S3::Bucket" and attribute == "Arn":
            return f"arn:{PARTITION}:s3:::{name}"
        if kind == "AWS::SQS::Queue" and attribute == "Arn":
            return f"arn:{PARTITION}:sqs:{REGION}:{ACCOUNT}:{name}"
        if kind == "AWS::SQS::Queue" and attribute == "QueueName":
            return name
        if attribute == "Arn":
            service = kind.split("::")[1].lower()
            return f"arn:{PARTITION}:{service}:{REGION}:{ACCOUNT}:{name}"
        return f"{name}.{attribute}"

    def sub(self, text: str, variables: dict):
        def replace(match):
            expression = match.group(1)
            if expression.startswith("!"):
                return "${" + expression[1:] + "}"
            if expression in variables:
                return str(self.resolve(variables[expression]))
            if "." in expression and not expression.startswith("AWS::"):
                name, attribute = expression.split(".", 1)
                return str(self.get_att(name, attribute))
            return str(self.ref(expression))

        return re.sub(r"\$\{([^}]+)\}", replace, text)

    def resolve(self, value):
        if isinstance(value, list):
            return [v for v in (self.resolve(item) for item in value) if v is not None]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, argument), = value.items()
            if key == "Ref":
                return self.ref(argument)
            if key == "Fn::GetAtt":
                name, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
                return self.get_att(name, attribute)
            if key == "Fn::Sub":
                if isinstance(argument, list):
                    return self.sub(argument[0], argument[1])
                return self.sub(argument, {})
            if key == "Fn::Join":
                return argument[0].join(str(v) for v in self.resolve(argument[1]))
            if key == "Fn::If":
                name, then, otherwise = argument
                return self.resolve(then if self.condition(name) else otherwise)
            if key == "Fn::Equals":
                left, right = (self.resolve(v) for v in argument)
                return left == right
            if key == "Fn::Not":
                return not self.resolve(argument[0])
            if key == "Fn::And":
                return all(self.resolve(v) for v in argument)
            if key == "Fn::Or":
                return any(self.resolve(v) for v in argument)
            if key == "Condition":
                return self.condition(argument)
            if key == "Fn::Select":
                return self.resolve(argument[1])[int(self.resolve(argument[0]))]
            if key == "Fn::Split":
                return self.resolve(argument[1]).split(argument[0])
            if key.startswith("Fn::"):
                raise PolicyError(f"{key} is not implemented")
        return {k: v for k, v in ((k, self.resolve(v)) for k, v in value.items()) if v is not None}


def table_arn(name: str) -> str:
    return f"arn:{PARTITION}:dynamodb:{REGION}:{ACCOUNT}:table/{name}"


# ------------------------------------------------------------------ policies


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def wildcard(pattern: str, value: str, case_insensitive: bool = False) -> bool:
    """IAM's `*` (any run) and `?` (one character); nothing else is special."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL if case_insensitive else re.DOTALL) is not None


@dataclass(frozen=True)
class Request:
    """One authorisation AWS makes for a call: an action on a resource, with
    the request's condition keys (multi-valued keys as tuples)."""

    action: str
    resource: str
    context: tuple = ()  # ((key, value or tuple), ...)
    why: str = ""

    def get(self, key: str):
        for k, v in self.context:
            if k.lower() == key.lower():
                return v
        return None


CONDITION_OPERATORS = {"StringEquals", "StringLike", "ForAllValues:StringLike", "ForAllValues:StringEquals", "Bool"}


def condition_holds(operator: str, key: str, allowed: list, request: Request) -> bool:
    if operator not in CONDITION_OPERATORS:
        raise PolicyError(f"condition operator {operator} is not implemented")
    value = request.get(key)
    allowed = [str(a) for a in as_list(allowed)]
    like = operator.endswith("StringLike")
    match = (lambda pattern, v: wildcard(pattern, v)) if like else (lambda pattern, v: pattern == v)
    if operator.startswith("ForAllValues:"):
        # IAM: true when every value matches, and also when the key is absent.
        values = value if isinstance(value, tuple) else (() if value is None else (value,))
        return all(any(match(pattern, v) for pattern in allowed) for v in values)
    if value is None:
        return False
    if isinstance(value, tuple):
        raise PolicyError(f"{key} is multi-valued: use a ForAllValues operator")
    if operator == "Bool":
        return str(value).lower() in [a.lower() for a in allowed]
    return any(match(pattern, str(value)) for pattern in allowed)


@dataclass
class Statement:
    effect: str
    actions: list
    resources: list
    conditions: list  # [(operator, key, [values])]
    policy: str = ""

    @staticmethod
    def parse(raw: dict, policy: str) -> "Statement":
        unknown = set(raw) - {"Sid", "Effect", "Action", "Resource", "Condition"}
        if unknown:
            raise PolicyError(f"{policy}: statement elements {sorted(unknown)} are not implemented")
        conditions = []
        for operator, keys in raw.get("Condition", {}).items():
            for key, values in keys.items():
                if operator not in CONDITION_OPERATORS:
                    raise PolicyError(f"{policy}: condition operator {operator} is not implemented")
                conditions.append((operator, key, as_list(values)))
        return Statement(raw["Effect"], as_list(raw["Action"]), as_list(raw["Resource"]), conditions, policy)

    def applies(self, request: Request) -> bool:
        return (
            any(wildcard(a, request.action, case_insensitive=True) for a in self.actions)
            and any(wildcard(r, request.resource) for r in self.resources)
            and all(condition_holds(op, key, values, request) for op, key, values in self.conditions)
        )


def allowed(statements: list, request: Request) -> bool:
    """IAM's evaluation for one identity policy set: an explicit Deny wins,
    then any Allow, else the implicit deny."""
    if any(s.effect == "Deny" and s.applies(request) for s in statements):
        return False
    return any(s.effect == "Allow" and s.applies(request) for s in statements)


def too_broad(statement: "Statement") -> list:
    """Grants no recorded call can justify, whatever was recorded: a wildcard
    action, any resource, a wildcard in a table or index ARN, any key."""
    findings = []
    for action in statement.actions:
        if "*" in action or "?" in action:
            findings.append(f"{statement.policy}: the wildcard action {action} is never least privilege")
    for resource in statement.resources:
        if resource == "*" or (":dynamodb:" in resource and "*" in resource):
            findings.append(f"{statement.policy}: {', '.join(statement.actions)} on {resource} is wider than any call")
    for operator, key, values in statement.conditions:
        for value in values:
            if value.strip("*") == "":
                findings.append(f"{statement.policy}: {key} {value} matches every value")
    return findings


def unused_grants(statements: list, requests: list) -> list:
    """Every combination an Allow statement grants (each action with each
    resource and each condition value) that no request needs. Checking the
    combinations, not each element alone, catches merged statements: GetItem
    on CONTACT#* and PutItem on LOGIN#* are used, but one statement granting
    both actions on both prefixes would also grant PutItem on CONTACT#*."""
    findings = []
    for statement in statements:
        if statement.effect != "Allow":
            continue
        findings += too_broad(statement)
        served = [r for r in requests if statement.applies(r)]
        for action in statement.actions:
            by_action = [r for r in served if wildcard(action, r.action, case_insensitive=True)]
            if not by_action:
                findings.append(f"{statement.policy}: {action} on {', '.join(statement.resources)} is never used")
                continue
            for resource in statement.resources:
                by_resource = [r for r in by_action if wildcard(resource, r.resource)]
                if not by_resource:
                    findings.append(f"{statement.policy}: {action} on {resource} is never used")
                    continue
                for operator, key, values in statement.conditions:
                    if operator == "Bool":
                        continue
                    like = operator.endswith("StringLike")
                    for value in values:
                        def uses(request, value=value, key=key, like=like):
                            seen = request.get(key)
                            seen = seen if isinstance(seen, tuple) else (() if seen is None else (seen,))
                            return any(wildcard(value, v) if like else value == v for v in seen)

                        if not any(uses(r) for r in by_resource):
                            findings.append(f"{statement.policy}: {action} on {resource} where {key} is {value} "
                                            "is never used")
    return findings


# --------------------------------------------------------------------- calls


def key_family(pk: str) -> str:
    """A partition key's family, as docs/data-model.md names them: `DOC#…` for
    keys with an id, the key itself for the fixed ones (`BUSINESS`)."""
    return pk.split("#", 1)[0] + "#…" if "#" in pk else pk


def dynamodb_requests(call: dict, table: str) -> list:
    operation = call["target"].split(".", 1)[1]
    body = json.loads(call["body"] or "{}")
    requests = []

    def item(action, table_name, key, why):
        pk = key["pk"]["S"]
        arn = table_arn(table)
        requests.append(Request(f"dynamodb:{action}", arn, (("dynamodb:LeadingKeys", (pk,)),), why=f"{why} {key_family(pk)}"))

    if operation in ("GetItem", "DeleteItem", "UpdateItem"):
        item(operation, body["TableName"], body["Key"], operation)
    elif operation == "PutItem":
        item("PutItem", body["TableName"], body["Item"], "PutItem")
    elif operation == "TransactWriteItems":
        kinds = {"Put": ("PutItem", "Item"), "Update": ("UpdateItem", "Key"), "Delete": ("DeleteItem", "Key"),
                 "ConditionCheck": ("ConditionCheckItem", "Key")}
        for entry in body["TransactItems"]:
            (kind, write), = entry.items()
            action, key_field = kinds[kind]
            item(action, write["TableName"], write[key_field], f"TransactWriteItems:{kind}")
    elif operation == "Query":
        values = body.get("ExpressionAttributeValues", {})
        names = body.get("ExpressionAttributeNames", {})
        match = re.match(r"\s*(#?\w+)\s*=\s*(:\w+)", body["KeyConditionExpression"])
        if not match:
            raise PolicyError(f"cannot read the partition key of {body['KeyConditionExpression']}")
        attribute = names.get(match.group(1), match.group(1))
        pk = values[match.group(2)]["S"]
        index = body.get("IndexName")
        if index:
            # Index queries are authorised on the index's ARN; the grant for
            # them is per index and read-only (see docs/deploy.md).
            requests.append(Request("dynamodb:Query", f"{table_arn(table)}/index/{index}",
                                    why=f"Query {index} {key_family(pk)}"))
        else:
            assert attribute == "pk", attribute
            requests.append(Request("dynamodb:Query", table_arn(table), (("dynamodb:LeadingKeys", (pk,)),),
                                    why=f"Query {key_family(pk)}"))
    else:
        raise PolicyError(f"DynamoDB {operation} has no rule here: add one")
    return requests


def s3_requests(call: dict, bucket: str) -> list:
    url = urllib.parse.urlsplit(call["uri"])
    path = urllib.parse.unquote(url.path).lstrip("/")
    _, _, key = path.partition("/")  # path-style: /{bucket}/{key}
    prefix = key.split("/", 1)[0] + "/" if "/" in key else key
    object_arn = f"arn:{PARTITION}:s3:::{bucket}/{key}"
    presigned = "X-Amz-Signature" in url.query
    method = call["method"]
    if method == "HEAD":
        # HeadObject needs GetObject; telling a missing key (404) from a
        # forbidden one (403) also needs ListBucket on the bucket.
        return [
            Request("s3:GetObject", object_arn, why=f"HeadObject {prefix}"),
            Request("s3:ListBucket", f"arn:{PARTITION}:s3:::{bucket}", why=f"HeadObject {prefix} (404 when missing)"),
        ]
    if method == "GET":
        why = "presigned GetObject" if presigned else "GetObject"
        return [Request("s3:GetObject", object_arn, why=f"{why} {prefix}")]
    if method == "PUT":
        return [Request("s3:PutObject", object_arn, why=f"PutObject {prefix}")]
    raise PolicyError(f"S3 {method} has no rule here: add one")


def ses_requests(call: dict, sender: str, configuration_set: str | None) -> list:
    form = urllib.parse.parse_qs(call["body"] or "")
    action = form["Action"][0]
    # The code always sends from PORTAL_MAIL_FROM: the stage's sender in AWS.
    context = (("ses:FromAddress", sender),)
    requests = [Request(f"ses:{action}", f"arn:{PARTITION}:ses:{REGION}:{ACCOUNT}:identity/{sender}", context,
                        why=action)]
    if "ConfigurationSetName" in form:
        if configuration_set is None:
            raise PolicyError("mail was sent with a configuration set the template does not define")
        requests.append(Request(f"ses:{action}",
                                f"arn:{PARTITION}:ses:{REGION}:{ACCOUNT}:configuration-set/{configuration_set}",
                                context, why=f"{action} (configuration set)"))
    return requests


# ------------------------------------------------------------------ template


@dataclass
class Function:
    logical_id: str
    package: str  # the crate the code is, e.g. portal-login
    statements: list
    managed: list
    environment: dict
    requests: list = field(default_factory=list)
    secrets_used: set = field(default_factory=set)


def load_functions(template: dict, resolver: Resolver, source: dict) -> dict:
    """Functions by package name, with their role's inline statements."""
    functions = {}
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        binary = source["Resources"][logical_id]["Metadata"]["BuildProperties"]["Binary"]
        role_ref = resource["Properties"]["Role"]
        role_id = role_ref["Fn::GetAtt"][0] if isinstance(role_ref["Fn::GetAtt"], list) else role_ref["Fn::GetAtt"].split(".")[0]
        role = template["Resources"][role_id]["Properties"]
        statements = []
        for entry in role.get("Policies", []):
            policy = resolver.resolve(entry)  # a whole policy may sit under Fn::If
            if not policy:
                continue
            document = policy["PolicyDocument"]
            for raw in as_list(document["Statement"]):
                statements.append(Statement.parse(raw, f"{logical_id}/{policy['PolicyName']}"))
        environment = resolver.resolve(resource["Properties"].get("Environment", {})).get("Variables", {})
        managed = [str(resolver.resolve(arn)) for arn in role.get("ManagedPolicyArns", [])]
        functions[binary] = Function(logical_id, binary, statements, managed, environment)
    return functions


# What SAM attaches for the Lambda platform (not the code): logs, tracing, and
# the stream poller of a function with a DynamoDB event. Anything else is a
# grant this check cannot see into, so it is refused.
PLATFORM_MANAGED_POLICIES = {
    "service-role/AWSLambdaBasicExecutionRole",
    "AWSXrayWriteOnlyAccess",
    "service-role/AWSLambdaDynamoDBExecutionRole",
}


def outside_grants(template: dict, functions: dict) -> list:
    """Grants to a function's role that are not its inline policies."""
    roles = {}
    for function in functions.values():
        role = template["Resources"][function.logical_id]["Properties"]["Role"]["Fn::GetAtt"]
        roles[role[0] if isinstance(role, list) else role.split(".")[0]] = function.logical_id
    findings = []
    for name, resource in template["Resources"].items():
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy"):
            properties = resource.get("Properties", {})
            named = json.dumps(properties.get("Roles", [])) + json.dumps(properties.get("RoleName", ""))
            for role, function in roles.items():
                if f'"{role}"' in named:
                    findings.append(f"{function}: {name} ({resource['Type']}) grants its role more than its inline policies")
    for function in functions.values():
        for arn in function.managed:
            if arn.split(":policy/", 1)[-1] not in PLATFORM_MANAGED_POLICIES:
                findings.append(f"{function.logical_id}: managed policy {arn} is not one the platform needs")
    return findings


def platform_requests(function: Function, template: dict, resolver: Resolver) -> list:
    """What the Lambda platform does with the function's role, beyond its code:
    the stream's on-failure destination is sent to with the function's role."""
    requests = []
    for event in template["Resources"].values():
        if event["Type"] != "AWS::Lambda::EventSourceMapping":
            continue
        properties = event["Properties"]
        # SAM points the mapping at the function or at its alias (`<Function>Alias<name>`).
        target = json.dumps(properties.get("FunctionName"))
        if not re.search(rf'"{re.escape(function.logical_id)}(Alias\w*)?"', target):
            continue
        destination = properties.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
        if destination:
            arn = resolver.resolve(destination)
            requests.append(Request("sqs:SendMessage", arn, why="stream records that exhaust their retries"))
    return requests


def secret_requests(function: Function, resolver: Resolver) -> list:
    requests = []
    for secret in sorted(function.secrets_used):
        _, parameter = SECRET_PARAMETERS[secret]
        name = resolver.values.get(parameter, "")
        requests.append(Request("ssm:GetParameters", f"arn:{PARTITION}:ssm:{REGION}:{ACCOUNT}:parameter/{name}",
                                why=f"the {secret} secret, read once at cold start"))
    return requests


def check_secrets(function: Function, resolver: Resolver) -> list:
    findings = []
    for secret, (variable, parameter) in SECRET_PARAMETERS.items():
        named = function.environment.get(variable)
        used = secret in function.secrets_used
        if used and not named:
            findings.append(f"{function.logical_id} uses the {secret} secret but its environment has no {variable}")
        if named and not used:
            findings.append(f"{function.logical_id} reads the {secret} secret ({variable}) but never uses it")
        if named and named != "/" + str(resolver.values.get(parameter, "")):
            findings.append(f"{function.logical_id}: {variable} is {named}, not the {parameter} parameter")
    return findings


# ---------------------------------------------------------------------- main


def analyse(template: dict, source: dict, parameters: dict, calls: list):
    resolver = Resolver(template, parameters)
    functions = load_functions(template, resolver, source)
    table, bucket = "PortalTable", "DocumentBucket"
    sender = resolver.values["SenderAddress"]
    configuration_set = next((n for n, r in template["Resources"].items()
                              if r["Type"] == "AWS::SES::ConfigurationSet"), None)
    unknown = set()
    for call in calls:
        package = call.get("function")
        if package is None:
            continue  # the test's own set-up, not a function
        function = functions.get(package)
        if function is None:
            unknown.add(package)
            continue
        if "secret" in call:
            function.secrets_used.add(call["secret"])
        elif call["service"] == "dynamodb":
            function.requests += dynamodb_requests(call, table)
        elif call["service"] == "s3":
            function.requests += s3_requests(call, bucket)
        elif call["service"] == "ses":
            function.requests += ses_requests(call, sender, configuration_set)
        else:
            raise PolicyError(f"service {call['service']} has no rule here: add one")
    findings = [f"calls recorded for {p}, which is no function of the template" for p in sorted(unknown)]
    findings += outside_grants(template, functions)
    for function in functions.values():
        function.requests += secret_requests(function, resolver) + platform_requests(function, template, resolver)
        distinct = sorted(set(function.requests), key=lambda r: (r.action, r.resource, r.context))
        for request in distinct:
            if not allowed(function.statements, request):
                findings.append(f"{function.logical_id} is denied {request.action} on {request.resource}"
                                f"{' ' + str(dict(request.context)) if request.context else ''} ({request.why})")
        findings += [f"{function.logical_id}: {f.split(': ', 1)[1]}" for f in unused_grants(function.statements, distinct)]
        findings += check_secrets(function, resolver)
    return functions, list(dict.fromkeys(findings))


def docs_table(functions: dict) -> str:
    lines = [DOCS_BEGIN, ""]
    for package in sorted(functions):
        function = functions[package]
        lines.append(f"### {function.logical_id} (`{package}`)")
        lines.append("")
        lines.append("| may | on | because it does |")
        lines.append("|---|---|---|")
        for statement in function.statements:
            served = [r for r in set(function.requests) if statement.applies(r)]
            on = ", ".join(f"`{r.replace(f'arn:{PARTITION}:', '').replace(f'{REGION}:{ACCOUNT}:', '')}`"
                           for r in statement.resources)
            for operator, key, values in statement.conditions:
                on += f" where `{key}` is " + " or ".join(f"`{v}`" for v in values)
            why = ", ".join(sorted({r.why for r in served}))
            lines.append(f"| {', '.join(f'`{a}`' for a in statement.actions)} | {on} | {why} |")
        lines.append("")
        if function.managed:
            lines.append("Platform (managed policies): " + ", ".join(f"`{a.rsplit('/', 1)[-1]}`" for a in function.managed) + ".")
            lines.append("")
    lines.append(DOCS_END)
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", required=True, help="the transformed template (JSON)")
    parser.add_argument("--source", default="template.yaml", help="template.yaml (function packages)")
    parser.add_argument("--parameters", required=True, help="JSON object of the stage's parameter values")
    parser.add_argument("--calls", required=True, help="the call log (JSON lines)")
    parser.add_argument("--docs", help="docs/deploy.md")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check-docs", action="store_true")
    mode.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)

    import yaml  # PyYAML, from the deploy tools' venv

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    with open(args.source) as f:
        source = yaml.load(f, Loader=Loader)
    with open(args.template) as f:
        template = json.load(f)
    with open(args.parameters) as f:
        parameters = json.load(f)
    with open(args.calls) as f:
        calls = [json.loads(line) for line in f if line.strip()]
    if not any(c.get("function") for c in calls):
        print(f"iam_check: no function calls in {args.calls}: was PORTAL_AWS_CALL_LOG set for the AWS e2e run?")
        return 1
    functions, findings = analyse(template, source, parameters, calls)
    status = 0
    for finding in findings:
        print(f"FAIL {finding}")
        status = 1
    if args.docs:
        with open(args.docs) as f:
            text = f.read()
        if DOCS_BEGIN not in text or DOCS_END not in text:
            print(f"FAIL {args.docs} has no generated permissions section ({DOCS_BEGIN!r} ... {DOCS_END!r})")
            return 1
        start, end = text.index(DOCS_BEGIN), text.index(DOCS_END) + len(DOCS_END)
        generated = text[:start] + docs_table(functions) + text[end:]
        if args.write_docs:
            with open(args.docs, "w") as f:
                f.write(generated)
        elif args.check_docs and generated != text:
            print(f"FAIL {args.docs} is out of date: run infra/scripts/iam-check.sh --write-docs")
            status = 1
    if status == 0:
        counted = sum(len(set(f.requests)) for f in functions.values())
        print(f"iam_check: {len(functions)} functions, {counted} distinct authorisations, every one allowed, "
              f"no grant unused")
    return status


if __name__ == "__main__":
    sys.exit(main())
