//! `portal-catalog`: the products a contact with the catalog option can order,
//! at their own prices, by category or by search, a page at a time; and the
//! products' images.
//!
//! Storage calls per page: contact, settings, categories, the contact's price
//! list (if any), the cart, and one index query — however many products the
//! business sells.

use lambda_http::http::StatusCode;
use lambda_http::http::header::CACHE_CONTROL;
use portal_domain::catalog::{self, CategoryId, ProductId};
use portal_domain::ports::{CatalogQuery, CatalogSection, Disposition};
use portal_web::error::Problem;
use portal_web::routes::{CATALOG, PRODUCT_IMAGE};
use portal_web::views::catalog::{self as view, CatalogEntry, CatalogPage};
use portal_web::{AppState, Body, Request, Response, WebError, WebResult, csrf, http, respond, shop};
use std::time::Duration;

/// Products per catalog page.
pub const PAGE_SIZE: u32 = 24;
/// Search results shown (a search is refined rather than paged).
pub const SEARCH_LIMIT: u32 = 48;
/// The longest search text read.
pub const MAX_SEARCH_CHARS: usize = 80;
/// How long an image URL works, and how long the browser may reuse the redirect.
pub const IMAGE_URL_LIFETIME: Duration = Duration::from_secs(10 * 60);

/// Serves `GET /catalog` and `GET /catalog/products/{id}/image`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = if PRODUCT_IMAGE.serves(request.method(), request.uri().path()).is_some() {
        image(state, &request).await
    } else {
        browse(state, &request).await
    };
    respond::finish(state, &request, result)
}

/// A page of the catalog: `?category=`, `?q=` (search) and `?cursor=` optional.
pub async fn browse(state: &AppState, request: &Request) -> WebResult {
    CATALOG.matches(request.uri().path()).ok_or(Problem::NotFound)?;
    let viewer = shop::require_catalog_contact(state, request).await?;
    let query = http::query(request);
    let search: Option<String> =
        query.get("q").map(|q| q.trim().chars().take(MAX_SEARCH_CHARS).collect::<String>()).filter(|q| !q.is_empty());
    let category = match query.get("category").filter(|c| !c.is_empty()) {
        Some(slug) => Some(CategoryId::parse(slug).map_err(|_| Problem::InvalidFilter)?),
        None => None,
    };
    let cursor = query.get("cursor").cloned();
    let contact = &viewer.contact;
    let owner = shop::cart_owner(&viewer);
    let (settings, categories, price_list, cart) = tokio::join!(
        state.business_settings(),
        state.store.categories(),
        portal_app::orders::price_list(state.store.as_ref(), contact),
        state.store.cart(&owner),
    );
    let (settings, categories, price_list, cart) = (settings?, categories?, price_list?, cart?);
    let current = match &category {
        Some(id) => Some(categories.iter().find(|c| &c.id == id).ok_or(Problem::NotFound)?),
        None => None,
    };
    let (products, next, search_limited) = match &search {
        Some(text) => {
            let words = catalog::search_words(text);
            let mut found = state.store.search_catalog(&words, SEARCH_LIMIT + 1).await?;
            let limited = found.len() > SEARCH_LIMIT as usize;
            found.truncate(SEARCH_LIMIT as usize);
            (found, None, limited)
        }
        None => {
            let section = category.clone().map_or(CatalogSection::All, CatalogSection::Category);
            let page =
                state.store.catalog_page(&CatalogQuery { section, limit: PAGE_SIZE, cursor: cursor.clone() }).await?;
            (page.items, page.next, false)
        }
    };
    let entries = products
        .into_iter()
        .map(|product| {
            let price = catalog::contact_price(&product, &contact.price_condition, price_list.as_ref());
            CatalogEntry { product, price }
        })
        .collect();
    let t = view::texts(contact.locale);
    let notice = match query.get("done").map(String::as_str) {
        Some("added") => Some(t.added),
        Some("reordered") => Some(t.reordered),
        _ => None,
    };
    let csrf = csrf::prepare(state, request);
    let html = view::catalog(CatalogPage {
        settings: &settings,
        contact,
        csrf: &csrf.token,
        categories: &categories,
        category: current,
        search: search.as_deref(),
        entries,
        search_limited,
        first_page: cursor.is_none(),
        next_cursor: next,
        cart_lines: cart.cart.lines.len(),
        notice,
    });
    let mut response = respond::page(StatusCode::OK, html);
    csrf.apply(state, &mut response);
    Ok(response)
}

/// Redirects to a short-lived URL of an active product's image.
pub async fn image(state: &AppState, request: &Request) -> WebResult {
    let params = PRODUCT_IMAGE.matches(request.uri().path()).ok_or(Problem::NotFound)?;
    shop::require_catalog_contact(state, request).await?;
    let id = params.get("id").and_then(|id| ProductId::parse(id).ok()).ok_or(Problem::NotFound)?;
    let product = state.store.product(&id).await?.filter(|p| p.active).ok_or(Problem::NotFound)?;
    let key = product.image.as_deref().ok_or(Problem::NotFound)?;
    let file_name = format!("{}.{}", product.sku.as_str(), key.rsplit('.').next().unwrap_or("img"));
    let url = state
        .blobs
        .presigned_get(key, &file_name, Disposition::Inline, IMAGE_URL_LIFETIME)
        .await
        .map_err(WebError::fault)?;
    let mut response = http::see_other(&url);
    // The same image is asked for on every catalog page: let the browser
    // reuse the redirect for a while (well inside the URL's lifetime).
    let cache = format!("private, max-age={}", IMAGE_URL_LIFETIME.as_secs() / 2);
    if let Ok(value) = cache.parse() {
        response.headers_mut().insert(CACHE_CONTROL, value);
    }
    Ok(response)
}
