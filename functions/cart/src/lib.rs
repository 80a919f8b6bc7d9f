//! `portal-cart`: a contact's cart for this login — shown with the domain's
//! totals, filled from the catalog or from a past order, changed line by line.
//!
//! The cart keeps product ids and quantities only; prices are looked up
//! whenever it is shown or ordered, so no form value is ever a price.

use lambda_http::http::StatusCode;
use portal_domain::catalog::{self, Cart, CartError, OrderQuantity, ProductId};
use portal_domain::ports::{StoreError, StoredCart};
use portal_domain::{DocumentId, DocumentKind};
use portal_web::auth::Viewer;
use portal_web::error::Problem;
use portal_web::routes::{CART, CART_ADD, CART_UPDATE, REORDER, url};
use portal_web::views::catalog::{self as view, CartPage};
use portal_web::{AppState, Body, Request, Response, WebError, WebResult, csrf, http, respond, shop};

/// Times a cart change is retried when another tab changed the cart meanwhile.
const SAVE_ATTEMPTS: usize = 3;

/// Serves `GET /cart`, `POST /cart/items`, `POST /cart/items/{id}` and
/// `POST /documents/sales-orders/{id}/reorder`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let result = if CART.serves(&method, &path).is_some() {
        show(state, &request).await
    } else if CART_ADD.serves(&method, &path).is_some() {
        add(state, &request).await.map_err(|e| back_to(e, url::catalog()))
    } else if CART_UPDATE.serves(&method, &path).is_some() {
        update(state, &request).await.map_err(|e| back_to(e, url::cart()))
    } else if REORDER.serves(&method, &path).is_some() {
        reorder(state, &request).await.map_err(|e| back_to(e, url::cart()))
    } else {
        Err(Problem::NotFound.into())
    };
    respond::finish(state, &request, result)
}

/// A refused change links back to where the contact was.
fn back_to(error: WebError, back: String) -> WebError {
    match error {
        WebError::Problem(problem) if problem != Problem::NotFound => WebError::Refused { problem, back },
        other => other,
    }
}

/// The cart with each line at the contact's price, the tax breakdown and
/// totals, and the order form (unless something can no longer be ordered).
pub async fn show(state: &AppState, request: &Request) -> WebResult {
    let viewer = shop::require_catalog_contact(state, request).await?;
    let (settings, priced) = tokio::join!(state.business_settings(), shop::priced_cart(state, &viewer));
    let (settings, priced) = (settings?, priced?);
    let contact = &viewer.contact;
    let totals = catalog::cart_totals(&priced.lines, contact);
    let blocked = priced
        .problem
        .as_ref()
        .filter(|p| !matches!(p, catalog::OrderError::Empty))
        .map(|p| view::order_problem(contact.locale, p));
    let csrf = csrf::prepare(state, request);
    let html = view::cart(CartPage {
        settings: &settings,
        contact,
        csrf: &csrf.token,
        lines: &priced.lines,
        totals: totals.as_ref(),
        version: priced.stored.version,
        blocked: blocked.as_deref(),
    });
    let mut response = respond::page(StatusCode::OK, html);
    csrf.apply(state, &mut response);
    Ok(response)
}

/// Applies `change` to the stored cart and saves it, conditional on the
/// version read; a concurrent change (another tab) is read again and retried.
async fn change_cart(
    state: &AppState,
    viewer: &Viewer,
    change: impl Fn(&mut Cart) -> Result<(), Problem>,
) -> Result<(), WebError> {
    let owner = shop::cart_owner(viewer);
    for _ in 0..SAVE_ATTEMPTS {
        let stored = state.store.cart(&owner).await?;
        let mut cart = stored.cart.clone();
        change(&mut cart)?;
        let updated = StoredCart { cart, version: stored.version };
        match state.store.save_cart(&owner, &updated, viewer.session.expires_at).await {
            Ok(()) => return Ok(()),
            Err(StoreError::Conflict(_)) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(Problem::CartChanged.into())
}

/// The catalog's and the cart's forms: a product, a quantity, or the line's removal.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct CartForm {
    pub product: String,
    pub quantity: String,
    /// Present when the line's "remove" button was pressed.
    pub remove: Option<String>,
}

fn quantity(form: &CartForm) -> Result<OrderQuantity, Problem> {
    OrderQuantity::parse(&form.quantity).map_err(|_| Problem::QuantityInvalid)
}

fn cart_problem(error: CartError) -> Problem {
    match error {
        CartError::Quantity(_) => Problem::QuantityInvalid,
        CartError::Full => Problem::CartFull,
    }
}

/// Adds a product of the catalog (active and orderable) to the cart.
pub async fn add(state: &AppState, request: &Request) -> WebResult {
    let viewer = shop::require_catalog_contact(state, request).await?;
    let form: CartForm = csrf::form(state, request)?;
    let id = ProductId::parse(&form.product).map_err(|_| Problem::ProductUnavailable)?;
    let quantity = quantity(&form)?;
    let product = state.store.product(&id).await?;
    if !product.is_some_and(|p| p.active && p.availability.orderable()) {
        return Err(Problem::ProductUnavailable.into());
    }
    change_cart(state, &viewer, |cart| cart.add(id.clone(), quantity).map_err(cart_problem)).await?;
    Ok(http::see_other(&format!("{}?done=added", url::catalog())))
}

/// Sets a line's quantity, or removes the line (`remove`).
pub async fn update(state: &AppState, request: &Request) -> WebResult {
    let viewer = shop::require_catalog_contact(state, request).await?;
    let params = CART_UPDATE.matches(request.uri().path()).ok_or(Problem::NotFound)?;
    let id = params.get("id").and_then(|id| ProductId::parse(id).ok()).ok_or(Problem::NotFound)?;
    let form: CartForm = csrf::form(state, request)?;
    let new_quantity = if form.remove.is_some() { None } else { Some(quantity(&form)?) };
    change_cart(state, &viewer, |cart| {
        cart.set(&id, new_quantity);
        Ok(())
    })
    .await?;
    Ok(http::see_other(&url::cart()))
}

/// Puts the products of one of the contact's past orders back in the cart,
/// those still on sale, in the same quantities, to be priced as of today.
pub async fn reorder(state: &AppState, request: &Request) -> WebResult {
    let viewer = shop::require_catalog_contact(state, request).await?;
    let params = REORDER.matches(request.uri().path()).ok_or(Problem::NotFound)?;
    let id = params.get("id").and_then(|id| DocumentId::parse(id).ok()).ok_or(Problem::NotFound)?;
    let _: csrf::NoFields = csrf::form(state, request)?;
    let order = state
        .store
        .document(&id)
        .await?
        .filter(|d| d.kind == DocumentKind::SalesOrder && d.contact_id == viewer.contact.id)
        .ok_or(Problem::NotFound)?;
    let wanted: Vec<(ProductId, OrderQuantity)> = order
        .lines
        .iter()
        .filter_map(|line| Some((line.product.clone()?, OrderQuantity::try_from(line.quantity).ok()?)))
        .collect();
    let ids: Vec<ProductId> = wanted.iter().map(|(id, _)| id.clone()).collect();
    let products = state.store.products(&ids).await?;
    let orderable: Vec<(ProductId, OrderQuantity)> = wanted
        .into_iter()
        .filter(|(id, _)| products.iter().any(|p| &p.id == id && p.active && p.availability.orderable()))
        .collect();
    if orderable.is_empty() {
        return Err(Problem::ProductUnavailable.into());
    }
    change_cart(state, &viewer, |cart| {
        orderable.iter().try_for_each(|(id, quantity)| cart.add(id.clone(), *quantity).map_err(cart_problem))
    })
    .await?;
    Ok(http::see_other(&url::cart()))
}
