//! The staff JSON API's shared layer: bearer-key authentication, JSON bodies,
//! idempotent creates, and the one place API errors become responses
//! (`{"code", "message", "field"}` with the right status).

use crate::respond;
use crate::state::AppState;
use crate::tokens;
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Request, Response};
use portal_app::payments::TransferError;
use portal_app::staff_documents::{CreateError, LinkError, TransitionRefused, UpdateError};
use portal_domain::ports::StoreError;
use portal_domain::staff::{ApiKey, IdempotentRequest, StoredResponse};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// JSON bodies larger than this are refused before parsing (a document with
/// 500 lines fits comfortably).
pub const MAX_JSON_BYTES: usize = 256 * 1024;

/// How long a completed idempotent request is remembered.
pub const IDEMPOTENCY_WINDOW: time::Duration = time::Duration::hours(24);

/// Page sizes the list endpoints accept.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 200;

/// An API error: the status, a stable machine-readable code, a message for
/// the developer reading it, and the request field it is about (if one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Logged, never shown.
    #[serde(skip)]
    pub cause: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), field: None, cause: None }
    }

    /// A request field that is missing or not valid.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError { field: Some(field.into()), ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message) }
    }

    pub fn unauthorized() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Send a valid, active API key as `Authorization: Bearer ptl_…`.",
        )
    }

    pub fn not_found(what: &str) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("No {what} with this id."))
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::CONFLICT, code, message)
    }

    /// A fault: the caller gets a generic message, the log gets `cause`.
    pub fn internal(cause: impl Into<String>) -> Self {
        ApiError {
            cause: Some(cause.into()),
            ..ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side; retry later.",
            )
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::InvalidCursor => ApiError::invalid("cursor", "The cursor is not valid for this list."),
            StoreError::Conflict(why) => ApiError {
                cause: Some(why),
                ..ApiError::conflict("conflict", "The resource changed or already exists; read it again and retry.")
            },
            other => ApiError::internal(other.to_string()),
        }
    }
}

impl From<portal_app::WriteError> for ApiError {
    fn from(error: portal_app::WriteError) -> Self {
        match error {
            portal_app::WriteError::Missing(_) => ApiError::not_found("document"),
            portal_app::WriteError::KeptChanging(id) => ApiError {
                cause: Some(format!("document {id} kept changing")),
                ..ApiError::conflict("version_mismatch", "The document kept changing; retry.")
            },
            portal_app::WriteError::Store(error) => error.into(),
            other => ApiError::internal(other.to_string()),
        }
    }
}

impl From<CreateError> for ApiError {
    fn from(error: CreateError) -> Self {
        match error {
            CreateError::NoSuchContact => ApiError::invalid("contact_id", "No contact with this id."),
            CreateError::WrongRole => ApiError::invalid(
                "contact_id",
                "Sales documents go to customers and purchase orders to suppliers; change the contact's role first.",
            ),
            CreateError::StatusNotOfKind => {
                ApiError::invalid("status", "This status does not exist for this kind of document.")
            }
            CreateError::PaidOutOfRange => {
                ApiError::invalid("paid_minor", "Only invoices carry a paid amount, from 0 to their total.")
            }
            CreateError::Exists(cause) => ApiError {
                cause: Some(cause),
                ..ApiError::conflict("document_exists", "A document with this id already exists.")
            },
            CreateError::Write(error) => error.into(),
        }
    }
}

impl From<UpdateError> for ApiError {
    fn from(error: UpdateError) -> Self {
        match error {
            UpdateError::VersionMismatch { .. } => ApiError {
                cause: Some(error.to_string()),
                ..ApiError::conflict("version_mismatch", "The document changed meanwhile; read it again and retry.")
            },
            UpdateError::Locked => ApiError::conflict(
                "document_locked",
                "The document was answered, paid or closed; issue a new one (or a credit note) instead.",
            ),
            UpdateError::Write(error) => error.into(),
        }
    }
}

impl From<TransitionRefused> for ApiError {
    fn from(error: TransitionRefused) -> Self {
        match error {
            TransitionRefused::NotAllowed => {
                ApiError::conflict("transition_not_allowed", "The document's kind and status do not allow this change.")
            }
            TransitionRefused::Write(error) => error.into(),
        }
    }
}

impl From<LinkError> for ApiError {
    fn from(error: LinkError) -> Self {
        match error {
            LinkError::ExpiryNotInFuture => {
                ApiError::invalid("expires_at", "The expiry must be in the future (or null for never).")
            }
            LinkError::Write(error) => error.into(),
        }
    }
}

impl From<TransferError> for ApiError {
    fn from(error: TransferError) -> Self {
        match error {
            TransferError::InTheFuture => ApiError::invalid("received_at", "A transfer cannot arrive in the future."),
            TransferError::NotPayable => {
                ApiError::conflict("not_payable", "The document is not an invoice waiting for payment.")
            }
            TransferError::MoreThanDue { due } => {
                ApiError::invalid("amount_minor", format!("The amount is more than the {due} (minor units) still due."))
            }
            TransferError::InvalidAmount(refusal) => ApiError::invalid("amount_minor", refusal.to_string()),
            TransferError::Write(error) => error.into(),
        }
    }
}

/// A document's current access link, as the API and the staff pages show it.
#[derive(Debug, Serialize)]
pub struct LinkView {
    pub url: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<time::OffsetDateTime>,
    pub usable: bool,
}

pub fn link_view(state: &AppState, document: &portal_domain::Document) -> LinkView {
    let token = state.keys.document_link_token(&document.id, &document.access_link.nonce);
    LinkView {
        url: format!("{}{}", state.config.public_url, crate::routes::url::document_link(&token)),
        expires_at: document.access_link.expires_at,
        usable: document.access_link.is_usable(state.clock.now()),
    }
}

pub type ApiResult = Result<Response<Body>, ApiError>;

/// A JSON response.
pub fn json<T: Serialize>(status: StatusCode, value: &T) -> ApiResult {
    let body = serde_json::to_string(value).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(json_text(status, body))
}

fn json_text(status: StatusCode, body: String) -> Response<Body> {
    let mut response = Response::new(Body::Text(body));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// `204 No Content`.
pub fn no_content() -> ApiResult {
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = StatusCode::NO_CONTENT;
    Ok(response)
}

/// Turns an API result into the response: errors as JSON with their status
/// (faults logged with their cause), security headers on everything.
pub fn finish(request: &Request, result: ApiResult) -> Response<Body> {
    let mut response = match result {
        Ok(response) => response,
        Err(error) => {
            if error.status.is_server_error() {
                tracing::error!(path = %request.uri().path(), method = %request.method(), cause = ?error.cause, "API request failed");
            } else {
                tracing::info!(path = %request.uri().path(), code = error.code, field = ?error.field, cause = ?error.cause, "API request refused");
            }
            let body = serde_json::to_string(&error).unwrap_or_else(|_| "{}".into());
            let mut response = json_text(error.status, body);
            if error.status == StatusCode::UNAUTHORIZED {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            response
        }
    };
    respond::add_security_headers(&mut response);
    response
}

/// Parses a JSON body into `T`. Wrong content type, oversize bodies and
/// malformed or invalid values are refused with the offending field named.
pub fn body<T: DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !content_type.starts_with("application/json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the body as application/json.",
        ));
    }
    let bytes: &[u8] = request.body().as_ref();
    if bytes.len() > MAX_JSON_BYTES {
        return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "The body is larger than 256 KiB."));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let field = if path == "." { "body".to_string() } else { path };
        ApiError::invalid(field, error.into_inner().to_string())
    })?;
    deserializer.end().map_err(|e| ApiError::invalid("body", e.to_string()))?;
    Ok(value)
}

/// The page size of a list request: `limit` from 1 to [`MAX_PAGE_SIZE`].
pub fn page_size(query: &std::collections::HashMap<String, String>) -> Result<u32, ApiError> {
    match query.get("limit") {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(text) => {
            text.parse::<u32>().ok().filter(|n| (1..=MAX_PAGE_SIZE).contains(n)).ok_or_else(|| {
                ApiError::invalid("limit", format!("limit is a whole number from 1 to {MAX_PAGE_SIZE}."))
            })
        }
    }
}

/// The staff member's key a request was made with.
#[derive(Debug, Clone)]
pub struct StaffCaller {
    pub key: ApiKey,
}

/// Authenticates a request by its bearer API key. Cookies (contact sessions,
/// document links) are never looked at: they cannot act on the staff API.
pub async fn authenticate(state: &AppState, request: &Request) -> Result<StaffCaller, ApiError> {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(ApiError::unauthorized)?;
    let (id, secret) = tokens::parse_api_token(token).ok_or_else(ApiError::unauthorized)?;
    let stored = state.store.api_key(&id).await?.ok_or_else(ApiError::unauthorized)?;
    if !stored.value.is_active() || !tokens::api_secret_matches(secret, &stored.value.digest) {
        return Err(ApiError::unauthorized());
    }
    let now = state.clock.now();
    let mut key = stored.value;
    if key.needs_touch(now) {
        key.last_used_at = Some(now);
        // Best effort: a lost race (another request, a revocation) keeps the stored key.
        if let Err(error) = state.store.update_api_key(&key, stored.version).await {
            tracing::info!(key = %key.id, cause = %error, "last-used time not updated");
        }
    }
    Ok(StaffCaller { key })
}

/// The request's `Idempotency-Key` (1–255 visible ASCII characters), if sent.
pub fn idempotency_key(request: &Request) -> Result<Option<String>, ApiError> {
    let Some(value) = request.headers().get("idempotency-key") else { return Ok(None) };
    let text = value.to_str().unwrap_or_default();
    if text.is_empty() || text.len() > 255 || !text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::invalid("Idempotency-Key", "The idempotency key has 1 to 255 visible ASCII characters."));
    }
    Ok(Some(text.to_string()))
}

/// Runs a create at most once per `Idempotency-Key`: a retry with the same
/// key and body gets the first response again; the same key with another
/// body, or while the first is still running, is refused. Without a key the
/// create simply runs.
pub async fn once<F>(state: &AppState, caller: &StaffCaller, request: &Request, run: F) -> ApiResult
where
    F: std::future::Future<Output = ApiResult>,
{
    let Some(client_key) = idempotency_key(request)? else { return run.await };
    let scope = tokens::digest_hex(&format!("{}\u{0}{client_key}", caller.key.id));
    let body: &[u8] = request.body().as_ref();
    let fingerprint = tokens::digest_hex(&format!(
        "{}\u{0}{}\u{0}{}",
        request.method(),
        request.uri().path(),
        String::from_utf8_lossy(body)
    ));
    let mut record = IdempotentRequest {
        scope: scope.clone(),
        fingerprint: fingerprint.clone(),
        response: None,
        expires_at: state.clock.now() + IDEMPOTENCY_WINDOW,
    };
    if let Some(stored) = state.store.reserve_request(&record).await? {
        if stored.fingerprint != fingerprint {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "This Idempotency-Key was used with a different request.",
            ));
        }
        return match stored.response {
            Some(response) => {
                let status = StatusCode::from_u16(response.status).map_err(|e| ApiError::internal(e.to_string()))?;
                let mut replay = json_text(status, response.body);
                replay.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
                Ok(replay)
            }
            None => Err(ApiError::conflict(
                "request_in_progress",
                "A request with this Idempotency-Key is still running; retry in a moment.",
            )),
        };
    }
    let result = run.await;
    match &result {
        Ok(response) if response.status().is_success() => {
            let body = match response.body() {
                Body::Text(text) => text.clone(),
                Body::Binary(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                Body::Empty => String::new(),
                _ => String::new(),
            };
            record.response = Some(StoredResponse { status: response.status().as_u16(), body });
            if let Err(error) = state.store.complete_request(&record).await {
                tracing::error!(cause = %error, "idempotent response not stored; a retry would run again");
            }
        }
        _ => {
            // Nothing was created: let a retry run again.
            if let Err(error) = state.store.release_request(&scope).await {
                tracing::error!(cause = %error, "idempotency reservation not released");
            }
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(content_type: &str, body: &str) -> Request {
        lambda_http::http::Request::builder()
            .header("content-type", content_type)
            .body(Body::Text(body.to_string()))
            .unwrap()
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        name: String,
        lines: Vec<SampleLine>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct SampleLine {
        vat: portal_domain::VatRate,
    }

    #[test]
    fn bodies_name_the_field_that_is_wrong() {
        let ok: Sample = body(&request("application/json", r#"{"name":"a","lines":[{"vat":2100}]}"#)).unwrap();
        assert_eq!(ok.lines.len(), 1);
        let error = body::<Sample>(&request("application/json", r#"{"name":"a","lines":[{"vat":2200}]}"#)).unwrap_err();
        assert_eq!(
            (error.status, error.code, error.field.as_deref()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("lines[0].vat"))
        );
        let error = body::<Sample>(&request("application/json", r#"{"name":"a"}"#)).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("body"));
        assert!(error.message.contains("lines"), "{}", error.message);
        let error = body::<Sample>(&request("application/json", r#"{"name":"a","lines":[],"x":1}"#)).unwrap_err();
        assert!(error.message.contains("unknown field"), "{}", error.message);
        let error = body::<Sample>(&request("text/plain", "{}")).unwrap_err();
        assert_eq!(error.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let big = format!(r#"{{"name":"{}","lines":[]}}"#, "x".repeat(MAX_JSON_BYTES));
        assert_eq!(
            body::<Sample>(&request("application/json", &big)).unwrap_err().status,
            StatusCode::PAYLOAD_TOO_LARGE
        );
    }

    #[test]
    fn errors_have_a_stable_shape_and_hide_causes() {
        let error = ApiError::internal("dynamo exploded at table x");
        let text = serde_json::to_string(&error).unwrap();
        assert_eq!(text, r#"{"code":"internal","message":"Something went wrong on our side; retry later."}"#);
        let text = serde_json::to_string(&ApiError::invalid("emails[1]", "not an email")).unwrap();
        assert_eq!(text, r#"{"code":"invalid","message":"not an email","field":"emails[1]"}"#);
    }
}
