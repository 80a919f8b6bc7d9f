//! `portal-order-confirm`: a supplier confirms a purchase order sent to them,
//! optionally with a delivery date and a note; staff are told by email.

use portal_domain::interaction::{NotificationKind, SupplierConfirmation, optional_note};
use portal_domain::ports::{DocumentChange, StoreError};
use portal_domain::{ActivityKind, Capability, DocumentAction, DocumentKind};
use portal_web::actions;
use portal_web::error::Problem;
use portal_web::routes::ORDER_CONFIRM;
use portal_web::{AppState, Body, Request, Response, WebError, WebResult, respond};
use time::Date;
use time::macros::format_description;

/// Serves `POST /documents/purchase-orders/{id}/confirm`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = confirm(state, &request).await;
    respond::finish(state, &request, result)
}

/// Parses an optional `YYYY-MM-DD` delivery date that is not in the past.
pub fn delivery_date(text: &str, today: Date) -> Result<Option<Date>, Problem> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let date = Date::parse(text, format_description!("[year]-[month]-[day]")).map_err(|_| Problem::DateInvalid)?;
    if date < today { Err(Problem::DateInvalid) } else { Ok(Some(date)) }
}

/// Confirms the order once; a second confirmation is told it already is.
pub async fn confirm(state: &AppState, request: &Request) -> WebResult {
    let action = actions::prepare(state, request, &ORDER_CONFIRM, Some(DocumentKind::PurchaseOrder)).await?;
    let document = &action.document;
    let actor = action.accessor.actor(document);
    if !actor.may(Capability::ConfirmOrder, document) {
        return Err(Problem::NotFound.into());
    }
    let today = state.clock.today();
    let delivery = delivery_date(action.field("delivery_date"), today).map_err(|p| action.refuse(p))?;
    let note = optional_note(action.field("note")).map_err(|_| action.refuse(Problem::NoteInvalid))?;
    let status = document.transition(DocumentAction::Confirm, &actor, today).map_err(|_| {
        action.refuse(if document.supplier_confirmation.is_some() {
            Problem::AlreadyConfirmed
        } else {
            Problem::ActionUnavailable
        })
    })?;
    action.require_seen_version()?;
    let mut updated = document.clone();
    updated.status = status;
    updated.content_version += 1;
    updated.supplier_confirmation =
        Some(SupplierConfirmation { delivery_date: delivery, note, at: state.clock.now(), origin: action.origin() });
    let change = DocumentChange {
        document: updated,
        events: vec![actions::event(state, document, ActivityKind::Confirmed)],
        notifications: actions::to_staff(
            state,
            &action.settings,
            NotificationKind::PurchaseOrderConfirmed,
            document,
            None,
        ),
    };
    match state.store.apply_change(&change).await {
        Ok(()) => Ok(actions::back_to(document)),
        Err(StoreError::Conflict(_)) => Err(action.refuse(Problem::AlreadyConfirmed)),
        Err(other) => Err(WebError::from(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn delivery_dates_are_optional_iso_and_not_past() {
        let today = date!(2026 - 11 - 28);
        assert_eq!(delivery_date("", today), Ok(None));
        assert_eq!(delivery_date("2026-12-01", today), Ok(Some(date!(2026 - 12 - 01))));
        assert_eq!(delivery_date("2026-11-27", today), Err(Problem::DateInvalid));
        assert_eq!(delivery_date("01/12/2026", today), Err(Problem::DateInvalid));
    }
}
