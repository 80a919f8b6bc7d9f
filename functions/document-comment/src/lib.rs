//! `portal-document-comment`: a contact (or a link holder) writes in a
//! document's thread; staff are told by email.

use portal_app::answers::{self, CommentError};
use portal_domain::interaction::CommentBody;
use portal_web::actions;
use portal_web::error::Problem;
use portal_web::routes::{DOCUMENT_COMMENT, url};
use portal_web::{AppState, Body, Request, Response, WebError, WebResult, http, respond};

/// Serves `POST /documents/{kind}/{id}/comments`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = comment(state, &request).await;
    respond::finish(state, &request, result)
}

/// Adds the comment, its activity event and the staff notifications in one write.
pub async fn comment(state: &AppState, request: &Request) -> WebResult {
    let action = actions::prepare(state, request, &DOCUMENT_COMMENT, None).await?;
    let body = CommentBody::parse(action.field("body")).map_err(|_| action.refuse(Problem::CommentInvalid))?;
    answers::comment(state.store.as_ref(), state.stamps(), &action.on_document(), body).await.map_err(|e| match e {
        CommentError::NotPermitted => WebError::from(Problem::NotFound),
        CommentError::TooMany => action.refuse(Problem::TooManyRequests),
        CommentError::Write(e) => e.into(),
    })?;
    let document = &action.document;
    Ok(http::see_other(&format!("{}#comments-heading", url::document(document.kind, &document.id))))
}
