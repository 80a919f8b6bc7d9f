//! What the catalog, cart and ordering functions share: who may shop, whose
//! cart it is, and pricing a cart from the store (never from the form).

use crate::auth::{self, Viewer};
use crate::error::{Problem, WebError};
use crate::state::AppState;
use portal_domain::catalog::{self, OrderError, PriceList, PricedLine};
use portal_domain::ports::{CartOwner, StoredCart};
use portal_domain::{Contact, PriceCondition};

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

/// The contact's price list, when their price condition names one.
pub async fn price_list(state: &AppState, contact: &Contact) -> Result<Option<PriceList>, WebError> {
    match &contact.price_condition {
        PriceCondition::PriceList { name } => Ok(state.store.price_list(name).await?),
        _ => Ok(None),
    }
}

/// A cart with every line priced for the contact from the current products,
/// and why it cannot be ordered as it is, if it cannot.
pub struct PricedCart {
    pub stored: StoredCart,
    /// Every line whose product still exists (a product is never deleted,
    /// only made inactive), priced, in the cart's order.
    pub lines: Vec<PricedLine>,
    pub problem: Option<OrderError>,
}

/// Reads the cart, its products and the contact's price list: one read for
/// the cart, one per distinct product (bounded by the cart's size), one for
/// the price list.
pub async fn priced_cart(state: &AppState, viewer: &Viewer) -> Result<PricedCart, WebError> {
    let stored = state.store.cart(&cart_owner(viewer)).await?;
    let ids: Vec<_> = stored.cart.lines.iter().map(|l| l.product.clone()).collect();
    let (products, price_list) = tokio::join!(state.store.products(&ids), price_list(state, &viewer.contact));
    let (products, price_list) = (products?, price_list?);
    let contact = &viewer.contact;
    let lines = stored
        .cart
        .lines
        .iter()
        .filter_map(|line| {
            let product = products.iter().find(|p| p.id == line.product)?;
            let price = catalog::contact_price(product, &contact.price_condition, price_list.as_ref());
            Some(PricedLine { product: product.clone(), quantity: line.quantity, price })
        })
        .collect();
    let problem = catalog::price_cart(&stored.cart, &products, contact, price_list.as_ref(), contact.locale).err();
    Ok(PricedCart { stored, lines, problem })
}
