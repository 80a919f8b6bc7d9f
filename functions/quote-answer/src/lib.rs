//! `portal-quote-answer`: a contact accepts or rejects a quote
//! (`portal_app::answers::answer_quote`).

use portal_app::answers::{self, QuoteAnswer};
use portal_domain::DocumentKind;
use portal_domain::interaction::{SignerName, optional_note};
use portal_web::actions::{self, ActionRequest};
use portal_web::error::Problem;
use portal_web::routes::{QUOTE_ACCEPT, QUOTE_REJECT};
use portal_web::{AppState, Body, Request, Response, WebResult, respond};

/// Serves `POST /documents/quotes/{id}/accept` and `POST /documents/quotes/{id}/reject`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = if QUOTE_ACCEPT.serves(request.method(), request.uri().path()).is_some() {
        accept(state, &request).await
    } else {
        reject(state, &request).await
    };
    respond::finish(state, &request, result)
}

async fn answer(state: &AppState, action: &ActionRequest, answer: QuoteAnswer) -> WebResult {
    answers::answer_quote(state.store.as_ref(), state.stamps(), action.on_document(), answer)
        .await
        .map_err(|e| action.refuse_answer(e))?;
    Ok(actions::back_to(&action.document))
}

/// Accepts the quote in the name typed by the signer, recording when, from
/// where and exactly which version was accepted.
pub async fn accept(state: &AppState, request: &Request) -> WebResult {
    let action = actions::prepare(state, request, &QUOTE_ACCEPT, Some(DocumentKind::Quote)).await?;
    let signer = SignerName::parse(action.field("signer")).map_err(|_| action.refuse(Problem::SignerInvalid))?;
    let (ip, user_agent) = actions::client_details(request);
    answer(state, &action, QuoteAnswer::Accept { signer, ip, user_agent }).await
}

/// Rejects the quote, with an optional reason.
pub async fn reject(state: &AppState, request: &Request) -> WebResult {
    let action = actions::prepare(state, request, &QUOTE_REJECT, Some(DocumentKind::Quote)).await?;
    let reason = optional_note(action.field("reason")).map_err(|_| action.refuse(Problem::NoteInvalid))?;
    answer(state, &action, QuoteAnswer::Reject { reason }).await
}
