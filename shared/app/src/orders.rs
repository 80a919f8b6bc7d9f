//! Ordering from the catalog: pricing a cart from the store (never from the
//! form) and turning it into a sales order.

use crate::stamps::Stamps;
use crate::write::{self, WriteError};
use portal_domain::catalog::{self, OrderError, PriceList, PricedLine};
use portal_domain::interaction::NotificationKind;
use portal_domain::ports::{CartOwner, CatalogStore, NewOrder, OrderStore, SettingsStore, StoreError, StoredCart};
use portal_domain::{
    ActivityKind, Contact, Discount, Document, DocumentId, DocumentKind, DocumentNumber, Line, LinkNonce,
    PriceCondition,
};

/// Sales-order numbers: `PED2026-0052`, one sequence per year.
pub fn order_number(year: i32, sequence: u64) -> DocumentNumber {
    // A year and a counter always make a valid number.
    DocumentNumber::parse(&format!("PED{year}-{sequence:04}")).unwrap_or_else(|_| unreachable!("order number"))
}

/// The contact's price list, when their price condition names one.
pub async fn price_list<S: CatalogStore + ?Sized>(
    store: &S,
    contact: &Contact,
) -> Result<Option<PriceList>, StoreError> {
    match &contact.price_condition {
        PriceCondition::PriceList { name } => store.price_list(name).await,
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
pub async fn priced_cart<S>(store: &S, contact: &Contact, owner: &CartOwner) -> Result<PricedCart, StoreError>
where
    S: OrderStore + CatalogStore + ?Sized,
{
    let stored = store.cart(owner).await?;
    let ids: Vec<_> = stored.cart.lines.iter().map(|l| l.product.clone()).collect();
    let (products, price_list) = tokio::join!(store.products(&ids), price_list(store, contact));
    let (products, price_list) = (products?, price_list?);
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

/// An order as the contact sends it from their cart page.
pub struct OrderRequest<'a> {
    pub contact: &'a Contact,
    pub cart: CartOwner,
    /// The cart version the page showed: an order is for exactly that cart.
    pub seen_cart_version: u64,
    pub note: Option<String>,
    /// The secret-free half of the order's access link.
    pub link_nonce: LinkNonce,
}

#[derive(Debug, thiserror::Error)]
pub enum PlaceError {
    #[error("the cart is empty")]
    CartEmpty,
    #[error("the cart changed since it was shown: {0}")]
    CartChanged(String),
    #[error("something in the cart cannot be ordered")]
    CartBlocked,
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Prices the cart again from the store and places it as a sales order. Its
/// number comes from the business's order sequence in the same atomic write
/// that stores the order, its event and its two notifications (staff, and
/// the contact's confirmation) and empties the cart: concurrent orders get
/// distinct consecutive numbers and none is lost.
pub async fn place_order<S>(store: &S, stamps: Stamps<'_>, order: OrderRequest<'_>) -> Result<Document, PlaceError>
where
    S: OrderStore + CatalogStore + SettingsStore + ?Sized,
{
    let contact = order.contact;
    let (settings, priced) = tokio::join!(write::settings(store), priced_cart(store, contact, &order.cart));
    let (settings, priced) = (settings?, priced.map_err(WriteError::from)?);
    if priced.stored.cart.is_empty() {
        return Err(PlaceError::CartEmpty);
    }
    if priced.stored.version != order.seen_cart_version {
        return Err(PlaceError::CartChanged(format!(
            "shown version {}, stored {}",
            order.seen_cart_version, priced.stored.version
        )));
    }
    if priced.problem.is_some() {
        return Err(PlaceError::CartBlocked);
    }
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
    let today = stamps.today();
    // The store assigns the id and number from the year's sequence when it
    // writes the order (`OrderStore::place_order`), replacing these two.
    let provisional = DocumentId::parse("d-pending")
        .map_err(|e| WriteError::Store(StoreError::Corrupt(format!("provisional order id: {e}"))))?;
    let number = order_number(today.year(), 0);
    let mut document = Document::new(
        provisional,
        DocumentKind::SalesOrder,
        number,
        contact.id.clone(),
        today,
        currency,
        order.link_nonce,
    );
    document.lines = lines;
    document.recargo = contact.recargo_equivalencia;
    document.notes = order.note;
    let mut notifications = stamps.to_staff(&settings, NotificationKind::OrderPlaced, &document, None);
    notifications.extend(stamps.to_contact(contact, NotificationKind::OrderReceipt, &document, None));
    let new = NewOrder {
        events: vec![stamps.event(&document, ActivityKind::OrderPlaced)],
        document,
        notifications,
        cart: order.cart,
        cart_version: priced.stored.version,
    };
    match store.place_order(&new, order_number).await {
        Ok(placed) => {
            tracing::info!(order = %placed.id, number = placed.number.as_str(), "order placed");
            Ok(placed)
        }
        // The cart changed between pricing and writing (another tab ordered it).
        Err(StoreError::Conflict(why)) => Err(PlaceError::CartChanged(why)),
        Err(other) => Err(WriteError::Store(other).into()),
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
