//! Settings read from the environment at cold start. Every variable the portal
//! reads is named here and documented in `docs/configuration.md`.

pub use secrecy::{ExposeSecret, SecretSlice, SecretString};
use std::path::PathBuf;

/// `PORTAL_ENV`: `production` or `local` (the default).
pub const ENV_ENVIRONMENT: &str = "PORTAL_ENV";
/// `PORTAL_PUBLIC_URL`: the origin users reach, e.g. `https://portal.example.es`.
pub const ENV_PUBLIC_URL: &str = "PORTAL_PUBLIC_URL";
/// `PORTAL_SECRET_KEY`: at least 32 bytes; the keys of contacts' sessions,
/// document links and access cookies and CSRF tokens are derived from it.
/// Functions that use none of them say so with [`SECRET_NOT_USED`].
pub const ENV_SECRET_KEY: &str = "PORTAL_SECRET_KEY";
/// `PORTAL_SECRET_KEY_PARAMETER`: an SSM SecureString holding the secret key,
/// read at cold start (production); takes the place of `PORTAL_SECRET_KEY`.
pub const ENV_SECRET_KEY_PARAMETER: &str = "PORTAL_SECRET_KEY_PARAMETER";
/// The value of [`ENV_SECRET_KEY`] in a function that uses no contact token.
pub const SECRET_NOT_USED: &str = "none";
/// `PORTAL_STAFF_SECRET_KEY`: at least 32 bytes; staff session keys are derived
/// from it. Optional: only functions that sign or check staff sessions get it
/// (in production; locally a fixed development key stands in).
pub const ENV_STAFF_SECRET_KEY: &str = "PORTAL_STAFF_SECRET_KEY";
/// `PORTAL_SES_CONFIGURATION_SET`: the SES configuration set every mail is sent
/// with (bounce and complaint metrics, alarms); optional.
pub const ENV_SES_CONFIGURATION_SET: &str = "PORTAL_SES_CONFIGURATION_SET";
/// `PORTAL_BACKENDS`: `embedded` (local default) or `aws`.
pub const ENV_BACKENDS: &str = "PORTAL_BACKENDS";
/// `PORTAL_TABLE`: the DynamoDB table (AWS backends).
pub const ENV_TABLE: &str = "PORTAL_TABLE";
/// `PORTAL_BUCKET`: the S3 bucket for generated files (AWS backends).
pub const ENV_BUCKET: &str = "PORTAL_BUCKET";
/// `PORTAL_AWS_ENDPOINT_URL`: send every AWS call to this endpoint (a local emulator).
pub const ENV_AWS_ENDPOINT: &str = "PORTAL_AWS_ENDPOINT_URL";
/// `PORTAL_MAIL_FROM_NAME`: the display name of the sender.
pub const ENV_MAIL_FROM_NAME: &str = "PORTAL_MAIL_FROM_NAME";
/// `PORTAL_DATA_DIR`: where embedded backends keep their files (default `.data`).
pub const ENV_DATA_DIR: &str = "PORTAL_DATA_DIR";
/// `PORTAL_MAIL_FROM`: the sender of portal mail.
pub const ENV_MAIL_FROM: &str = "PORTAL_MAIL_FROM";
/// `PORTAL_STRIPE_SECRET_KEY`: the Stripe API key (`sk_…`); card payments are
/// offered only when it is set (and the business enabled them).
pub const ENV_STRIPE_SECRET_KEY: &str = "PORTAL_STRIPE_SECRET_KEY";
/// `PORTAL_STRIPE_WEBHOOK_SECRETS`: the webhook signing secrets (`whsec_…`),
/// comma-separated: more than one while a secret is being rotated.
pub const ENV_STRIPE_WEBHOOK_SECRETS: &str = "PORTAL_STRIPE_WEBHOOK_SECRETS";
/// `PORTAL_STRIPE_API_URL`: Stripe's API (default `https://api.stripe.com`;
/// a stand-in locally and in tests).
pub const ENV_STRIPE_API_URL: &str = "PORTAL_STRIPE_API_URL";
/// `PORTAL_CARD_PAYMENTS`: `on` where card payments are configured but this
/// function holds no Stripe key (pages that only offer the pay button).
pub const ENV_CARD_PAYMENTS: &str = "PORTAL_CARD_PAYMENTS";
/// Secrets that may instead be read from SSM at cold start: `{NAME}_PARAMETER`
/// names a SecureString holding the value of `{NAME}`.
pub const SECRETS_IN_SSM: [&str; 4] =
    [ENV_SECRET_KEY, ENV_STAFF_SECRET_KEY, ENV_STRIPE_SECRET_KEY, ENV_STRIPE_WEBHOOK_SECRETS];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Local,
    Production,
}

/// Which implementation of every port the functions use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backends {
    /// File table, file blobs, mail outbox folder under `data_dir`.
    Embedded { data_dir: PathBuf },
    /// DynamoDB, S3, SES.
    Aws(AwsSettings),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsSettings {
    pub table: String,
    pub bucket: String,
    pub mail_from: String,
    pub mail_from_name: Option<String>,
    /// The SES configuration set mail is sent with, if any.
    pub ses_configuration_set: Option<String>,
    /// An emulator's endpoint; `None` for real AWS.
    pub endpoint_url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub environment: Environment,
    /// Origin without trailing slash, used in emailed links and Origin checks.
    pub public_url: String,
    /// Signs contact sessions, links and CSRF tokens (redacted in `Debug`).
    pub secret_key: SecretSlice<u8>,
    /// `None` in functions that never handle staff sessions.
    pub staff_secret_key: Option<SecretSlice<u8>>,
    pub backends: Backends,
    /// Cookies carry `Secure`. Only a local server on plain HTTP turns it off.
    pub secure_cookies: bool,
    /// Card payments through Stripe, when this function holds a Stripe secret.
    pub stripe: Option<StripeConfig>,
    /// Card payments are offered (this function or the pay function holds the keys).
    pub card_payments: bool,
}

#[derive(Debug, Clone)]
pub struct StripeConfig {
    pub api_url: String,
    /// The API key (`sk_…`), in the function that opens checkouts.
    pub secret_key: Option<SecretString>,
    /// Every active webhook signing secret, in the function that receives webhooks.
    pub webhook_secrets: Vec<SecretString>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0} is required in production")]
    Missing(&'static str),
    #[error("{0} must be at least 32 bytes")]
    WeakSecret(&'static str),
    #[error("{0} has an unknown value «{1}»")]
    Unknown(&'static str, String),
    #[error("the embedded backends are for local runs only; production needs PORTAL_BACKENDS=aws")]
    EmbeddedInProduction,
    #[error("{0} is required with the AWS backends")]
    MissingForAws(&'static str),
    #[error("{ENV_PUBLIC_URL} must be an https:// origin in production")]
    InsecurePublicUrl,
}

/// The AWS endpoint override ([`ENV_AWS_ENDPOINT`]), an empty value being none:
/// read by the SSM secret read at start and by the backends alike.
pub fn aws_endpoint_url(get: impl Fn(&str) -> Option<String>) -> Option<String> {
    get(ENV_AWS_ENDPOINT).filter(|v| !v.is_empty())
}

impl Config {
    /// Reads the configuration from a variable lookup (the process environment
    /// in functions; a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let environment = match get(ENV_ENVIRONMENT).as_deref() {
            None | Some("local") => Environment::Local,
            Some("production") => Environment::Production,
            Some(other) => return Err(ConfigError::Unknown(ENV_ENVIRONMENT, other.to_string())),
        };
        let production = environment == Environment::Production;
        let required =
            |name: &'static str| get(name).filter(|v| !v.trim().is_empty()).ok_or(ConfigError::MissingForAws(name));
        let backends = match get(ENV_BACKENDS).as_deref() {
            None | Some("embedded") if production => return Err(ConfigError::EmbeddedInProduction),
            None | Some("embedded") => {
                Backends::Embedded { data_dir: PathBuf::from(get(ENV_DATA_DIR).unwrap_or_else(|| ".data".to_string())) }
            }
            Some("aws") => Backends::Aws(AwsSettings {
                table: required(ENV_TABLE)?,
                bucket: required(ENV_BUCKET)?,
                mail_from: required(ENV_MAIL_FROM)?,
                mail_from_name: get(ENV_MAIL_FROM_NAME),
                ses_configuration_set: get(ENV_SES_CONFIGURATION_SET).filter(|v| !v.trim().is_empty()),
                endpoint_url: aws_endpoint_url(&get),
            }),
            Some(other) => return Err(ConfigError::Unknown(ENV_BACKENDS, other.to_string())),
        };
        let public_url = match get(ENV_PUBLIC_URL) {
            Some(url) => url.trim_end_matches('/').to_string(),
            None if production => return Err(ConfigError::Missing(ENV_PUBLIC_URL)),
            None => "http://127.0.0.1:3000".to_string(),
        };
        if production && !public_url.starts_with("https://") {
            return Err(ConfigError::InsecurePublicUrl);
        }
        // Strict: production, or real AWS (no emulator) from a workstation
        // (portal-admin): the fixed development keys would make tokens forgeable.
        let strict = production || matches!(&backends, Backends::Aws(aws) if aws.endpoint_url.is_none());
        let secret_key = match get(ENV_SECRET_KEY) {
            // A function that issues and checks no contact token (the Stripe
            // webhook) says so: it gets a random key of its own, so it can
            // neither accept nor forge a token another function issued.
            Some(none) if none == SECRET_NOT_USED => {
                let mut ephemeral = vec![0u8; 32];
                crate::tokens::random_bytes(&mut ephemeral);
                ephemeral
            }
            Some(secret) if secret.len() >= 32 => secret.into_bytes(),
            Some(_) => return Err(ConfigError::WeakSecret(ENV_SECRET_KEY)),
            None if strict => return Err(ConfigError::Missing(ENV_SECRET_KEY)),
            // Local runs without a secret get a fixed development key: sessions
            // survive restarts, and nothing production-grade can use it.
            None => b"local-development-key-not-for-production-use".to_vec(),
        }
        .into();
        let staff_secret_key = match get(ENV_STAFF_SECRET_KEY) {
            Some(secret) if secret.len() >= 32 => Some(secret.into_bytes().into()),
            Some(_) => return Err(ConfigError::WeakSecret(ENV_STAFF_SECRET_KEY)),
            // In production only the functions given the staff secret handle staff sessions.
            None if strict => None,
            None => Some(b"local-development-staff-key-not-for-production".to_vec().into()),
        };
        // Each Stripe secret only where it is used: the pay function holds the
        // API key, the webhook function the signing secrets (template.yaml's
        // Rules refuse a deployment with one and not the other).
        let api_key: Option<SecretString> =
            get(ENV_STRIPE_SECRET_KEY).map(|k| k.trim().to_string()).filter(|k| !k.is_empty()).map(Into::into);
        let webhook_secrets: Vec<SecretString> = get(ENV_STRIPE_WEBHOOK_SECRETS)
            .unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .map(Into::into)
            .collect();
        let stripe = (api_key.is_some() || !webhook_secrets.is_empty()).then(|| StripeConfig {
            api_url: get(ENV_STRIPE_API_URL).unwrap_or_else(|| "https://api.stripe.com".into()),
            secret_key: api_key,
            webhook_secrets,
        });
        Ok(Config {
            environment,
            secure_cookies: production || public_url.starts_with("https://"),
            public_url,
            secret_key,
            staff_secret_key,
            backends,
            card_payments: stripe.as_ref().is_some_and(|s| s.secret_key.is_some())
                || get(ENV_CARD_PAYMENTS).is_some_and(|v| v == "on"),
            stripe,
        })
    }

    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn local_defaults_work_without_any_variable() {
        let c = config(&[]).unwrap();
        assert_eq!(c.environment, Environment::Local);
        assert_eq!(c.backends, Backends::Embedded { data_dir: PathBuf::from(".data") });
        assert!(!c.secure_cookies);
    }

    #[test]
    fn production_refuses_embedded_backends_and_missing_secrets() {
        let secret = "x".repeat(40);
        let base = [("PORTAL_ENV", "production"), ("PORTAL_PUBLIC_URL", "https://portal.example.es")];
        assert!(matches!(config(&base), Err(ConfigError::EmbeddedInProduction)));
        let explicit = [base[0], base[1], ("PORTAL_BACKENDS", "embedded"), ("PORTAL_SECRET_KEY", secret.as_str())];
        assert!(matches!(config(&explicit), Err(ConfigError::EmbeddedInProduction)));
        assert!(matches!(config(&[("PORTAL_SECRET_KEY", "short")]), Err(ConfigError::WeakSecret("PORTAL_SECRET_KEY"))));
        assert!(matches!(
            config(&[("PORTAL_STAFF_SECRET_KEY", "short")]),
            Err(ConfigError::WeakSecret("PORTAL_STAFF_SECRET_KEY"))
        ));
        assert!(matches!(config(&[("PORTAL_ENV", "staging")]), Err(ConfigError::Unknown(..))));
    }

    #[test]
    fn aws_backends_need_their_resources_named() {
        let secret = "x".repeat(40);
        let mut vars = vec![
            ("PORTAL_ENV", "production"),
            ("PORTAL_PUBLIC_URL", "https://portal.example.es"),
            ("PORTAL_SECRET_KEY", secret.as_str()),
            ("PORTAL_BACKENDS", "aws"),
            ("PORTAL_TABLE", "portal"),
            ("PORTAL_BUCKET", "portal-files"),
        ];
        assert!(matches!(config(&vars), Err(ConfigError::MissingForAws("PORTAL_MAIL_FROM"))));
        vars.push(("PORTAL_MAIL_FROM", "portal@example.es"));
        let c = config(&vars).unwrap();
        assert!(c.secure_cookies);
        assert!(matches!(c.backends, Backends::Aws(AwsSettings { endpoint_url: None, .. })));
        assert!(c.staff_secret_key.is_none(), "production functions get the staff secret only when named");
        let mut without_secret: Vec<_> =
            vars.iter().copied().filter(|(name, _)| *name != "PORTAL_SECRET_KEY").collect();
        assert!(matches!(config(&without_secret), Err(ConfigError::Missing("PORTAL_SECRET_KEY"))), "never silent");
        without_secret.push(("PORTAL_SECRET_KEY", "none"));
        let (first, second) = (config(&without_secret).unwrap(), config(&without_secret).unwrap());
        assert_eq!(first.secret_key.expose_secret().len(), 32);
        assert_ne!(
            first.secret_key.expose_secret(),
            second.secret_key.expose_secret(),
            "a key of its own per start, never a shared default"
        );
        let staff_secret = "s".repeat(40);
        vars.push(("PORTAL_STAFF_SECRET_KEY", staff_secret.as_str()));
        assert_eq!(
            config(&vars).unwrap().staff_secret_key.map(|k| k.expose_secret().to_vec()),
            Some(staff_secret.clone().into_bytes())
        );
    }

    #[test]
    fn real_aws_from_a_workstation_never_gets_the_development_keys() {
        let vars = [
            ("PORTAL_BACKENDS", "aws"),
            ("PORTAL_TABLE", "portal"),
            ("PORTAL_BUCKET", "portal-files"),
            ("PORTAL_MAIL_FROM", "portal@example.es"),
        ];
        assert!(matches!(config(&vars), Err(ConfigError::Missing("PORTAL_SECRET_KEY"))));
        let secret = "x".repeat(40);
        let mut with_secret = vars.to_vec();
        with_secret.push(("PORTAL_SECRET_KEY", secret.as_str()));
        assert!(config(&with_secret).unwrap().staff_secret_key.is_none(), "no development staff key either");
        let mut emulator = vars.to_vec();
        emulator.push(("PORTAL_AWS_ENDPOINT_URL", "http://127.0.0.1:4566"));
        assert!(config(&emulator).unwrap().staff_secret_key.is_some(), "an emulator is a local run");
    }

    #[test]
    fn https_origins_get_secure_cookies() {
        assert!(config(&[("PORTAL_PUBLIC_URL", "https://x.example/")]).unwrap().secure_cookies);
        assert_eq!(config(&[("PORTAL_PUBLIC_URL", "https://x.example/")]).unwrap().public_url, "https://x.example");
    }

    #[test]
    fn secrets_never_reach_debug_output() {
        let secret = "a-production-secret-key-of-more-than-32-bytes";
        let vars = [
            (ENV_SECRET_KEY, secret),
            (ENV_STAFF_SECRET_KEY, "a-staff-secret-key-of-more-than-32-bytes-too"),
            (ENV_STRIPE_SECRET_KEY, "sk_live_do_not_print"),
            (ENV_STRIPE_WEBHOOK_SECRETS, "whsec_do_not_print"),
        ];
        let printed = format!("{:?}", config(&vars).unwrap());
        for leaked in [secret, "staff-secret", "sk_live_do_not_print", "whsec_do_not_print"] {
            assert!(!printed.contains(leaked), "{leaked} in {printed}");
        }
    }
}
