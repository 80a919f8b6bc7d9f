//! What the catalog, cart and ordering functions share: who may shop, whose
//! cart it is, and its cart priced from the store (never from the form).

use crate::auth::{self, Viewer};
use crate::error::{Problem, WebError};
use crate::state::AppState;
use portal_app::orders::{self, PricedCart};
use portal_domain::ports::CartOwner;

/// The logged-in contact, if they have the catalog option. For everyone
/// else the catalog does not exist (404), as the navigation shows.
pub async fn require_catalog_contact(state: &AppState, request: &crate::Request) -> Result<Viewer, WebError> {
    let viewer = auth::require_contact(state, request).await?;
    if !viewer.contact.catalog {
        return Err(Problem::NotFound.into());
    }
    Ok(viewer)
}

/// The cart of this login.
pub fn cart_owner(viewer: &Viewer) -> CartOwner {
    CartOwner { contact: viewer.contact.id.clone(), session: viewer.session.id.clone() }
}

/// The viewer's cart priced from the store (`portal_app::orders::priced_cart`).
pub async fn priced_cart(state: &AppState, viewer: &Viewer) -> Result<PricedCart, WebError> {
    Ok(orders::priced_cart(state.store.as_ref(), &viewer.contact, &cart_owner(viewer)).await?)
}
