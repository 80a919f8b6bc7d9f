//! API keys: staff create named keys (the token is shown once), list them
//! and revoke them.

use lambda_http::http::StatusCode;
use portal_app::WriteError;
use portal_app::keys::{self, RevokeError};
use portal_domain::staff::{ApiKey, ApiKeyId, KeyName};
use portal_web::api::{self, ApiError, ApiResult};
use portal_web::{AppState, Request, tokens};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A key as the API shows it: never its secret or digest.
#[derive(Debug, Serialize)]
pub struct KeyView {
    pub id: ApiKeyId,
    pub name: KeyName,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

impl From<&ApiKey> for KeyView {
    fn from(key: &ApiKey) -> Self {
        KeyView {
            id: key.id.clone(),
            name: key.name.clone(),
            created_at: key.created_at,
            last_used_at: key.last_used_at,
            revoked_at: key.revoked_at,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    pub name: KeyName,
}

/// A created key and its token: the only time the token is shown.
#[derive(Debug, Serialize)]
pub struct CreatedKey {
    pub key: KeyView,
    pub token: String,
}

/// Creates and stores a key (`portal_app::keys::create_key`); used by the
/// API, the admin CLI and the local server.
pub async fn create_key(state: &AppState, name: KeyName) -> Result<CreatedKey, WriteError> {
    let created = keys::create_key(state.store.as_ref(), state.stamps(), &tokens::RandomSecrets, name).await?;
    Ok(CreatedKey { key: KeyView::from(&created.key), token: created.token })
}

/// `GET /api/v1/keys`: every key, revoked ones included.
pub async fn list(state: &AppState) -> ApiResult {
    let keys = state.store.api_keys().await?;
    let items: Vec<KeyView> = keys.iter().map(KeyView::from).collect();
    api::json(StatusCode::OK, &serde_json::json!({ "items": items }))
}

/// `POST /api/v1/keys` `{"name"}` → 201 with the token.
pub async fn create(state: &AppState, request: &Request) -> ApiResult {
    let body: NewKey = api::body(request)?;
    let created = create_key(state, body.name).await?;
    api::json(StatusCode::CREATED, &created)
}

/// `DELETE /api/v1/keys/{id}`: the key stops working at once. Revoking a
/// revoked key is a no-op.
pub async fn revoke(state: &AppState, id: &str) -> ApiResult {
    let id = ApiKeyId::parse(id).map_err(|_| ApiError::not_found("API key"))?;
    match keys::revoke_key(state.store.as_ref(), state.stamps(), &id).await {
        Ok(()) => api::no_content(),
        Err(RevokeError::NotFound) => Err(ApiError::not_found("API key")),
        Err(RevokeError::Write(error)) => Err(error.into()),
    }
}
