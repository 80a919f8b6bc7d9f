//! SDK configuration and clients, built once per cold start.

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use std::time::Duration;

/// Connect within 2 s, each attempt within 5 s, the whole call (with retries)
/// within 12 s: a Lambda invocation never waits on a dead endpoint.
pub fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(2))
        .read_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(5))
        .operation_timeout(Duration::from_secs(12))
        .build()
}

/// The SDK configuration from the environment (credentials, region), with an
/// optional endpoint override for a local emulator.
pub async fn sdk_config_from_env(endpoint_url: Option<&str>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(timeouts())
        .retry_config(RetryConfig::standard().with_max_attempts(3));
    if let Some(url) = endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

/// A configuration with fixed credentials for an emulator (tests, local runs).
pub fn emulator_config(endpoint_url: &str, region: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .endpoint_url(endpoint_url)
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(Credentials::from_keys(
            "testing", "testing", None,
        )))
        .timeout_config(timeouts())
        .retry_config(RetryConfig::standard().with_max_attempts(2))
        .build()
}

/// The three clients the portal uses.
#[derive(Clone, Debug)]
pub struct AwsClients {
    pub dynamo: aws_sdk_dynamodb::Client,
    pub s3: aws_sdk_s3::Client,
    pub ses: aws_sdk_ses::Client,
}

impl AwsClients {
    /// `path_style` is needed by emulators that do not serve bucket subdomains.
    pub fn new(config: &SdkConfig, path_style: bool) -> Self {
        let s3_config = aws_sdk_s3::config::Builder::from(config).force_path_style(path_style).build();
        AwsClients {
            dynamo: aws_sdk_dynamodb::Client::new(config),
            s3: aws_sdk_s3::Client::from_conf(s3_config),
            ses: aws_sdk_ses::Client::new(config),
        }
    }
}
