//! `portal-order-confirm`: a supplier confirms a purchase order sent to them,
//! optionally with a delivery date and a note; staff are told by email.

use portal_app::answers::{self, OrderConfirmation};
use portal_domain::DocumentKind;
use portal_domain::interaction::optional_note;
use portal_web::actions;
use portal_web::error::Problem;
use portal_web::routes::ORDER_CONFIRM;
use portal_web::{AppState, Body, Request, Response, WebResult, respond};
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
    let delivery_date =
        delivery_date(action.field("delivery_date"), state.clock.today()).map_err(|p| action.refuse(p))?;
    let note = optional_note(action.field("note")).map_err(|_| action.refuse(Problem::NoteInvalid))?;
    let confirmation = OrderConfirmation { delivery_date, note };
    answers::confirm_purchase_order(state.store.as_ref(), state.stamps(), action.on_document(), confirmation)
        .await
        .map_err(|e| action.refuse_answer(e))?;
    Ok(actions::back_to(&action.document))
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
