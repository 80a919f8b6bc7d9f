//! The catalog: products the business sells, each contact's price for them,
//! and the cart a contact fills before placing an order.
//!
//! Prices are always computed here, from the stored product and the contact's
//! price condition; nothing a form sends is trusted as a price.

use crate::contact::{Contact, PriceCondition};
use crate::locale::Locale;
use crate::money::{Currency, Money, div_round_half_away};
use crate::tax::VatRate;
use crate::totals::{Discount, LineAmounts, Quantity, Totals};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

crate::contact::id_type!(
    /// A product id.
    ProductId,
    "product"
);

crate::contact::id_type!(
    /// A category slug (`herramientas`, `cable`).
    CategoryId,
    "category"
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("«{0}» is not a valid SKU")]
pub struct InvalidSku(String);

/// A stock-keeping unit as the business writes it: 1..=40 of `A-Z a-z 0-9 - _ .`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sku(String);

impl Sku {
    pub fn parse(text: &str) -> Result<Self, InvalidSku> {
        let ok = (1..=40).contains(&text.len())
            && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if ok { Ok(Sku(text.to_string())) } else { Err(InvalidSku(text.into())) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Sku {
    type Error = InvalidSku;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Sku::parse(&value)
    }
}

impl From<Sku> for String {
    fn from(value: Sku) -> Self {
        value.0
    }
}

/// Text in Spanish, with an optional English version (Spanish is the fallback).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Localized {
    pub es: String,
    #[serde(default)]
    pub en: Option<String>,
}

impl Localized {
    pub fn new(es: &str, en: &str) -> Self {
        Localized { es: es.into(), en: Some(en.into()) }
    }
    pub fn get(&self, locale: Locale) -> &str {
        match (locale, &self.en) {
            (Locale::En, Some(en)) if !en.is_empty() => en,
            _ => &self.es,
        }
    }
}

/// The unit a product is sold in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Piece,
    Metre,
    Kilogram,
    Litre,
    Box,
    Hour,
}

impl Unit {
    /// The unit as written after a price ("por caja"), from [`crate::i18n::CatalogTexts`].
    pub fn label(self, locale: Locale) -> &'static str {
        let t = &crate::i18n::texts(locale).catalog;
        match self {
            Unit::Piece => t.unit_piece,
            Unit::Metre => t.unit_metre,
            Unit::Kilogram => t.unit_kilogram,
            Unit::Litre => t.unit_litre,
            Unit::Box => t.unit_box,
            Unit::Hour => t.unit_hour,
        }
    }
}

/// Whether a product can be ordered now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    InStock,
    /// Orderable; the business confirms the delivery time.
    OnRequest,
    /// Shown, but cannot be ordered.
    Unavailable,
}

impl Availability {
    pub fn orderable(self) -> bool {
        self != Availability::Unavailable
    }
}

/// A product the business sells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: ProductId,
    pub sku: Sku,
    pub name: Localized,
    #[serde(default)]
    pub description: Localized,
    pub unit: Unit,
    /// Net of tax, in minor units of `currency`.
    pub base_price_minor: i64,
    pub currency: Currency,
    pub vat: VatRate,
    /// Blob key of the product's image, if it has one.
    #[serde(default)]
    pub image: Option<String>,
    pub availability: Availability,
    pub active: bool,
    #[serde(default)]
    pub categories: Vec<CategoryId>,
}

impl Product {
    /// Shown in the catalog (inactive products exist only for old orders).
    pub fn listed(&self) -> bool {
        self.active
    }
}

/// A category of the catalog's navigation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: CategoryId,
    pub name: Localized,
}

/// A named price list: the net price of each product it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceList {
    pub name: String,
    pub prices: BTreeMap<ProductId, i64>,
}

impl PriceList {
    /// Price lists are kept in one item; this bounds it well under its size limit.
    pub const MAX_PRICES: usize = 5_000;
}

/// What a contact pays for one unit of a product, net and with IVA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactPrice {
    pub net: Money,
    /// Net plus IVA (recargo de equivalencia is added on the order's totals).
    pub with_vat: Money,
    /// The base price, when the contact's differs from it.
    pub base: Option<Money>,
}

/// The contact's unit price: the base price, less their discount, or their
/// price list's price where it names the product. Rounded half away from zero
/// to the cent, once, here.
pub fn contact_price(product: &Product, condition: &PriceCondition, price_list: Option<&PriceList>) -> ContactPrice {
    let base = product.base_price_minor;
    let net = match condition {
        PriceCondition::BasePrices => base,
        PriceCondition::Discount { discount } => {
            let kept = i128::from(10_000 - discount.basis_points());
            div_round_half_away(i128::from(base) * kept, 10_000) as i64
        }
        PriceCondition::PriceList { name } => price_list
            .filter(|list| &list.name == name)
            .and_then(|list| list.prices.get(&product.id).copied())
            .unwrap_or(base),
    };
    let vat = div_round_half_away(i128::from(net) * i128::from(product.vat.basis_points()), 10_000) as i64;
    ContactPrice {
        net: Money::new(net, product.currency),
        with_vat: Money::new(net + vat, product.currency),
        base: (net != base).then(|| Money::new(base, product.currency)),
    }
}

/// The most of one product a single order line may carry.
pub const MAX_LINE_QUANTITY: i64 = 10_000;
/// The most distinct products a cart may hold.
pub const MAX_CART_LINES: usize = 100;

/// A quantity a contact may order: positive, at most [`MAX_LINE_QUANTITY`]
/// units, with up to three decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Quantity", into = "Quantity")]
pub struct OrderQuantity(Quantity);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the quantity must be more than 0 and at most {MAX_LINE_QUANTITY}")]
pub struct OrderQuantityError;

impl OrderQuantity {
    pub fn parse(text: &str) -> Result<Self, OrderQuantityError> {
        Quantity::parse(text).map_err(|_| OrderQuantityError)?.try_into()
    }
    pub fn quantity(self) -> Quantity {
        self.0
    }
    /// Adds to a line already in the cart, refusing to pass the bound.
    pub fn plus(self, more: OrderQuantity) -> Result<Self, OrderQuantityError> {
        Quantity::from_thousandths(self.0.thousandths() + more.0.thousandths())
            .map_err(|_| OrderQuantityError)?
            .try_into()
    }
}

impl TryFrom<Quantity> for OrderQuantity {
    type Error = OrderQuantityError;
    fn try_from(value: Quantity) -> Result<Self, Self::Error> {
        let t = value.thousandths();
        if t > 0 && t <= MAX_LINE_QUANTITY * Quantity::SCALE {
            Ok(OrderQuantity(value))
        } else {
            Err(OrderQuantityError)
        }
    }
}

impl From<OrderQuantity> for Quantity {
    fn from(value: OrderQuantity) -> Self {
        value.0
    }
}

/// A product and how many: all a cart keeps (prices are looked up on display).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub product: ProductId,
    pub quantity: OrderQuantity,
}

/// A contact's cart for one session.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Cart {
    pub lines: Vec<CartLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CartError {
    #[error(transparent)]
    Quantity(#[from] OrderQuantityError),
    #[error("the cart is full")]
    Full,
}

impl Cart {
    /// Adds `quantity` of `product` (to its line if it has one).
    pub fn add(&mut self, product: ProductId, quantity: OrderQuantity) -> Result<(), CartError> {
        if let Some(line) = self.lines.iter_mut().find(|l| l.product == product) {
            line.quantity = line.quantity.plus(quantity)?;
            return Ok(());
        }
        if self.lines.len() >= MAX_CART_LINES {
            return Err(CartError::Full);
        }
        self.lines.push(CartLine { product, quantity });
        Ok(())
    }

    /// Sets a line's quantity; `None` removes the line.
    pub fn set(&mut self, product: &ProductId, quantity: Option<OrderQuantity>) {
        match quantity {
            Some(quantity) => {
                if let Some(line) = self.lines.iter_mut().find(|l| &l.product == product) {
                    line.quantity = quantity;
                }
            }
            None => self.lines.retain(|l| &l.product != product),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// A cart line priced for the contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    pub product: Product,
    pub quantity: OrderQuantity,
    pub price: ContactPrice,
}

impl PricedLine {
    pub fn amounts(&self) -> LineAmounts {
        LineAmounts {
            quantity: self.quantity.quantity(),
            unit_price_minor: self.price.net.minor,
            discount: Discount::NONE,
            vat: self.product.vat,
            irpf: None,
        }
    }
}

/// Why a cart cannot become an order as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    #[error("the cart is empty")]
    Empty,
    #[error("{0} is no longer sold")]
    Inactive(String),
    #[error("{0} is not available")]
    Unavailable(String),
    #[error("the cart mixes currencies")]
    MixedCurrencies,
}

/// Prices every line for `contact` from the current products and checks each
/// can still be ordered. `products` holds what the store has for the cart's
/// ids (a missing one is treated as no longer sold).
pub fn price_cart(
    cart: &Cart,
    products: &[Product],
    contact: &Contact,
    price_list: Option<&PriceList>,
    locale: Locale,
) -> Result<Vec<PricedLine>, OrderError> {
    if cart.is_empty() {
        return Err(OrderError::Empty);
    }
    let mut priced = Vec::with_capacity(cart.lines.len());
    for line in &cart.lines {
        let Some(product) = products.iter().find(|p| p.id == line.product) else {
            return Err(OrderError::Inactive(line.product.to_string()));
        };
        if !product.active {
            return Err(OrderError::Inactive(product.name.get(locale).to_string()));
        }
        if !product.availability.orderable() {
            return Err(OrderError::Unavailable(product.name.get(locale).to_string()));
        }
        let price = contact_price(product, &contact.price_condition, price_list);
        priced.push(PricedLine { product: product.clone(), quantity: line.quantity, price });
    }
    let currency = priced[0].product.currency;
    if priced.iter().any(|l| l.product.currency != currency) {
        return Err(OrderError::MixedCurrencies);
    }
    Ok(priced)
}

/// The cart's totals under the domain's tax rules (recargo for contacts under it).
pub fn cart_totals(lines: &[PricedLine], contact: &Contact) -> Option<Totals> {
    let currency = lines.first()?.product.currency;
    Some(Totals::compute(currency, lines.iter().map(PricedLine::amounts), contact.recargo_equivalencia))
}

/// Turns catalog text into the words search matches on: lowercase, accents
/// folded, split at anything that is not a letter or digit.
pub fn search_words(text: &str) -> Vec<String> {
    let folded: String = text.chars().flat_map(char::to_lowercase).map(fold_accent).collect();
    let mut words: Vec<String> =
        folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect();
    words.sort();
    words.dedup();
    words
}

fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'ä' | 'â' => 'a',
        'é' | 'è' | 'ë' | 'ê' => 'e',
        'í' | 'ì' | 'ï' | 'î' => 'i',
        'ó' | 'ò' | 'ö' | 'ô' => 'o',
        'ú' | 'ù' | 'ü' | 'û' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        other => other,
    }
}

/// The key a product sorts by in the catalog: its Spanish name, folded.
pub fn sort_name(product: &Product) -> String {
    product.name.es.chars().flat_map(char::to_lowercase).map(fold_accent).take(100).collect()
}

/// The words a product is found by: its SKU and its names in both languages.
pub fn product_search_words(product: &Product) -> Vec<String> {
    let mut text = format!("{} {}", product.sku.as_str(), product.name.es);
    if let Some(en) = &product.name.en {
        text.push(' ');
        text.push_str(en);
    }
    let mut words = search_words(&text);
    words.truncate(MAX_SEARCH_WORDS);
    words
}

/// Search words indexed per product (bounds the index items a product writes).
pub const MAX_SEARCH_WORDS: usize = 24;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::{ContactId, ContactRole, EmailAddress};

    fn product(id: &str, base: i64, vat: VatRate) -> Product {
        Product {
            id: ProductId::parse(id).unwrap(),
            sku: Sku::parse(&id.to_uppercase()).unwrap(),
            name: Localized::new("Taladro percutor", "Hammer drill"),
            description: Localized::default(),
            unit: Unit::Piece,
            base_price_minor: base,
            currency: Currency::EUR,
            vat,
            image: None,
            availability: Availability::InStock,
            active: true,
            categories: vec![],
        }
    }

    fn contact(condition: PriceCondition, recargo: bool) -> Contact {
        Contact {
            id: ContactId::parse("c1").unwrap(),
            name: "Ferretería".into(),
            tax_id: None,
            role: ContactRole::Customer,
            emails: vec![EmailAddress::parse("a@b.es").unwrap()],
            locale: Locale::Es,
            portal_access: true,
            catalog: true,
            price_condition: condition,
            recargo_equivalencia: recargo,
            address: None,
        }
    }

    #[test]
    fn each_price_condition_prices_the_product_its_own_way() {
        let drill = product("drill", 8_950, VatRate::General21);
        let base = contact_price(&drill, &PriceCondition::BasePrices, None);
        assert_eq!((base.net.minor, base.with_vat.minor, base.base), (8_950, 10_830, None));
        // 12.5 % off 89.50 = 78.3125 → 78.31; IVA 16.4451 → 16.45.
        let discount = PriceCondition::Discount { discount: Discount::try_from(1250).unwrap() };
        let off = contact_price(&drill, &discount, None);
        assert_eq!((off.net.minor, off.with_vat.minor), (7_831, 9_476));
        assert_eq!(off.base.map(|m| m.minor), Some(8_950));
        let list = PriceList { name: "mayorista".into(), prices: BTreeMap::from([(drill.id.clone(), 7_000)]) };
        let listed = PriceCondition::PriceList { name: "mayorista".into() };
        assert_eq!(contact_price(&drill, &listed, Some(&list)).net.minor, 7_000);
        let other = product("saw", 5_000, VatRate::Reduced10);
        assert_eq!(contact_price(&other, &listed, Some(&list)).net.minor, 5_000, "not in the list: base price");
        let wrong = PriceList { name: "otra".into(), ..list };
        assert_eq!(contact_price(&drill, &listed, Some(&wrong)).net.minor, 8_950, "another list never applies");
    }

    #[test]
    fn order_quantities_are_positive_and_bounded() {
        assert!(OrderQuantity::parse("0").is_err());
        assert!(OrderQuantity::parse("-1").is_err());
        assert!(OrderQuantity::parse("10001").is_err());
        assert!(OrderQuantity::parse("abc").is_err());
        assert_eq!(OrderQuantity::parse("2,5").unwrap().quantity().thousandths(), 2_500);
        let big = OrderQuantity::parse("9999").unwrap();
        assert!(big.plus(OrderQuantity::parse("2").unwrap()).is_err(), "adding cannot pass the bound");
    }

    #[test]
    fn a_cart_merges_lines_and_removes_them() {
        let mut cart = Cart::default();
        let drill = ProductId::parse("drill").unwrap();
        cart.add(drill.clone(), OrderQuantity::parse("2").unwrap()).unwrap();
        cart.add(drill.clone(), OrderQuantity::parse("1").unwrap()).unwrap();
        assert_eq!(cart.lines.len(), 1);
        assert_eq!(cart.lines[0].quantity.quantity().thousandths(), 3_000);
        cart.set(&drill, None);
        assert!(cart.is_empty());
    }

    #[test]
    fn a_cart_is_priced_from_the_store_with_recargo_and_refuses_what_cannot_be_sold() {
        let mut cart = Cart::default();
        cart.add(ProductId::parse("drill").unwrap(), OrderQuantity::parse("2").unwrap()).unwrap();
        let retailer = contact(PriceCondition::BasePrices, true);
        let mut products = vec![product("drill", 8_950, VatRate::General21)];
        let lines = price_cart(&cart, &products, &retailer, None, Locale::Es).unwrap();
        let totals = cart_totals(&lines, &retailer).unwrap();
        // Base 179.00; IVA 21 % 37.59; recargo 5.2 % 9.31; total 225.90.
        assert_eq!(totals.total, 22_590);
        products[0].availability = Availability::Unavailable;
        assert_eq!(
            price_cart(&cart, &products, &retailer, None, Locale::Es),
            Err(OrderError::Unavailable("Taladro percutor".into()))
        );
        products[0].active = false;
        assert!(matches!(price_cart(&cart, &products, &retailer, None, Locale::Es), Err(OrderError::Inactive(_))));
        assert!(matches!(price_cart(&cart, &[], &retailer, None, Locale::Es), Err(OrderError::Inactive(_))));
        assert_eq!(price_cart(&Cart::default(), &products, &retailer, None, Locale::Es), Err(OrderError::Empty));
    }

    #[test]
    fn search_words_fold_case_and_accents() {
        assert_eq!(search_words("Cable RZ1-K Ø20 Eléctrico"), ["cable", "electrico", "k", "rz1", "ø20"]);
        let drill = product("tal-850", 1, VatRate::General21);
        assert_eq!(product_search_words(&drill), ["850", "drill", "hammer", "percutor", "tal", "taladro"]);
    }
}
