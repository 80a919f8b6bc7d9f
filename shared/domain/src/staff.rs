//! The business's staff as the API sees them: named API keys, and the
//! idempotency records that make a retried create happen once.

use crate::contact::id_type;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// What every staff API token starts with: `ptl_{key id}.{secret}`.
pub const API_KEY_PREFIX: &str = "ptl_";

id_type!(
    /// Identifies an API key (the public half of the key's token).
    ApiKeyId,
    "API key"
);

/// What staff call a key ("Contabilidad", "ERP sync"): 1–80 visible characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KeyName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a key name has 1 to 80 characters and no control characters")]
pub struct InvalidKeyName;

impl KeyName {
    pub fn parse(text: &str) -> Result<Self, InvalidKeyName> {
        let name = text.trim();
        if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
            return Err(InvalidKeyName);
        }
        Ok(KeyName(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for KeyName {
    type Error = InvalidKeyName;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        KeyName::parse(&value)
    }
}

impl From<KeyName> for String {
    fn from(value: KeyName) -> Self {
        value.0
    }
}

/// A staff API key. Only the SHA-256 digest of its secret is kept: the token
/// is shown once, when the key is created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub name: KeyName,
    /// Lowercase hex SHA-256 of the secret half of the token.
    pub digest: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

impl ApiKey {
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }

    /// Last-used times are kept to the minute: a busy key writes at most once a minute.
    pub fn needs_touch(&self, now: OffsetDateTime) -> bool {
        self.last_used_at.is_none_or(|at| now - at >= time::Duration::minutes(1))
    }
}

/// A request made with an `Idempotency-Key`: reserved before it runs, then
/// completed with the response it got, which a retry receives again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdempotentRequest {
    /// The API key and the client's idempotency key: keys never share records.
    pub scope: String,
    /// SHA-256 of method, path and body: the same key with another request is refused.
    pub fingerprint: String,
    /// `None` while the first request is still running.
    pub response: Option<StoredResponse>,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn key_names_are_short_and_visible() {
        assert_eq!(KeyName::parse("  ERP sync ").unwrap().as_str(), "ERP sync");
        assert!(KeyName::parse("").is_err());
        assert!(KeyName::parse("   ").is_err());
        assert!(KeyName::parse("a\nb").is_err());
        assert!(KeyName::parse(&"x".repeat(81)).is_err());
        assert!(KeyName::parse(&"ñ".repeat(80)).is_ok());
    }

    #[test]
    fn last_use_is_written_at_most_once_a_minute() {
        let now = datetime!(2026-11-28 10:00 UTC);
        let mut key = ApiKey {
            id: ApiKeyId::parse("k1").unwrap(),
            name: KeyName::parse("ERP").unwrap(),
            digest: String::new(),
            created_at: now,
            last_used_at: None,
            revoked_at: None,
        };
        assert!(key.needs_touch(now));
        key.last_used_at = Some(now);
        assert!(!key.needs_touch(now + time::Duration::seconds(59)));
        assert!(key.needs_touch(now + time::Duration::seconds(60)));
    }
}
