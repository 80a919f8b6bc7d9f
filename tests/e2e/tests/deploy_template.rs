//! What `template.yaml` promises the operator of a deployment, checked against
//! the code it deploys: every function outlives the clients it waits on and
//! answers before API Gateway gives up; every release goes out gradually and
//! rolls back on its own function's errors; logs land where their retention
//! applies; the data outlives the stack; the access log never records a path.

use serde_norway::{Mapping, Value};
use std::collections::BTreeMap;
use std::time::Duration;

/// An HTTP API stops waiting for a Lambda integration after 30 s and answers
/// with its own bare error instead of the portal's page.
const HTTP_API_INTEGRATION_LIMIT: Duration = Duration::from_secs(30);
/// What Lambda applies to a function that sets no timeout.
const LAMBDA_DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

struct Template(Value);

/// One `AWS::Serverless::Function` with the `Globals` SAM merges into it.
struct Function<'a> {
    logical_id: &'a str,
    binary: &'a str,
    properties: &'a Value,
    globals: &'a Value,
}

impl Template {
    fn load() -> Template {
        let text = std::fs::read_to_string(portal_e2e::template_path()).expect("template.yaml");
        Template(serde_norway::from_str(&text).expect("template.yaml parses"))
    }

    fn resources(&self) -> &Mapping {
        self.0["Resources"].as_mapping().expect("Resources")
    }

    fn resource(&self, logical_id: &str) -> &Value {
        self.resources().get(logical_id).unwrap_or_else(|| panic!("no resource {logical_id}"))
    }

    fn of_type<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = (&'a str, &'a Value)> + 'a {
        self.resources()
            .iter()
            .filter(move |(_, r)| r["Type"].as_str() == Some(kind))
            .map(|(id, r)| (id.as_str().expect("logical ids are strings"), r))
    }

    fn functions(&self) -> Vec<Function<'_>> {
        let functions: Vec<Function<'_>> = self
            .of_type("AWS::Serverless::Function")
            .map(|(logical_id, resource)| Function {
                logical_id,
                binary: resource["Metadata"]["BuildProperties"]["Binary"].as_str().expect("Binary"),
                properties: &resource["Properties"],
                globals: &self.0["Globals"]["Function"],
            })
            .collect();
        assert!(!functions.is_empty(), "the template declares functions");
        functions
    }
}

impl<'t> Function<'t> {
    /// A property as SAM resolves it: the function's own, else the global one
    /// (maps merge, so a nested key is looked up the same way).
    fn property(&self, path: &[&str]) -> Option<&'t Value> {
        at(self.properties, path).or_else(|| at(self.globals, path))
    }

    /// A list property as SAM merges it: the global entries, then the function's.
    fn merged_list(&self, path: &[&str]) -> Vec<&'t Value> {
        [self.globals, self.properties].into_iter().filter_map(|v| at(v, path)?.as_sequence()).flatten().collect()
    }

    fn timeout(&self) -> Duration {
        self.property(&["Timeout"])
            .map(|t| Duration::from_secs(t.as_u64().expect("Timeout is whole seconds")))
            .unwrap_or(LAMBDA_DEFAULT_TIMEOUT)
    }

    fn has_environment_variable(&self, name: &str) -> bool {
        [self.globals, self.properties].iter().any(|p| p["Environment"]["Variables"].get(name).is_some())
    }

    fn is_http_routed(&self) -> bool {
        self.properties["Events"]
            .as_mapping()
            .is_some_and(|events| events.values().any(|e| e["Type"].as_str() == Some("HttpApi")))
    }
}

fn at<'v>(mut value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    for key in path {
        value = value.get(key)?;
    }
    Some(value)
}

/// The logical id a `!Ref X` (or `{Ref: X}`) names.
fn reference(value: &Value) -> Option<&str> {
    match value {
        Value::Tagged(tagged) if tagged.tag == "Ref" => tagged.value.as_str(),
        Value::Mapping(map) => map.get("Ref").and_then(Value::as_str),
        _ => None,
    }
}

/// Whether `alarm` (a CloudWatch alarm resource) watches `metric` of the
/// function `function_id` and notifies the alarm topic.
fn watches_function(alarm: &Value, metric: &str, function_id: &str) -> bool {
    let properties = &alarm["Properties"];
    let dimensions = properties["Dimensions"].as_sequence().map(Vec::as_slice).unwrap_or_default();
    properties["Namespace"].as_str() == Some("AWS/Lambda")
        && properties["MetricName"].as_str() == Some(metric)
        && dimensions
            .iter()
            .any(|d| d["Name"].as_str() == Some("FunctionName") && reference(&d["Value"]) == Some(function_id))
        && notifies_operator(alarm)
}

fn notifies_operator(alarm: &Value) -> bool {
    alarm["Properties"]["AlarmActions"]
        .as_sequence()
        .is_some_and(|actions| actions.iter().any(|a| reference(a) == Some("AlarmTopic")))
}

fn assert_no_problems(what: &str, problems: &[String]) {
    assert!(problems.is_empty(), "{what}:\n  {}", problems.join("\n  "));
}

#[test]
fn every_function_outlives_the_clients_it_waits_on_and_answers_before_api_gateway_gives_up() {
    let sdk = portal_aws::clients::timeouts().operation_timeout().expect("SDK calls have an overall timeout");
    let stripe = portal_payments::stripe::REQUEST_TIMEOUT;
    // A function given the Stripe key (directly or by SSM parameter name) calls Stripe.
    let stripe_key = portal_web::config::ENV_STRIPE_SECRET_KEY;
    let stripe_key_parameter = format!("{stripe_key}_PARAMETER");
    let mut problems = Vec::new();
    let mut calling_stripe = Vec::new();
    let template = Template::load();
    for function in template.functions() {
        let (name, timeout) = (function.binary, function.timeout());
        // Every function reads its secrets and data through the AWS SDK.
        if timeout <= sdk {
            problems.push(format!("{name}: timeout {timeout:?} is not above the AWS SDK's {sdk:?} per call"));
        }
        if function.has_environment_variable(stripe_key) || function.has_environment_variable(&stripe_key_parameter) {
            calling_stripe.push(name);
            if timeout <= stripe {
                problems.push(format!("{name}: timeout {timeout:?} is not above the Stripe client's {stripe:?}"));
            }
        }
        if function.is_http_routed() && timeout >= HTTP_API_INTEGRATION_LIMIT {
            problems.push(format!(
                "{name}: timeout {timeout:?} reaches API Gateway's {HTTP_API_INTEGRATION_LIMIT:?} integration limit"
            ));
        }
    }
    assert_no_problems("function timeouts", &problems);
    assert!(
        calling_stripe.contains(&"portal-invoice-pay"),
        "the pay function holds the Stripe key: {calling_stripe:?}"
    );
}

#[test]
fn every_function_is_released_gradually_and_rolled_back_by_its_own_errors() {
    let template = Template::load();
    let api_errors = template.resource("ApiServerErrorsAlarm");
    assert!(notifies_operator(api_errors), "the API's 5xx alarm notifies the alarm topic");
    let mut problems = Vec::new();
    for function in template.functions() {
        let name = function.binary;
        if function.property(&["AutoPublishAlias"]).and_then(Value::as_str).is_none_or(str::is_empty) {
            problems.push(format!("{name}: no AutoPublishAlias, so a release replaces the code at once"));
        }
        let deployment_type = function.property(&["DeploymentPreference", "Type"]).and_then(Value::as_str);
        if deployment_type.is_none_or(|t| t == "AllAtOnce") {
            problems.push(format!("{name}: deployment {deployment_type:?} is not gradual"));
        }
        let rollback_alarms: Vec<&str> =
            function.merged_list(&["DeploymentPreference", "Alarms"]).into_iter().filter_map(reference).collect();
        if !rollback_alarms.contains(&"ApiServerErrorsAlarm") {
            problems.push(format!("{name}: the API's 5xx alarm does not roll its release back"));
        }
        if !rollback_alarms
            .iter()
            .any(|alarm| watches_function(template.resource(alarm), "Errors", function.logical_id))
        {
            problems.push(format!("{name}: no alarm on its own Errors rolls its release back"));
        }
        if !template
            .of_type("AWS::CloudWatch::Alarm")
            .any(|(_, a)| watches_function(a, "Throttles", function.logical_id))
        {
            problems.push(format!("{name}: no alarm tells the operator it is throttled"));
        }
    }
    assert_no_problems("releases and their alarms", &problems);
}

#[test]
fn every_function_logs_to_its_own_group_where_a_retention_applies() {
    let template = Template::load();
    let mut writers: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut problems = Vec::new();
    for function in template.functions() {
        let Some(group) = function.properties["LoggingConfig"].get("LogGroup").and_then(reference) else {
            problems.push(format!("{}: LoggingConfig names no log group of the template", function.binary));
            continue;
        };
        let resource = template.resource(group);
        if resource["Type"].as_str() != Some("AWS::Logs::LogGroup")
            || resource["Properties"]["RetentionInDays"].is_null()
        {
            problems.push(format!("{}: {group} is not a log group with a retention", function.binary));
        }
        writers.entry(group).or_default().push(function.binary);
    }
    problems.extend(
        writers.iter().filter(|(_, w)| w.len() > 1).map(|(group, w)| format!("{group} is shared by {}", w.join(", "))),
    );
    assert_no_problems("function log groups", &problems);
}

#[test]
fn the_data_outlives_the_stack_and_travels_only_over_tls() {
    let template = Template::load();
    let mut problems = Vec::new();
    let stateful = ["AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::SQS::Queue"];
    for (id, resource) in stateful.iter().flat_map(|kind| template.of_type(kind)) {
        for policy in ["DeletionPolicy", "UpdateReplacePolicy"] {
            if resource[policy].as_str() != Some("Retain") {
                problems.push(format!("{id}: {policy} is not Retain, so deleting or replacing it loses its data"));
            }
        }
    }
    let table = template.resource(portal_aws::provision::TABLE_RESOURCE);
    if table["Properties"]["DeletionProtectionEnabled"].as_bool() != Some(true) {
        problems.push("the table can be deleted by an API call (no DeletionProtectionEnabled)".to_string());
    }
    for (bucket, _) in template.of_type("AWS::S3::Bucket") {
        let denies_plain_http = template.of_type("AWS::S3::BucketPolicy").any(|(_, policy)| {
            let properties = &policy["Properties"];
            reference(&properties["Bucket"]) == Some(bucket)
                && properties["PolicyDocument"]["Statement"].as_sequence().is_some_and(|statements| {
                    statements.iter().any(|s| {
                        s["Effect"].as_str() == Some("Deny")
                            && s["Principal"].as_str() == Some("*")
                            && s["Action"].as_str() == Some("s3:*")
                            && s["Condition"]["Bool"]["aws:SecureTransport"].as_str() == Some("false")
                            && s["Resource"].as_sequence().is_some_and(|r| r.len() == 2)
                    })
                })
        });
        if !denies_plain_http {
            problems.push(format!("{bucket}: no bucket policy denies requests without TLS on it and its objects"));
        }
    }
    assert_no_problems("data retention", &problems);
}

/// The `$context` variables of an access log format, and the format with each
/// replaced by a number (so the result must be JSON).
fn access_log_variables(format: &str) -> (Vec<&str>, String) {
    let mut variables = Vec::new();
    let mut rendered = String::new();
    let mut rest = format;
    while let Some(start) = rest.find("$context.") {
        rendered.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after[1..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '.')).map_or(after.len(), |e| e + 1);
        variables.push(&after[..end]);
        rendered.push('0');
        rest = &after[end..];
    }
    rendered.push_str(rest);
    (variables, rendered)
}

#[test]
fn the_access_log_is_json_with_the_route_template_and_never_a_path() {
    let template = Template::load();
    let (_, api) = template.of_type("AWS::Serverless::HttpApi").next().expect("the HTTP API");
    let format = api["Properties"]["AccessLogSettings"]["Format"].as_str().expect("the API writes an access log");
    let (variables, rendered) = access_log_variables(format);
    let line: serde_json::Value = serde_json::from_str(&rendered).expect("each access log line is JSON");
    assert!(line.is_object(), "{rendered}");
    for wanted in [
        "$context.requestId",
        "$context.routeKey",
        "$context.status",
        "$context.responseLatency",
        "$context.integrationLatency",
        "$context.integrationErrorMessage",
    ] {
        assert!(variables.contains(&wanted), "the access log records {wanted}: {format}");
    }
    // Share links carry their token in the path (/links/{token}).
    let paths: Vec<&&str> = variables.iter().filter(|v| v.to_ascii_lowercase().contains("path")).collect();
    assert!(paths.is_empty(), "the access log records request paths: {paths:?}");
}

#[test]
fn access_log_variables_are_found_wherever_they_sit() {
    let (variables, rendered) =
        access_log_variables(r#"{"a":"$context.requestId","s":$context.status,"p":"x$context.path"}"#);
    assert_eq!(variables, ["$context.requestId", "$context.status", "$context.path"]);
    assert_eq!(rendered, r#"{"a":"0","s":0,"p":"x0"}"#);
}

#[test]
fn a_template_function_inherits_globals_and_overrides_them() {
    let template: Value = serde_norway::from_str(
        "Globals: {Function: {Timeout: 20, DeploymentPreference: {Type: Linear10PercentEvery1Minute, Alarms: [!Ref Api]}}}\n\
         Resources:\n  F: {Type: AWS::Serverless::Function, Properties: {Timeout: 25, DeploymentPreference: {Alarms: [!Ref Own]}}}\n  \
         G: {Type: AWS::Serverless::Function, Properties: {}}\n",
    )
    .expect("yaml");
    let function = |id: &str| Function {
        logical_id: "",
        binary: "",
        properties: &template["Resources"][id]["Properties"],
        globals: &template["Globals"]["Function"],
    };
    assert_eq!(function("F").timeout(), Duration::from_secs(25));
    assert_eq!(function("G").timeout(), Duration::from_secs(20));
    let deployment_type = function("F").property(&["DeploymentPreference", "Type"]).and_then(Value::as_str);
    assert_eq!(deployment_type, Some("Linear10PercentEvery1Minute"));
    let alarms: Vec<&str> =
        function("F").merged_list(&["DeploymentPreference", "Alarms"]).into_iter().filter_map(reference).collect();
    assert_eq!(alarms, ["Api", "Own"]);
    assert!(!function("G").is_http_routed());
}
