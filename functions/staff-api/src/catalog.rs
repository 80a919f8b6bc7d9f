//! Products and price lists: what contacts with the catalog option can order.

use crate::text;
use lambda_http::http::StatusCode;
use portal_domain::catalog::{Availability, CategoryId, Localized, PriceList, Product, ProductId, Sku, Unit};
use portal_domain::ports::check_blob_key;
use portal_domain::{Currency, VatRate};
use portal_web::api::{self, ApiError, ApiResult};
use portal_web::{AppState, Request};
use serde::Deserialize;
use std::collections::BTreeMap;

/// A product as staff write it; the id is the path's.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    pub sku: Sku,
    pub name: Localized,
    #[serde(default)]
    pub description: Localized,
    pub unit: Unit,
    pub base_price_minor: i64,
    /// Defaults to the business's currency.
    #[serde(default)]
    pub currency: Option<Currency>,
    pub vat: VatRate,
    #[serde(default)]
    pub image: Option<String>,
    pub availability: Availability,
    #[serde(default = "active")]
    pub active: bool,
    #[serde(default)]
    pub categories: Vec<CategoryId>,
}

fn active() -> bool {
    true
}

/// Checks a product's own words in both languages (data staff type, not the
/// portal's texts): Spanish where `required`, English always optional.
fn localized(field: &str, value: Localized, max: usize, required: bool) -> Result<Localized, ApiError> {
    let spanish = if required || !value.es.trim().is_empty() {
        text(&format!("{field}.es"), &value.es, max)?
    } else {
        String::new()
    };
    let english = crate::optional_text(&format!("{field}.en"), value.en.as_deref(), max)?;
    Ok(Localized { es: spanish, en: english })
}

/// `GET /api/v1/products/{id}`.
pub async fn show_product(state: &AppState, id: &str) -> ApiResult {
    let id = ProductId::parse(id).map_err(|_| ApiError::not_found("product"))?;
    let product = state.store.product(&id).await?.ok_or_else(|| ApiError::not_found("product"))?;
    api::json(StatusCode::OK, &product)
}

/// `PUT /api/v1/products/{id}`: creates or replaces the product, with its
/// catalog, category and search entries.
pub async fn save_product(state: &AppState, request: &Request, id: &str) -> ApiResult {
    let id = ProductId::parse(id)
        .map_err(|_| ApiError::invalid("id", "A product id has 1 to 64 lowercase letters, digits or dashes."))?;
    let body: ProductInput = api::body(request)?;
    if !(0..=crate::documents::MAX_UNIT_PRICE_MINOR).contains(&body.base_price_minor) {
        return Err(ApiError::invalid("base_price_minor", "The price is out of range."));
    }
    if let Some(image) = &body.image {
        check_blob_key(image).map_err(|_| ApiError::invalid("image", "The image is the key of a stored file."))?;
    }
    if body.categories.len() > 20 {
        return Err(ApiError::invalid("categories", "A product is in at most 20 categories."));
    }
    let currency = match body.currency {
        Some(currency) => currency,
        None => {
            state
                .store
                .business_settings()
                .await?
                .ok_or_else(|| ApiError::internal("settings missing"))?
                .default_currency
        }
    };
    let product = Product {
        id,
        sku: body.sku,
        name: localized("name", body.name, 200, true)?,
        description: localized("description", body.description, 2000, false)?,
        unit: body.unit,
        base_price_minor: body.base_price_minor,
        currency,
        vat: body.vat,
        image: body.image,
        availability: body.availability,
        active: body.active,
        categories: body.categories.into_iter().fold(Vec::new(), |mut unique, category| {
            if !unique.contains(&category) {
                unique.push(category);
            }
            unique
        }),
    };
    state.store.save_product(&product).await?;
    api::json(StatusCode::OK, &product)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceListInput {
    /// Net price per product, in minor units.
    pub prices: BTreeMap<ProductId, i64>,
}

fn list_name(name: &str) -> Result<String, ApiError> {
    let ok = (1..=80).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok { Ok(name.to_string()) } else { Err(ApiError::not_found("price list")) }
}

/// `GET /api/v1/price-lists/{name}`.
pub async fn show_price_list(state: &AppState, name: &str) -> ApiResult {
    let name = list_name(name)?;
    let list = state.store.price_list(&name).await?.ok_or_else(|| ApiError::not_found("price list"))?;
    api::json(StatusCode::OK, &list)
}

/// `PUT /api/v1/price-lists/{name}`: creates or replaces a named price list;
/// contacts whose price condition names it see its prices.
pub async fn save_price_list(state: &AppState, request: &Request, name: &str) -> ApiResult {
    let name = list_name(name).map_err(|_| {
        ApiError::invalid("name", "A price list name has 1 to 80 letters, digits, dots, dashes or underscores.")
    })?;
    let body: PriceListInput = api::body(request)?;
    if body.prices.len() > PriceList::MAX_PRICES {
        return Err(ApiError::invalid("prices", format!("A price list has at most {} prices.", PriceList::MAX_PRICES)));
    }
    if let Some((product, _)) =
        body.prices.iter().find(|(_, price)| !(0..=crate::documents::MAX_UNIT_PRICE_MINOR).contains(*price))
    {
        return Err(ApiError::invalid(format!("prices.{product}"), "The price is out of range."));
    }
    let list = PriceList { name, prices: body.prices };
    state.store.save_price_list(&list).await?;
    api::json(StatusCode::OK, &list)
}
