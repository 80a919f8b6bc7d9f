//! SDK configuration and clients, built once per cold start.

pub use aws_config::SdkConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use aws_sdk_dynamodb::config::SharedHttpClient;
use aws_smithy_http_client::Builder;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
use std::time::Duration;

/// The roots AWS service endpoints chain to (Amazon Trust Services).
pub const AWS_TRUST_ROOTS_PEM: &str = include_str!("amazon-trust-services-roots.pem");

/// The HTTPS client every SDK client uses: rustls on AWS-LC, as the SDK's
/// default, but trusting only [`AWS_TRUST_ROOTS_PEM`]. The portal talks to AWS
/// endpoints alone, so the operating system's ~150 roots are both more trust
/// than it needs and a cold-start cost: finding, reading and parsing them took
/// 2–5 ms of every start (docs/benchmarks/coldstart.md). Plain-HTTP endpoints
/// (the local emulator) are unaffected.
pub fn https_client() -> SharedHttpClient {
    https_client_trusting(AWS_TRUST_ROOTS_PEM)
}

/// The same client trusting the roots in `roots_pem` instead (tests; a
/// deployment whose AWS traffic passes a TLS-inspecting proxy).
pub fn https_client_trusting(roots_pem: &str) -> SharedHttpClient {
    let trust_store = TrustStore::empty().with_pem_certificate(roots_pem.as_bytes());
    let context = TlsContext::builder()
        .with_trust_store(trust_store)
        .build()
        .expect("a trust store without extra server names is always valid");
    Builder::new().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc)).tls_context(context).build_https()
}

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

/// How every deployed call retries: the SDK's standard mode (throttling and
/// transient errors only, exponential backoff with jitter from 1 s), three
/// attempts in all, still bounded by [`timeouts`]' 12 s for the whole call.
/// Both production paths take it from here, so the adapter tests built on
/// [`lambda_config`] (tests/aws_semantics.rs) exercise what is deployed.
pub fn retries() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(3)
}

/// The SDK configuration from the environment (credentials, region), with an
/// optional endpoint override for a local emulator. Inside Lambda it is read
/// straight from the variables Lambda sets ([`lambda_config`]); elsewhere the
/// SDK's default provider chain finds them.
pub async fn sdk_config_from_env(endpoint_url: Option<&str>) -> SdkConfig {
    if let Some(config) = lambda_config(|name| std::env::var(name).ok(), endpoint_url) {
        return config;
    }
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(https_client())
        .timeout_config(timeouts())
        .retry_config(retries());
    if let Some(url) = endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

/// The configuration a Lambda function gets from its environment: the region
/// and the execution role's credentials Lambda puts in `AWS_REGION`,
/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` for the
/// life of the execution environment. The default provider chain resolves to
/// exactly these there, but building it costs about 5 ms of every cold start
/// (docs/benchmarks/coldstart.md); this takes microseconds. `None` outside
/// Lambda or when any of them is missing.
pub fn lambda_config(get: impl Fn(&str) -> Option<String>, endpoint_url: Option<&str>) -> Option<SdkConfig> {
    get("AWS_LAMBDA_FUNCTION_NAME")?;
    let region = get("AWS_REGION").filter(|r| !r.is_empty())?;
    let key_id = get("AWS_ACCESS_KEY_ID").filter(|k| !k.is_empty())?;
    let secret = get("AWS_SECRET_ACCESS_KEY").filter(|s| !s.is_empty())?;
    let credentials = Credentials::new(key_id, secret, get("AWS_SESSION_TOKEN"), None, "lambda-environment");
    let mut builder = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region))
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(credentials))
        .http_client(https_client())
        .timeout_config(timeouts())
        .retry_config(retries());
    if let Some(url) = endpoint_url {
        builder = builder.endpoint_url(url);
    }
    Some(builder.build())
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
        .http_client(https_client())
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

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::provider::ProvideCredentials;
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;

    #[test]
    fn the_trust_store_is_the_five_amazon_trust_services_roots_and_parses_as_rustls_needs() {
        let roots = CertificateDer::pem_slice_iter(AWS_TRUST_ROOTS_PEM.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .expect("valid PEM");
        let mut store = rustls::RootCertStore::empty();
        for root in &roots {
            store.add(root.clone()).expect("a usable trust anchor");
        }
        assert_eq!(store.len(), 5);
        for name in [
            "Amazon Root CA 1",
            "Amazon Root CA 2",
            "Amazon Root CA 3",
            "Amazon Root CA 4",
            "Starfield Services Root Certificate Authority - G2",
        ] {
            let found = roots.iter().any(|der| der.windows(name.len()).any(|w| w == name.as_bytes()));
            assert!(found, "{name} is missing from the trust store");
        }
    }

    fn lambda_env(name: &str) -> Option<String> {
        match name {
            "AWS_LAMBDA_FUNCTION_NAME" => Some("portal-dashboard".into()),
            "AWS_REGION" => Some("eu-south-2".into()),
            "AWS_ACCESS_KEY_ID" => Some("ASIAEXAMPLE".into()),
            "AWS_SECRET_ACCESS_KEY" => Some("secret".into()),
            "AWS_SESSION_TOKEN" => Some("token".into()),
            _ => None,
        }
    }

    #[tokio::test]
    async fn inside_lambda_the_region_and_role_credentials_come_from_its_variables() {
        let config = lambda_config(lambda_env, None).expect("a Lambda environment");
        assert_eq!(config.region().map(|r| r.as_ref()), Some("eu-south-2"));
        let credentials = config.credentials_provider().unwrap().provide_credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "ASIAEXAMPLE");
        assert_eq!(credentials.session_token(), Some("token"));
        assert_eq!(config.timeout_config(), Some(&timeouts()));
        let emulator = lambda_config(lambda_env, Some("http://127.0.0.1:4566")).unwrap();
        assert_eq!(emulator.endpoint_url(), Some("http://127.0.0.1:4566"));
    }

    #[test]
    fn outside_lambda_or_without_credentials_the_default_chain_is_used() {
        let outside = |name: &str| if name == "AWS_LAMBDA_FUNCTION_NAME" { None } else { lambda_env(name) };
        assert!(lambda_config(outside, None).is_none());
        for missing in ["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
            let without = |name: &str| if name == missing { None } else { lambda_env(name) };
            assert!(lambda_config(without, None).is_none(), "{missing}");
        }
    }
}
