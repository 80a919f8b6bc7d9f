//! `portal-order-place`: turns the contact's cart into a sales order.
//!
//! The order is priced again here from the stored products and the contact's
//! price condition, for exactly the cart the contact was shown (its version
//! travels in the form). Its number comes from the business's order sequence
//! in the same atomic write that stores the order, its event and its two
//! notifications (staff, and the contact's confirmation) and empties the cart:
//! concurrent orders get distinct consecutive numbers and none is lost.

use portal_domain::document::AccessLink;
use portal_domain::interaction::{NotificationKind, optional_note};
use portal_domain::ports::{NewOrder, StoreError};
use portal_domain::{ActivityKind, Discount, Document, DocumentId, DocumentKind, DocumentNumber, Line};
use portal_web::error::Problem;
use portal_web::routes::url;
use portal_web::{AppState, Body, Request, Response, WebError, WebResult, actions, csrf, http, respond, shop, tokens};

/// Serves `POST /cart/order`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = place(state, &request).await.map_err(|error| match error {
        WebError::Problem(problem) if problem != Problem::NotFound => WebError::Refused { problem, back: url::cart() },
        other => other,
    });
    respond::finish(state, &request, result)
}

/// Sales-order numbers: `PED2026-0052`, one sequence per year.
pub fn order_number(year: i32, sequence: u64) -> DocumentNumber {
    // A year and a counter always make a valid number.
    DocumentNumber::parse(&format!("PED{year}-{sequence:04}")).unwrap_or_else(|_| unreachable!("order number"))
}

/// Places the order and shows it.
pub async fn place(state: &AppState, request: &Request) -> WebResult {
    let viewer = shop::require_catalog_contact(state, request).await?;
    let form = http::form(request)?;
    csrf::verify(state, request, &form)?;
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    let seen_version: u64 = field("cart_version").trim().parse().map_err(|_| Problem::CartChanged)?;
    let note = optional_note(field("note")).map_err(|_| Problem::NoteInvalid)?;
    let (settings, priced) = tokio::join!(state.business_settings(), shop::priced_cart(state, &viewer));
    let (settings, priced) = (settings?, priced?);
    if priced.stored.cart.is_empty() {
        return Err(Problem::CartEmpty.into());
    }
    if priced.stored.version != seen_version {
        return Err(Problem::CartChanged.into());
    }
    if priced.problem.is_some() {
        return Err(Problem::CartBlocked.into());
    }
    let contact = &viewer.contact;
    let currency = priced.lines[0].product.currency;
    let lines = priced
        .lines
        .iter()
        .map(|line| Line {
            description: format!("{} ({})", line.product.name.get(contact.locale), line.product.sku.as_str()),
            quantity: line.quantity.quantity(),
            unit_price_minor: line.price.net.minor,
            discount: Discount::NONE,
            vat: line.product.vat,
            irpf: None,
            product: Some(line.product.id.clone()),
        })
        .collect();
    let pending = |e: portal_domain::contact::InvalidId| WebError::Internal(e.to_string());
    // The store assigns the id and number from the year's sequence when it
    // writes the order (`OrderStore::place_order`), replacing these two.
    let document = Document {
        id: DocumentId::parse("d-pending").map_err(pending)?,
        kind: DocumentKind::SalesOrder,
        number: order_number(state.clock.today().year(), 0),
        contact_id: contact.id.clone(),
        status: DocumentKind::SalesOrder.initial_status(),
        issue_date: state.clock.today(),
        due_date: None,
        valid_until: None,
        currency,
        lines,
        recargo: contact.recargo_equivalencia,
        notes: note,
        paid_minor: 0,
        access_link: AccessLink { nonce: tokens::new_link_nonce(), expires_at: None },
        content_version: 1,
        acceptance: None,
        rejection: None,
        supplier_confirmation: None,
    };
    let mut notifications = actions::to_staff(state, &settings, NotificationKind::OrderPlaced, &document, None);
    notifications.extend(actions::to_contact(state, contact, NotificationKind::OrderReceipt, &document, None));
    let order = NewOrder {
        events: vec![actions::event(state, &document, ActivityKind::OrderPlaced)],
        document,
        notifications,
        cart: shop::cart_owner(&viewer),
        cart_version: priced.stored.version,
    };
    match state.store.place_order(&order, order_number).await {
        Ok(placed) => {
            tracing::info!(order = %placed.id, number = placed.number.as_str(), "order placed");
            Ok(http::see_other(&url::document(DocumentKind::SalesOrder, &placed.id)))
        }
        // The cart changed between pricing and writing (another tab ordered it).
        Err(StoreError::Conflict(why)) => {
            tracing::warn!(cause = %why, "order not placed");
            Err(Problem::CartChanged.into())
        }
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_numbers_follow_the_business_format() {
        assert_eq!(order_number(2026, 52).as_str(), "PED2026-0052");
        assert_eq!(order_number(2027, 12345).as_str(), "PED2027-12345");
    }
}
