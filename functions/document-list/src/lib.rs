//! `portal-document-list`: one kind of document, filtered by status, a page at a time.
//!
//! Storage calls per page: contact, settings and one index query (a page of
//! summaries), independent of how many documents the contact has.

use lambda_http::http::StatusCode;
use portal_domain::ports::DocumentListQuery;
use portal_domain::{DocumentFilter, DocumentKind};
use portal_web::error::Problem;
use portal_web::routes::DOCUMENT_LIST;
use portal_web::views::pages::{self, DocumentList};
use portal_web::{AppState, Body, Request, Response, WebResult, auth, csrf, http, respond};

pub const PAGE_SIZE: u32 = 20;

/// Serves `GET /documents/{kind}`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = list(state, &request).await;
    respond::finish(state, &request, result)
}

/// A page of the contact's documents of `{kind}`, `?filter=` and `?cursor=` optional.
pub async fn list(state: &AppState, request: &Request) -> WebResult {
    let viewer = auth::require_contact(state, request).await?;
    let params = DOCUMENT_LIST.matches(request.uri().path()).ok_or(Problem::NotFound)?;
    let kind = params.get("kind").and_then(DocumentKind::from_slug).ok_or(Problem::NotFound)?;
    // A kind the contact's role never sees is as absent as an unknown one.
    if !viewer.actor().may_list(kind) {
        return Err(Problem::NotFound.into());
    }
    let query = http::query(request);
    let filter = match query.get("filter") {
        None => DocumentFilter::All,
        Some(slug) => DocumentFilter::parse_for(kind, slug).ok_or(Problem::InvalidFilter)?,
    };
    let cursor = query.get("cursor").cloned();
    let today = state.clock.today();
    let list_query = DocumentListQuery {
        contact: viewer.contact.id.clone(),
        kind,
        filter,
        today,
        cursor: cursor.clone(),
        limit: PAGE_SIZE,
    };
    let (settings, page) = tokio::join!(state.business_settings(), state.store.list_documents(&list_query));
    let (settings, page) = (settings?, page?);
    let csrf = csrf::prepare(state, request);
    let html = pages::document_list(DocumentList {
        settings: &settings,
        contact: &viewer.contact,
        csrf: &csrf.token,
        today,
        kind,
        filter,
        rows: page.items,
        first_page: cursor.is_none(),
        next_cursor: page.next,
    });
    let mut response = respond::page(StatusCode::OK, html);
    csrf.apply(state, &mut response);
    Ok(response)
}
