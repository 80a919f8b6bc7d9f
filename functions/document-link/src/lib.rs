//! `portal-document-link`: opens one document from its shareable link.
//!
//! The link is checked against the document's current nonce (so a rotated link
//! is dead) and its expiry, then exchanged for a cookie that only this
//! document's path receives; the browser is redirected to the clean document
//! URL, so the token never stays in the address bar, history or a Referer.

use portal_web::error::Problem;
use portal_web::routes::{DOCUMENT_LINK, url};
use portal_web::tokens::Keys;
use portal_web::{AppState, Body, Request, Response, WebResult, auth, http, respond};

/// Serves `GET /links/{token}`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = open(state, &request).await;
    respond::finish(state, &request, result)
}

/// Verifies the link and grants access to its document only.
pub async fn open(state: &AppState, request: &Request) -> WebResult {
    let params = DOCUMENT_LINK.matches(request.uri().path()).ok_or(Problem::DocumentLinkInvalid)?;
    let (document_id, mac) =
        params.get("token").and_then(Keys::parse_document_link).ok_or(Problem::DocumentLinkInvalid)?;
    let document = state.store.document(&document_id).await?.ok_or(Problem::DocumentLinkInvalid)?;
    let valid = state.keys.verify_document_link(&document.id, &document.access_link.nonce, &mac)
        && document.access_link.is_usable(state.clock.now());
    if !valid {
        return Err(Problem::DocumentLinkInvalid.into());
    }
    let mut response = http::see_other(&url::document(document.kind, &document.id));
    auth::grant_document_access(state, &mut response, &document);
    Ok(response)
}
