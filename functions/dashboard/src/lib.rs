//! `portal-dashboard`: what is pending and what happened, at a glance.
//!
//! Storage calls per page: settings, contact, up to four open-document queries
//! and one activity query — fixed, whatever the length of the history.

use lambda_http::http::StatusCode;
use portal_domain::DocumentKind;
use portal_web::views::pages::{self, Dashboard};
use portal_web::{AppState, Body, Request, Response, WebResult, auth, csrf, respond};

/// Open documents read per kind: enough for every realistic contact; beyond it
/// the page says there are more and links to the full list.
pub const OPEN_LIMIT: u32 = 100;
pub const ACTIVITY_LIMIT: u32 = 10;

/// Serves `GET /`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = dashboard(state, &request).await;
    respond::finish(state, &request, result)
}

/// The logged-in contact's dashboard.
pub async fn dashboard(state: &AppState, request: &Request) -> WebResult {
    let viewer = auth::require_contact(state, request).await?;
    let contact = &viewer.contact;
    let store = &state.store;
    let open = |kind: DocumentKind, wanted: bool| async move {
        if wanted { store.open_documents(&contact.id, kind, OPEN_LIMIT).await } else { Ok(Vec::new()) }
    };
    let customer = contact.role.is_customer();
    let (settings, invoices, quotes, orders, purchase_orders, activity) = tokio::join!(
        state.business_settings(),
        open(DocumentKind::Invoice, customer),
        open(DocumentKind::Quote, customer),
        open(DocumentKind::SalesOrder, customer),
        open(DocumentKind::PurchaseOrder, contact.role.is_supplier()),
        store.contact_activity(&contact.id, ACTIVITY_LIMIT),
    );
    let settings = settings?;
    let csrf = csrf::prepare(state, request);
    let page = pages::dashboard(Dashboard {
        settings: &settings,
        contact,
        csrf: &csrf.token,
        today: state.clock.today(),
        open_invoices: invoices?,
        open_quotes: quotes?,
        open_orders: orders?,
        open_purchase_orders: purchase_orders?,
        open_limit: OPEN_LIMIT as usize,
        activity: activity?,
    });
    let mut response = respond::page(StatusCode::OK, page);
    csrf.apply(state, &mut response);
    Ok(response)
}
