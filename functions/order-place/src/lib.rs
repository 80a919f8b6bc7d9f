//! `portal-order-place`: turns the contact's cart into a sales order
//! (`portal_app::orders::place_order`), priced again from the stored
//! products for exactly the cart the contact was shown (its version travels
//! in the form).

use portal_app::orders::{self, OrderRequest, PlaceError};
use portal_domain::DocumentKind;
use portal_domain::interaction::optional_note;
use portal_web::error::Problem;
use portal_web::routes::url;
use portal_web::{AppState, Body, Request, Response, WebError, WebResult, csrf, http, respond, shop, tokens};

/// Serves `POST /cart/order`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = place(state, &request).await.map_err(|error| match error {
        WebError::Problem(problem) if problem != Problem::NotFound => WebError::Refused { problem, back: url::cart() },
        other => other,
    });
    respond::finish(state, &request, result)
}

/// The cart page's order form.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct OrderForm {
    /// The cart version the page showed.
    pub cart_version: String,
    pub note: String,
}

/// Places the order and shows it.
pub async fn place(state: &AppState, request: &Request) -> WebResult {
    let viewer = shop::require_catalog_contact(state, request).await?;
    let form: OrderForm = csrf::form(state, request)?;
    let seen_cart_version: u64 = form.cart_version.trim().parse().map_err(|_| Problem::CartChanged)?;
    let note = optional_note(&form.note).map_err(|_| Problem::NoteInvalid)?;
    let order = OrderRequest {
        contact: &viewer.contact,
        cart: shop::cart_owner(&viewer),
        seen_cart_version,
        note,
        link_nonce: tokens::new_link_nonce(),
    };
    let placed = orders::place_order(state.store.as_ref(), state.stamps(), order).await.map_err(|e| match e {
        PlaceError::CartEmpty => Problem::CartEmpty.into(),
        PlaceError::CartChanged(why) => {
            tracing::warn!(cause = %why, "order not placed");
            Problem::CartChanged.into()
        }
        PlaceError::CartBlocked => Problem::CartBlocked.into(),
        PlaceError::Write(e) => WebError::from(e),
    })?;
    Ok(http::see_other(&url::document(DocumentKind::SalesOrder, &placed.id)))
}
