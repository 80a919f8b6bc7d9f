//! `portal-document-comment`: a contact (or a link holder) writes in a
//! document's thread; staff are told by email.

use portal_domain::interaction::{Comment, CommentBody, CommentId, NotificationKind};
use portal_domain::{ActivityKind, Capability};
use portal_web::actions::{self, ActionRequest};
use portal_web::error::Problem;
use portal_web::routes::{DOCUMENT_COMMENT, url};
use portal_web::{AppState, Body, Request, Response, WebError, WebResult, http, respond};

/// Comments one document's thread takes per hour: a conversation, not a flood
/// (each one mails staff).
pub const COMMENTS_PER_HOUR: u64 = 30;

/// Serves `POST /documents/{kind}/{id}/comments`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = comment(state, &request).await;
    respond::finish(state, &request, result)
}

/// Adds the comment, its activity event and the staff notifications in one write.
pub async fn comment(state: &AppState, request: &Request) -> WebResult {
    let action = actions::prepare(state, request, &DOCUMENT_COMMENT, None).await?;
    let ActionRequest { document, contact, settings, .. } = &action;
    if !action.accessor.actor(document).may(Capability::Comment, document) {
        return Err(Problem::NotFound.into());
    }
    let body = CommentBody::parse(action.field("body")).map_err(|_| action.refuse(Problem::CommentInvalid))?;
    let now = state.clock.now();
    let thread = format!("comment#{}", document.id);
    let count = portal_web::limits::count_attempt(state.store.as_ref(), &thread, now, 3600).await?;
    if count > COMMENTS_PER_HOUR {
        return Err(action.refuse(Problem::TooManyRequests));
    }
    let comment = Comment {
        id: CommentId::parse(&state.ids.new_id()).map_err(|e| WebError::Internal(e.to_string()))?,
        document_id: document.id.clone(),
        contact_id: contact.id.clone(),
        author: contact.name.clone(),
        origin: action.origin(),
        body,
        at: state.clock.now(),
    };
    let event = actions::event(state, document, ActivityKind::Commented);
    let notifications =
        actions::to_staff(state, settings, NotificationKind::ContactCommented, document, Some(&comment));
    state.store.add_comment(&comment, &event, &notifications).await?;
    Ok(http::see_other(&format!("{}#comments-heading", url::document(document.kind, &document.id))))
}
