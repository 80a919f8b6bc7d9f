//! The AWS calls each function makes, recorded while the HTTP end-to-end suite
//! runs on the AWS backends, for the deploy test that holds every function's
//! IAM policy against them (`infra/scripts/iam_check.py`, docs/deploy.md).
//!
//! With `PORTAL_AWS_CALL_LOG=FILE`, every request an SDK client sends (each
//! attempt, presigned URLs included) is appended to FILE as one JSON line:
//! the function serving the request (from `portal_dev_server::serving_function`,
//! `null` for the test's own set-up), the service, method, URI, `X-Amz-Target`
//! and the body when it is text (DynamoDB and SES bodies; never S3 objects).
//! Secrets are not read through these clients here (the test app is built
//! with its secrets in hand): the SSM read each function makes at cold start
//! is derived from the secrets it uses. Every secret a function uses is recorded the same way
//! (`"secret": "portal" | "staff" | "stripe-api-key" | "stripe-webhook"`),
//! from `portal_web::tokens::observe_secret_use`.

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use portal_web::tokens::SecretUse;
use serde_json::json;
use std::fs::File;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

/// Names the file calls are recorded to; unset, nothing is recorded.
pub const ENV_AWS_CALL_LOG: &str = "PORTAL_AWS_CALL_LOG";

static LOG: OnceLock<Option<Mutex<File>>> = OnceLock::new();

fn log() -> Option<&'static Mutex<File>> {
    LOG.get_or_init(|| {
        let path = std::env::var(ENV_AWS_CALL_LOG).ok().filter(|p| !p.is_empty())?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("cannot open the AWS call log {path}: {e}"));
        portal_web::tokens::observe_secret_use(record_secret_use);
        Some(Mutex::new(file))
    })
    .as_ref()
}

/// Whether calls are being recorded in this run.
pub fn recording() -> bool {
    log().is_some()
}

fn append(line: serde_json::Value) {
    if let Some(log) = log() {
        let mut file = log.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // One write per line, so lines from concurrent tests never interleave.
        let _ = file.write_all(format!("{line}\n").as_bytes());
    }
}

fn function() -> Option<String> {
    portal_dev_server::serving_function().map(|name| name.replace('_', "-"))
}

fn record_secret_use(secret: SecretUse) {
    let secret = match secret {
        SecretUse::Portal => "portal",
        SecretUse::Staff => "staff",
        SecretUse::StripeApiKey => "stripe-api-key",
        SecretUse::StripeWebhook => "stripe-webhook",
    };
    if let Some(function) = function() {
        append(json!({ "function": function, "secret": secret }));
    }
}

/// Records every request of the client it is attached to.
#[derive(Debug, Clone)]
pub struct RecordCalls {
    pub service: &'static str,
}

impl Intercept for RecordCalls {
    fn name(&self) -> &'static str {
        "RecordCalls"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let request = context.request();
        let body = match self.service {
            "s3" => None,
            _ => request.body().bytes().and_then(|bytes| std::str::from_utf8(bytes).ok()),
        };
        append(json!({
            "function": function(),
            "service": self.service,
            "method": request.method(),
            "uri": request.uri(),
            "target": request.headers().get("x-amz-target"),
            "body": body,
        }));
        Ok(())
    }
}

/// `clients` with a recorder on each when [`ENV_AWS_CALL_LOG`] is set.
pub fn recorded(clients: portal_aws::AwsClients) -> portal_aws::AwsClients {
    if !recording() {
        return clients;
    }
    portal_aws::AwsClients {
        dynamo: aws_sdk_dynamodb::Client::from_conf(
            clients.dynamo.config().to_builder().interceptor(RecordCalls { service: "dynamodb" }).build(),
        ),
        s3: aws_sdk_s3::Client::from_conf(
            clients.s3.config().to_builder().interceptor(RecordCalls { service: "s3" }).build(),
        ),
        ses: aws_sdk_ses::Client::from_conf(
            clients.ses.config().to_builder().interceptor(RecordCalls { service: "ses" }).build(),
        ),
    }
}
