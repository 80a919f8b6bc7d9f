"""Runs the SAM transform on template.yaml the way CloudFormation does at
deploy time, offline, for every stage in samconfig.toml and for each optional
feature on and off (custom domain, Stripe), and checks the template's Rules
against the same parameters.

`cfn-lint` and `sam validate --lint` read the template without transforming
it, so a template SAM cannot expand (an `!If` inside the HttpApi `Domain`
property, say) passes them and then fails at changeset creation. This runs the
samtranslator library that `sam validate` and CloudFormation's transform use.

Writes each transformed template as JSON to $PORTAL_TRANSFORMED_DIR (default
target/transformed-templates/), named <stage>-<domain|nodomain>-<stripe|nostripe>.json,
plus all-features.json (the prod stage, or the first, with every feature on),
for cfn-lint and the IAM tests to read, and beside them in parameters/ the
parameter values each was transformed with: the transform leaves Conditions,
Fn::If and most Refs for CloudFormation to resolve with those values. Exits
non-zero, naming the variant, on any transform error or rule that refuses a
stage's parameters.

Run with the tools venv's interpreter: `$(infra/scripts/tools-venv.sh)/python infra/scripts/transform-template.py`.
"""

import copy
import itertools
import json
import logging
import os
import shlex
import sys
import tomllib
from pathlib import Path

from samcli.yamlhelper import yaml_parse
from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
SAMCONFIG = ROOT / "samconfig.toml"
# The transform needs an S3 location for code; `sam deploy` puts the built
# zips there. Any well-formed URI transforms the same way.
PLACEHOLDER_CODE_URI = "s3://portal-transform-check/code.zip"
PLACEHOLDER_ACCOUNT = "123456789012"
ALL_FEATURES_STAGE = "prod"


class UnknownManagedPolicy(Exception):
    pass


class OfflinePolicyLoader:
    """Answers the transform's request for the account's managed policy list.

    SAM resolves the managed policies it attaches itself (basic execution,
    X-Ray, DynamoDB stream polling, CodeDeploy) from a map bundled with it and
    asks this loader only for a policy name it does not know. Online, that is
    an IAM ListPolicies call; offline there is no answer, and guessing would
    let SAM pass the bare name through to a deploy that then fails. So an
    unknown name fails here: name the policy by its ARN in the template.
    """

    def load(self):
        raise UnknownManagedPolicy(
            "a Policies entry names an AWS managed policy SAM's bundled map does not know "
            "(the transform would look it up in IAM); give its full ARN instead"
        )


def stage_parameters(config):
    """Each stage's (region, stack name, parameter overrides) from samconfig.toml."""
    default_region = config.get("default", {}).get("global", {}).get("parameters", {}).get("region")
    stages = {}
    for name, env in config.items():
        if not isinstance(env, dict):
            continue
        deploy = env.get("deploy", {}).get("parameters", {})
        if "stack_name" not in deploy:
            continue
        overrides = deploy.get("parameter_overrides", [])
        items = overrides if isinstance(overrides, list) else shlex.split(overrides)
        parameters = {}
        for item in items:
            key, separator, value = item.partition("=")
            if not separator:
                raise SystemExit(f"samconfig.toml [{name}]: parameter override {item!r} is not KEY=VALUE")
            parameters[key] = value.strip('"')
        region = deploy.get("region") or env.get("global", {}).get("parameters", {}).get("region") or default_region
        if not region:
            raise SystemExit(f"samconfig.toml [{name}]: no region")
        stages[name] = (region, deploy["stack_name"], parameters)
    if not stages:
        raise SystemExit("samconfig.toml names no stage (an environment with deploy.parameters.stack_name)")
    return stages


def check_parameters_known(template, stage, parameters):
    """CloudFormation refuses an override the template does not declare, and a
    stack without a value for a parameter that has no default."""
    declared = template.get("Parameters", {})
    unknown = sorted(set(parameters) - set(declared))
    missing = sorted(name for name, spec in declared.items() if "Default" not in spec and name not in parameters)
    problems = []
    if unknown:
        problems.append(f"stage {stage}: samconfig.toml sets parameters the template does not declare: {unknown}")
    if missing:
        problems.append(f"stage {stage}: samconfig.toml gives no value for required parameters: {missing}")
    return problems


def with_defaults(template, parameters):
    values = {name: spec["Default"] for name, spec in template.get("Parameters", {}).items() if "Default" in spec}
    values.update(parameters)
    return values


def feature_variants(stage, region, parameters):
    """The stage's parameters with the custom domain and Stripe each on and off.
    Where the stage itself leaves a feature off, stand-in values turn it on."""
    domain_on = {
        "DomainName": parameters.get("DomainName") or f"portal-{stage}.example.test",
        "CertificateArn": parameters.get("CertificateArn")
        or f"arn:aws:acm:{region}:{PLACEHOLDER_ACCOUNT}:certificate/00000000-0000-0000-0000-000000000000",
    }
    stripe_on = {
        "StripeSecretKeyParameterName": parameters.get("StripeSecretKeyParameterName")
        or f"portal/{stage}/stripe-secret-key",
        "StripeWebhookSecretsParameterName": parameters.get("StripeWebhookSecretsParameterName")
        or f"portal/{stage}/stripe-webhook-secrets",
    }
    for domain, stripe in itertools.product([True, False], [True, False]):
        values = dict(parameters)
        values.update(domain_on if domain else dict.fromkeys(domain_on, ""))
        values.update(stripe_on if stripe else dict.fromkeys(stripe_on, ""))
        name = f"{stage}-{'domain' if domain else 'nodomain'}-{'stripe' if stripe else 'nostripe'}"
        yield name, domain and stripe, values


def rule_value(expression, parameters):
    """Evaluates the rule-specific intrinsics the template's Rules use."""
    if not isinstance(expression, dict):
        return expression
    (function, argument), *rest = expression.items()
    if rest:
        raise ValueError(f"not one intrinsic function: {expression}")
    if function == "Ref":
        return parameters[argument]
    if function == "Fn::Equals":
        left, right = (rule_value(a, parameters) for a in argument)
        return left == right
    if function == "Fn::Not":
        return not rule_value(argument[0], parameters)
    if function == "Fn::And":
        return all(rule_value(a, parameters) for a in argument)
    if function == "Fn::Or":
        return any(rule_value(a, parameters) for a in argument)
    if function == "Fn::Contains":
        values, value = argument
        return rule_value(value, parameters) in [rule_value(v, parameters) for v in values]
    raise ValueError(f"rule function {function} is not evaluated by this check")


def refusals(template, parameters):
    """The AssertDescription of every rule assertion the parameters fail."""
    failed = []
    for name, rule in template.get("Rules", {}).items():
        if "RuleCondition" in rule and not rule_value(rule["RuleCondition"], parameters):
            continue
        for assertion in rule["Assertions"]:
            if not rule_value(assertion["Assert"], parameters):
                failed.append(f"{name}: {assertion.get('AssertDescription', 'assertion failed')}")
    return failed


def check_rules_refuse_inconsistent(template, parameters):
    """Each half-configured feature must be refused by some rule before any
    resource is created, not discovered by a function at its first request."""
    half_configured = {
        "DomainName without CertificateArn": {"DomainName": "portal.example.test", "CertificateArn": ""},
        "CertificateArn without DomainName": {"DomainName": "", "CertificateArn": "arn:aws:acm:::certificate/x"},
        "a Stripe key without webhook secrets": {
            "StripeSecretKeyParameterName": "portal/x/stripe-secret-key",
            "StripeWebhookSecretsParameterName": "",
        },
        "webhook secrets without a Stripe key": {
            "StripeSecretKeyParameterName": "",
            "StripeWebhookSecretsParameterName": "portal/x/stripe-webhook-secrets",
        },
    }
    problems = []
    for description, change in half_configured.items():
        values = dict(parameters)
        values.update(change)
        if not refusals(template, values):
            problems.append(f"no rule refuses {description}")
    return problems


def transformed(template, region, parameters):
    document = copy.deepcopy(template)
    for resource in document.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::Function":
            resource.setdefault("Properties", {})["CodeUri"] = PLACEHOLDER_CODE_URI
    # samtranslator takes the region (and from it the partition) from a boto3
    # session, which reads this variable; each stage may deploy elsewhere.
    os.environ["AWS_DEFAULT_REGION"] = region
    values = dict(parameters)
    values["AWS::Region"] = region
    return transform(document, values, OfflinePolicyLoader())


def main():
    # Offline, samtranslator warns about usage metrics it has nowhere to
    # publish and about its feature toggles (absent: the defaults apply).
    for noise in ("samtranslator.metrics", "samtranslator.feature_toggle"):
        logging.getLogger(noise).setLevel(logging.ERROR)
    out_dir = Path(os.environ.get("PORTAL_TRANSFORMED_DIR") or ROOT / "target" / "transformed-templates")
    parameters_dir = out_dir / "parameters"
    parameters_dir.mkdir(parents=True, exist_ok=True)
    for stale in [*out_dir.glob("*.json"), *parameters_dir.glob("*.json")]:
        stale.unlink()
    template = yaml_parse(TEMPLATE.read_text(encoding="utf-8"))
    with SAMCONFIG.open("rb") as config_file:
        stages = stage_parameters(tomllib.load(config_file))

    problems = []
    all_features_stage = ALL_FEATURES_STAGE if ALL_FEATURES_STAGE in stages else next(iter(stages))
    written = 0
    for stage, (region, _stack, parameters) in stages.items():
        problems += check_parameters_known(template, stage, parameters)
        problems += [f"stage {stage} as configured: {r}" for r in refusals(template, with_defaults(template, parameters))]
        for variant, all_features, values in feature_variants(stage, region, parameters):
            values = with_defaults(template, values)
            problems += [f"{variant}: {r}" for r in refusals(template, values)]
            try:
                result = transformed(template, region, values)
            except InvalidDocumentException as error:
                causes = "\n".join(f"    {cause.message}" for cause in error.causes)
                problems.append(f"{variant}: the SAM transform fails:\n{causes}")
                continue
            except UnknownManagedPolicy as error:
                problems.append(f"{variant}: {error}")
                continue
            rendered = json.dumps(result, indent=1, sort_keys=True)
            used = json.dumps({**values, "AWS::Region": region}, indent=1, sort_keys=True)
            names = [variant, "all-features"] if all_features and stage == all_features_stage else [variant]
            for name in names:
                (out_dir / f"{name}.json").write_text(rendered, encoding="utf-8")
                (parameters_dir / f"{name}.json").write_text(used, encoding="utf-8")
            written += 1
    problems += check_rules_refuse_inconsistent(template, with_defaults(template, stages[all_features_stage][2]))

    if problems:
        print("template.yaml does not deploy as configured:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        sys.exit(1)
    print(f"SAM transform: {written} variants of {len(stages)} stages transformed into {out_dir}")


if __name__ == "__main__":
    main()
