//! Staff API keys: minting one (its token shown once, its digest kept) and
//! revoking it.

use crate::login::Secrets;
use crate::stamps::Stamps;
use crate::write::WriteError;
use portal_domain::ports::{StaffStore, StoreError};
use portal_domain::staff::{API_KEY_PREFIX, ApiKey, ApiKeyId, KeyName};

/// A new key and its token: the only time the token exists outside the caller.
pub struct CreatedKey {
    pub key: ApiKey,
    /// `ptl_{id}.{secret}`; the store keeps the secret's digest only.
    pub token: String,
}

impl std::fmt::Debug for CreatedKey {
    /// Never the token: a key logged by mistake must not log its secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedKey").field("key", &self.key.id).field("token", &"[REDACTED]").finish()
    }
}

/// Mints and stores a key named `name`.
pub async fn create_key<S>(
    store: &S,
    stamps: Stamps<'_>,
    secrets: &dyn Secrets,
    name: KeyName,
) -> Result<CreatedKey, WriteError>
where
    S: StaffStore + ?Sized,
{
    let id = ApiKeyId::parse(&stamps.new_id())
        .map_err(|e| WriteError::Store(StoreError::Corrupt(format!("generated key id: {e}"))))?;
    let secret = secrets.new_token();
    let token = format!("{API_KEY_PREFIX}{id}.{secret}");
    let key = ApiKey {
        id,
        name,
        digest: secrets.digest(&secret),
        created_at: stamps.now(),
        last_used_at: None,
        revoked_at: None,
    };
    store.create_api_key(&key).await?;
    tracing::info!(key = %key.id, name = key.name.as_str(), "API key created");
    Ok(CreatedKey { key, token })
}

#[derive(Debug, thiserror::Error)]
pub enum RevokeError {
    #[error("no API key with this id")]
    NotFound,
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl From<StoreError> for RevokeError {
    fn from(error: StoreError) -> Self {
        RevokeError::Write(error.into())
    }
}

/// Revokes a key: it stops working at once. Revoking a revoked key changes
/// nothing. A concurrent last-used update is read again, never undone.
pub async fn revoke_key<S>(store: &S, stamps: Stamps<'_>, id: &ApiKeyId) -> Result<(), RevokeError>
where
    S: StaffStore + ?Sized,
{
    for _ in 0..crate::write::ATTEMPTS {
        let stored = store.api_key(id).await?.ok_or(RevokeError::NotFound)?;
        if !stored.value.is_active() {
            return Ok(());
        }
        let mut key = stored.value;
        key.revoked_at = Some(stamps.now());
        match store.update_api_key(&key, stored.version).await {
            Ok(()) => {
                tracing::info!(key = %key.id, "API key revoked");
                return Ok(());
            }
            Err(StoreError::Conflict(_)) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(RevokeError::Write(WriteError::Store(StoreError::Conflict(format!("API key {id} kept changing")))))
}
