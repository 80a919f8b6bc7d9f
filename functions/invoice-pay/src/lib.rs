//! `portal-invoice-pay`: sends the payer of an open invoice to Stripe's hosted
//! checkout for the amount due.
//!
//! Nothing about the invoice changes here: it is paid only when Stripe's
//! signed confirmation reaches `portal-stripe-webhook`. A retried or doubled
//! request carries the same idempotency key, so Stripe opens one session.

use portal_domain::payment::{Checkout, CheckoutRequest, Gateway};
use portal_domain::{Capability, DocumentKind, DocumentStatus};
use portal_web::actions;
use portal_web::error::Problem;
use portal_web::routes::{INVOICE_PAY, url};
use portal_web::{AppState, Body, Request, Response, WebResult, http, respond};

/// Serves `POST /documents/invoices/{id}/pay`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = pay(state, &request).await;
    respond::finish(state, &request, result)
}

/// The key that makes one checkout per invoice state: the same invoice, at
/// the same version, with the same amount paid, asks Stripe for one session.
pub fn idempotency_key(document: &portal_domain::Document) -> String {
    format!("pay-{}-v{}-paid{}", document.id, document.content_version, document.paid_minor)
}

/// Opens a checkout for the amount due and redirects to it.
pub async fn pay(state: &AppState, request: &Request) -> WebResult {
    let action = actions::prepare(state, request, &INVOICE_PAY, Some(DocumentKind::Invoice)).await?;
    let document = &action.document;
    if !action.accessor.actor(document).may(Capability::Pay, document) {
        return Err(Problem::NotFound.into());
    }
    let gateway = match (state.stripe_checkout(), action.settings.payments.stripe) {
        (Some(gateway), true) => gateway,
        _ => return Err(action.refuse(Problem::PaymentUnavailable)),
    };
    let due = document.amount_due(&document.totals());
    if due.is_zero() || !matches!(document.status, DocumentStatus::Issued | DocumentStatus::PartiallyPaid) {
        return Err(action.refuse(Problem::NothingToPay));
    }
    let public = &state.config.public_url;
    let checkout_request = CheckoutRequest {
        invoice: document.id.clone(),
        number: document.number.clone(),
        amount: due,
        customer_email: action.contact.primary_email().cloned(),
        locale: action.contact.locale,
        success_url: format!("{public}{}", url::invoice_after_checkout(&document.id, "processing")),
        cancel_url: format!("{public}{}", url::invoice_after_checkout(&document.id, "cancelled")),
        idempotency_key: idempotency_key(document),
    };
    let session = gateway.create_checkout(&checkout_request).await.map_err(|error| {
        tracing::error!(invoice = %document.id, cause = %error, "checkout not opened");
        action.refuse(Problem::GatewayUnavailable)
    })?;
    let checkout = Checkout {
        session: session.id.clone(),
        invoice: document.id.clone(),
        gateway: Gateway::Stripe,
        amount: due,
        created_at: state.clock.now(),
    };
    state.store.save_checkout(&checkout).await?;
    tracing::info!(invoice = %document.id, session = session.id.as_str(), "checkout opened");
    Ok(http::see_other(&session.url))
}
