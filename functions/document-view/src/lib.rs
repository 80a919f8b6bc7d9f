//! `portal-document-view`: one document with its lines, taxes, totals and history.
//!
//! Opened by its contact (session) or by anyone holding its current link
//! (a cookie scoped to this path, set by `portal-document-link`).

use lambda_http::http::StatusCode;
use portal_domain::{Capability, DocumentId, DocumentKind};
use portal_web::auth::DocumentAccessor;
use portal_web::error::Problem;
use portal_web::routes::DOCUMENT_VIEW;
use portal_web::views::pages::{self, DocumentPage};
use portal_web::views::payment::PaymentOptions;
use portal_web::{AppState, Body, Request, Response, WebError, WebResult, auth, csrf, http, respond};

pub const HISTORY_LIMIT: u32 = 100;
/// Comments shown on the page (a thread longer than this shows its first ones).
pub const COMMENT_LIMIT: u32 = 200;

/// Serves `GET /documents/{kind}/{id}`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = view(state, &request).await;
    respond::finish(state, &request, result)
}

/// The document page. Unknown, malformed and foreign documents are all "not found".
pub async fn view(state: &AppState, request: &Request) -> WebResult {
    let params = DOCUMENT_VIEW.matches(request.uri().path()).ok_or(Problem::NotFound)?;
    let kind = params.get("kind").and_then(DocumentKind::from_slug).ok_or(Problem::NotFound)?;
    let id = params.get("id").and_then(|id| DocumentId::parse(id).ok()).ok_or(Problem::NotFound)?;
    let document = state.store.document(&id).await?.filter(|d| d.kind == kind);
    let Some(document) = document else {
        // Without a session, send the visitor to log in rather than confirm absence.
        return match auth::current_contact(state, request).await? {
            Some(_) => Err(Problem::NotFound.into()),
            None => Err(WebError::LoginRequired),
        };
    };
    let accessor = auth::document_accessor(state, request, &document).await?;
    let (settings, contact, history, comments) = tokio::join!(
        state.business_settings(),
        portal_app::write::owner(state.store.as_ref(), &document),
        state.store.document_activity(&document.id, HISTORY_LIMIT),
        state.store.comments(&document.id, COMMENT_LIMIT),
    );
    let settings = settings?;
    let contact = contact?;
    let actor = accessor.actor(&document);
    let query = http::query(request);
    let payment =
        (document.kind == DocumentKind::Invoice && actor.may(Capability::Pay, &document)).then(|| PaymentOptions {
            card: settings.payments.stripe && state.config.card_payments,
            transfer_iban: settings.iban.clone().filter(|_| settings.payments.bank_transfer),
            returning: query.get("payment").is_some_and(|v| v == "processing"),
            cancelled: query.get("payment").is_some_and(|v| v == "cancelled"),
        });
    let csrf = csrf::prepare(state, request);
    let html = pages::document(DocumentPage {
        settings: &settings,
        document: &document,
        contact: &contact,
        logged_in: matches!(accessor, DocumentAccessor::Contact(_)),
        csrf: &csrf.token,
        actor,
        today: state.clock.today(),
        history: history?,
        comments: comments?,
        payment,
    });
    let mut response = respond::page(StatusCode::OK, html);
    csrf.apply(state, &mut response);
    Ok(response)
}
