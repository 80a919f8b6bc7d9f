#!/usr/bin/env python3
"""Unit tests of iam_check.py's policy evaluator and call readers.

    .venv-tools/bin/python -m unittest infra/scripts/iam_check_test.py
"""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import iam_check  # noqa: E402
from iam_check import PolicyError, Request, Resolver, Statement, allowed, unused_grants, wildcard  # noqa: E402

TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/PortalTable"


def statement(**raw):
    raw.setdefault("Effect", "Allow")
    return Statement.parse(raw, "TestPolicy")


def item(action, pk, resource=TABLE):
    return Request(action, resource, (("dynamodb:LeadingKeys", (pk,)),))


class Wildcards(unittest.TestCase):
    def test_star_and_question_mark_and_nothing_else(self):
        self.assertTrue(wildcard("arn:aws:s3:::b/pdf/*", "arn:aws:s3:::b/pdf/d1/v3.pdf"))
        self.assertFalse(wildcard("arn:aws:s3:::b/pdf/*", "arn:aws:s3:::b/catalog/p.png"))
        self.assertTrue(wildcard("DOC#?", "DOC#1"))
        self.assertFalse(wildcard("DOC#?", "DOC#12"))
        self.assertFalse(wildcard("a.c", "abc"), "a dot is a dot, not a regex")

    def test_actions_match_without_case_resources_with_case(self):
        self.assertTrue(allowed([statement(Action="DynamoDB:getitem", Resource=TABLE)], item("dynamodb:GetItem", "X")))
        self.assertFalse(allowed([statement(Action="dynamodb:GetItem", Resource=TABLE.lower())],
                                 Request("dynamodb:GetItem", TABLE)))


class Evaluation(unittest.TestCase):
    leading_keys = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["LOGIN#*", "ATTEMPTS#*"]}}

    def test_leading_keys_limit_the_items_a_function_touches(self):
        grant = statement(Action=["dynamodb:PutItem"], Resource=TABLE, Condition=self.leading_keys)
        self.assertTrue(allowed([grant], item("dynamodb:PutItem", "LOGIN#abc")))
        self.assertFalse(allowed([grant], item("dynamodb:PutItem", "DOC#d1")), "login cannot write documents")
        self.assertFalse(allowed([grant], item("dynamodb:DeleteItem", "LOGIN#abc")), "an action not granted")

    def test_for_all_values_holds_when_the_key_is_absent_as_in_iam(self):
        grant = statement(Action="dynamodb:Query", Resource=f"{TABLE}/index/*", Condition=self.leading_keys)
        self.assertTrue(allowed([grant], Request("dynamodb:Query", f"{TABLE}/index/gsi1")))

    def test_an_explicit_deny_wins_and_nothing_is_the_implicit_deny(self):
        allow = statement(Action="s3:*", Resource="arn:aws:s3:::b/*")
        deny = statement(Effect="Deny", Action="s3:PutObject", Resource="arn:aws:s3:::b/pdf/*")
        self.assertFalse(allowed([allow, deny], Request("s3:PutObject", "arn:aws:s3:::b/pdf/x.pdf")))
        self.assertTrue(allowed([allow, deny], Request("s3:GetObject", "arn:aws:s3:::b/pdf/x.pdf")))
        self.assertFalse(allowed([], Request("s3:GetObject", "arn:aws:s3:::b/pdf/x.pdf")))

    def test_string_equals_needs_the_key_present(self):
        grant = statement(Action="ses:SendRawEmail", Resource="*",
                          Condition={"StringEquals": {"ses:FromAddress": "portal@example.es"}})
        self.assertTrue(allowed([grant], Request("ses:SendRawEmail", "x", (("ses:FromAddress", "portal@example.es"),))))
        self.assertFalse(allowed([grant], Request("ses:SendRawEmail", "x", (("ses:FromAddress", "evil@example.es"),))))
        self.assertFalse(allowed([grant], Request("ses:SendRawEmail", "x")))

    def test_constructs_it_does_not_implement_are_errors_not_guesses(self):
        with self.assertRaises(PolicyError):
            statement(NotAction="s3:GetObject", Resource="*")
        with self.assertRaises(PolicyError):
            statement(Action="s3:GetObject", Resource="*", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})


class UnusedGrants(unittest.TestCase):
    def test_every_action_resource_and_key_prefix_must_serve_a_call(self):
        grant = statement(
            Action=["dynamodb:GetItem", "dynamodb:DeleteItem"],
            Resource=[TABLE, f"{TABLE}/index/*"],
            Condition={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["LOGIN#*", "STAFF#*"]}},
        )
        findings = unused_grants([grant], [item("dynamodb:GetItem", "LOGIN#a")])
        text = "\n".join(findings)
        self.assertIn("dynamodb:DeleteItem", text)
        self.assertIn(f"{TABLE}/index/*", text)
        self.assertIn("STAFF#*", text)
        self.assertIn("wider than any call", text, "index/* is refused outright")

    def test_a_merged_statement_grants_combinations_no_call_needs(self):
        # GetItem on CONTACT#… and PutItem on LOGIN#… are both used; merged,
        # the statement would also let the function write contacts.
        merged = statement(Action=["dynamodb:GetItem", "dynamodb:PutItem"], Resource=TABLE,
                           Condition={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["CONTACT#*", "LOGIN#*"]}})
        findings = unused_grants([merged], [item("dynamodb:GetItem", "CONTACT#c1"), item("dynamodb:PutItem", "LOGIN#a")])
        self.assertEqual(len(findings), 2, findings)
        self.assertTrue(any("dynamodb:PutItem" in f and "CONTACT#*" in f for f in findings), findings)

    def test_wildcards_are_too_broad_whatever_was_recorded(self):
        calls = [item("dynamodb:GetItem", "LOGIN#a"), Request("s3:GetObject", "arn:aws:s3:::b/pdf/x.pdf")]
        for grant in (
            statement(Action="*", Resource="*"),
            statement(Action="dynamodb:*", Resource=TABLE),
            statement(Action="dynamodb:GetItem", Resource=f"{TABLE}*"),
            statement(Action="dynamodb:GetItem", Resource=TABLE,
                      Condition={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["*"]}}),
        ):
            self.assertTrue(unused_grants([grant], calls), grant)
        # An S3 prefix is a wildcard by nature, and fine when used.
        self.assertEqual(unused_grants([statement(Action="s3:GetObject", Resource="arn:aws:s3:::b/pdf/*")], calls), [])

    def test_a_fully_used_grant_has_no_finding(self):
        grant = statement(Action="dynamodb:GetItem", Resource=TABLE,
                          Condition={"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["LOGIN#*"]}})
        self.assertEqual(unused_grants([grant], [item("dynamodb:GetItem", "LOGIN#a")]), [])


class Calls(unittest.TestCase):
    def test_a_transaction_is_authorised_item_by_item(self):
        body = {"TransactItems": [
            {"Put": {"TableName": "t", "Item": {"pk": {"S": "DOC#d1"}, "sk": {"S": "EVENT#1"}}}},
            {"Update": {"TableName": "t", "Key": {"pk": {"S": "DOC#d1"}, "sk": {"S": "DOCUMENT"}}}},
            {"ConditionCheck": {"TableName": "t", "Key": {"pk": {"S": "CONTACT#c1"}, "sk": {"S": "PROFILE"}}}},
        ]}
        call = {"target": "DynamoDB_20120810.TransactWriteItems", "body": json.dumps(body)}
        requests = iam_check.dynamodb_requests(call, "PortalTable")
        self.assertEqual([(r.action, r.get("dynamodb:LeadingKeys")) for r in requests], [
            ("dynamodb:PutItem", ("DOC#d1",)),
            ("dynamodb:UpdateItem", ("DOC#d1",)),
            ("dynamodb:ConditionCheckItem", ("CONTACT#c1",)),
        ])

    def test_a_query_names_its_partition_or_its_index(self):
        body = {"TableName": "t", "KeyConditionExpression": "#pk = :pk AND begins_with(#sk, :sk)",
                "ExpressionAttributeNames": {"#pk": "pk", "#sk": "sk"},
                "ExpressionAttributeValues": {":pk": {"S": "DOC#d1"}, ":sk": {"S": "EVENT#"}}}
        call = {"target": "DynamoDB_20120810.Query", "body": json.dumps(body)}
        (on_table,) = iam_check.dynamodb_requests(call, "PortalTable")
        self.assertEqual((on_table.resource, on_table.get("dynamodb:LeadingKeys")), (TABLE, ("DOC#d1",)))
        body.update(IndexName="gsi1", ExpressionAttributeNames={"#pk": "gsi1pk", "#sk": "gsi1sk"})
        (on_index,) = iam_check.dynamodb_requests({**call, "body": json.dumps(body)}, "PortalTable")
        self.assertEqual(on_index.resource, f"{TABLE}/index/gsi1")

    def test_head_object_needs_list_bucket_to_see_a_missing_key(self):
        call = {"method": "HEAD", "uri": "http://127.0.0.1:5000/e2e-bucket/pdf/d1/v3.pdf"}
        requests = iam_check.s3_requests(call, "DocumentBucket")
        self.assertEqual({(r.action, r.resource) for r in requests}, {
            ("s3:GetObject", "arn:aws:s3:::DocumentBucket/pdf/d1/v3.pdf"),
            ("s3:ListBucket", "arn:aws:s3:::DocumentBucket"),
        })

    def test_mail_with_a_configuration_set_is_authorised_on_both(self):
        call = {"body": "Action=SendRawEmail&Source=e2e%40x.es&ConfigurationSetName=MailConfigurationSet"}
        requests = iam_check.ses_requests(call, "portal@example.es", "MailConfigurationSet")
        self.assertEqual(sorted(r.resource.rsplit(":", 1)[1] for r in requests),
                         ["configuration-set/MailConfigurationSet", "identity/portal@example.es"])
        self.assertTrue(all(r.get("ses:FromAddress") == "portal@example.es" for r in requests))


class Intrinsics(unittest.TestCase):
    template = {
        "Parameters": {"Name": {"Type": "String", "Default": "portal/prod/secret-key"}, "Empty": {"Type": "String", "Default": ""}},
        "Conditions": {"HasEmpty": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Empty"}, ""]}]}},
        "Resources": {"PortalTable": {"Type": "AWS::DynamoDB::Table"}, "DocumentBucket": {"Type": "AWS::S3::Bucket"}},
    }

    def test_sub_ref_getatt_and_if_resolve_to_arns(self):
        resolver = Resolver(self.template, {})
        self.assertEqual(resolver.resolve({"Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/${Name}"}),
                         "arn:aws:ssm:eu-west-1:123456789012:parameter/portal/prod/secret-key")
        self.assertEqual(resolver.resolve({"Fn::Sub": "${PortalTable.Arn}/index/gsi1"}), f"{TABLE}/index/gsi1")
        self.assertEqual(resolver.resolve({"Fn::GetAtt": ["DocumentBucket", "Arn"]}), "arn:aws:s3:::DocumentBucket")
        self.assertEqual(resolver.resolve({"Fn::If": ["HasEmpty", "yes", {"Ref": "AWS::NoValue"}]}), None)
        self.assertEqual(resolver.resolve([{"Fn::If": ["HasEmpty", "yes", {"Ref": "AWS::NoValue"}]}, "b"]), ["b"])


if __name__ == "__main__":
    unittest.main()
