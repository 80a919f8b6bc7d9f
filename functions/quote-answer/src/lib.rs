//! `portal-quote-answer`: a contact accepts or rejects a quote.
//!
//! Each answer is one conditional write of the new state, its event and its
//! notifications: pressed twice, from two tabs or by two people, it applies
//! once, and the others are told the quote already has an answer.

use portal_domain::interaction::{Acceptance, NotificationKind, Rejection, SignerName, optional_note};
use portal_domain::ports::{DocumentChange, StoreError};
use portal_domain::{ActivityKind, Capability, DocumentAction, DocumentKind, DocumentStatus, TransitionError};
use portal_web::actions::{self, ActionRequest};
use portal_web::error::Problem;
use portal_web::routes::{QUOTE_ACCEPT, QUOTE_REJECT};
use portal_web::{AppState, Body, Request, Response, WebError, WebResult, respond};

/// Serves `POST /documents/quotes/{id}/accept` and `POST /documents/quotes/{id}/reject`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = if QUOTE_ACCEPT.serves(request.method(), request.uri().path()).is_some() {
        accept(state, &request).await
    } else {
        reject(state, &request).await
    };
    respond::finish(state, &request, result)
}

/// The user-facing reason a transition was refused.
fn problem_for(error: &TransitionError, current: DocumentStatus) -> Problem {
    match error {
        TransitionError::Expired => Problem::QuoteExpired,
        TransitionError::NotAllowed { .. }
            if matches!(current, DocumentStatus::Accepted | DocumentStatus::Rejected) =>
        {
            Problem::AlreadyAnswered
        }
        _ => Problem::ActionUnavailable,
    }
}

async fn answer(
    state: &AppState,
    action: &ActionRequest,
    decision: DocumentAction,
    record: impl FnOnce(&mut portal_domain::Document),
    kind: ActivityKind,
    notifications: Vec<NotificationKind>,
) -> WebResult {
    let document = &action.document;
    let actor = action.accessor.actor(document);
    if !actor.may(Capability::Respond, document) {
        return Err(Problem::NotFound.into());
    }
    let status = document
        .transition(decision, &actor, state.clock.today())
        .map_err(|e| action.refuse(problem_for(&e, document.status)))?;
    action.require_seen_version()?;
    let mut updated = document.clone();
    updated.status = status;
    updated.content_version += 1;
    record(&mut updated);
    let mut owed = Vec::new();
    for kind in notifications {
        if kind.to_staff() {
            owed.extend(actions::to_staff(state, &action.settings, kind, document, None));
        } else {
            owed.extend(actions::to_contact(state, &action.contact, kind, document, None));
        }
    }
    let change =
        DocumentChange { document: updated, events: vec![actions::event(state, document, kind)], notifications: owed };
    match state.store.apply_change(&change).await {
        Ok(()) => {
            tracing::info!(document = %document.id, decision = ?decision, "quote answered");
            Ok(actions::back_to(document))
        }
        // Someone answered between our read and our write.
        Err(StoreError::Conflict(_)) => Err(action.refuse(Problem::AlreadyAnswered)),
        Err(other) => Err(WebError::from(other)),
    }
}

/// Accepts the quote in the name typed by the signer, recording when, from
/// where and exactly which version was accepted.
pub async fn accept(state: &AppState, request: &Request) -> WebResult {
    let action = actions::prepare(state, request, &QUOTE_ACCEPT, Some(DocumentKind::Quote)).await?;
    let signer = SignerName::parse(action.field("signer")).map_err(|_| action.refuse(Problem::SignerInvalid))?;
    let (ip, user_agent) = actions::client_details(request);
    let acceptance = Acceptance {
        signer: signer.clone(),
        at: state.clock.now(),
        ip,
        user_agent,
        content_version: action.document.content_version,
        origin: action.origin(),
    };
    answer(
        state,
        &action,
        DocumentAction::Accept,
        |document| document.acceptance = Some(acceptance),
        ActivityKind::Accepted { signer: signer.as_str().to_string() },
        vec![NotificationKind::QuoteAccepted, NotificationKind::AcceptanceReceipt],
    )
    .await
}

/// Rejects the quote, with an optional reason.
pub async fn reject(state: &AppState, request: &Request) -> WebResult {
    let action = actions::prepare(state, request, &QUOTE_REJECT, Some(DocumentKind::Quote)).await?;
    let reason = optional_note(action.field("reason")).map_err(|_| action.refuse(Problem::NoteInvalid))?;
    let rejection = Rejection { reason, at: state.clock.now(), origin: action.origin() };
    answer(
        state,
        &action,
        DocumentAction::Reject,
        |document| document.rejection = Some(rejection),
        ActivityKind::Rejected,
        vec![NotificationKind::QuoteRejected],
    )
    .await
}
