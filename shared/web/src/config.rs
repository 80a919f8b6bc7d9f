//! Settings read from the environment at cold start. Every variable the portal
//! reads is named here and documented in `docs/configuration.md`.

use std::path::PathBuf;

/// `PORTAL_ENV`: `production` or `local` (the default).
pub const ENV_ENVIRONMENT: &str = "PORTAL_ENV";
/// `PORTAL_PUBLIC_URL`: the origin users reach, e.g. `https://portal.example.es`.
pub const ENV_PUBLIC_URL: &str = "PORTAL_PUBLIC_URL";
/// `PORTAL_SECRET_KEY`: at least 32 bytes; every token key is derived from it.
pub const ENV_SECRET_KEY: &str = "PORTAL_SECRET_KEY";
/// `PORTAL_STORAGE`: `embedded` (local default) — the AWS backends come next.
pub const ENV_STORAGE: &str = "PORTAL_STORAGE";
/// `PORTAL_DATA_DIR`: where embedded backends keep their files (default `.data`).
pub const ENV_DATA_DIR: &str = "PORTAL_DATA_DIR";
/// `PORTAL_MAIL_FROM`: the sender of portal mail.
pub const ENV_MAIL_FROM: &str = "PORTAL_MAIL_FROM";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Local,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageBackend {
    Embedded,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub environment: Environment,
    /// Origin without trailing slash, used in emailed links and Origin checks.
    pub public_url: String,
    pub secret_key: Vec<u8>,
    pub storage: StorageBackend,
    pub data_dir: PathBuf,
    /// Cookies carry `Secure`. Only a local server on plain HTTP turns it off.
    pub secure_cookies: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0} is required in production")]
    Missing(&'static str),
    #[error("{ENV_SECRET_KEY} must be at least 32 bytes")]
    WeakSecret,
    #[error("{0} has an unknown value «{1}»")]
    Unknown(&'static str, String),
    #[error("the embedded storage backend is for local runs only; production needs the AWS backends")]
    EmbeddedInProduction,
    #[error("{ENV_PUBLIC_URL} must be an https:// origin in production")]
    InsecurePublicUrl,
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
        let storage = match get(ENV_STORAGE).as_deref() {
            None | Some("embedded") => StorageBackend::Embedded,
            Some(other) => return Err(ConfigError::Unknown(ENV_STORAGE, other.to_string())),
        };
        if production && storage == StorageBackend::Embedded {
            return Err(ConfigError::EmbeddedInProduction);
        }
        let public_url = match get(ENV_PUBLIC_URL) {
            Some(url) => url.trim_end_matches('/').to_string(),
            None if production => return Err(ConfigError::Missing(ENV_PUBLIC_URL)),
            None => "http://127.0.0.1:3000".to_string(),
        };
        if production && !public_url.starts_with("https://") {
            return Err(ConfigError::InsecurePublicUrl);
        }
        let secret_key = match get(ENV_SECRET_KEY) {
            Some(secret) if secret.len() >= 32 => secret.into_bytes(),
            Some(_) => return Err(ConfigError::WeakSecret),
            None if production => return Err(ConfigError::Missing(ENV_SECRET_KEY)),
            // Local runs without a secret get a fixed development key: sessions
            // survive restarts, and nothing production-grade can use it.
            None => b"local-development-key-not-for-production-use".to_vec(),
        };
        Ok(Config {
            environment,
            secure_cookies: production || public_url.starts_with("https://"),
            public_url,
            secret_key,
            storage,
            data_dir: PathBuf::from(get(ENV_DATA_DIR).unwrap_or_else(|| ".data".to_string())),
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
        assert_eq!(c.storage, StorageBackend::Embedded);
        assert!(!c.secure_cookies);
    }

    #[test]
    fn production_refuses_embedded_backends_and_missing_secrets() {
        let secret = "x".repeat(40);
        let base = [("PORTAL_ENV", "production"), ("PORTAL_PUBLIC_URL", "https://portal.example.es")];
        assert!(matches!(config(&base), Err(ConfigError::EmbeddedInProduction)));
        let explicit = [base[0], base[1], ("PORTAL_STORAGE", "embedded"), ("PORTAL_SECRET_KEY", secret.as_str())];
        assert!(matches!(config(&explicit), Err(ConfigError::EmbeddedInProduction)));
        assert!(matches!(config(&[("PORTAL_SECRET_KEY", "short")]), Err(ConfigError::WeakSecret)));
        assert!(matches!(config(&[("PORTAL_ENV", "staging")]), Err(ConfigError::Unknown(..))));
    }

    #[test]
    fn https_origins_get_secure_cookies() {
        assert!(config(&[("PORTAL_PUBLIC_URL", "https://x.example/")]).unwrap().secure_cookies);
        assert_eq!(config(&[("PORTAL_PUBLIC_URL", "https://x.example/")]).unwrap().public_url, "https://x.example");
    }
}
