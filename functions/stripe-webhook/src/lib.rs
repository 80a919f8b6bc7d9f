//! `portal-stripe-webhook`: Stripe's confirmations of checkout payments
//! (`portal_app::payments::settle_checkout`).
//!
//! Only a body whose `Stripe-Signature` verifies against an active secret is
//! read. A paid session records one payment on its invoice, once however
//! often (or however concurrently) Stripe delivers the event, in the same
//! write as the invoice's new amount due and status, its activity event, the
//! staff notice and the contact's receipt. A payment that cannot apply (more
//! than is due, another currency, an invoice no longer open) changes nothing
//! and is put in front of staff. Events out of order never regress an
//! invoice: a paid invoice takes no further payment.

use lambda_http::http::{HeaderValue, StatusCode, header};
use portal_app::payments;
use portal_domain::payment::Gateway;
use portal_domain::ports::StoreError;
use portal_payments::stripe::{self, StripeEvent};
use portal_web::{AppState, Body, Request, Response, WebError, http, respond};

/// Serves `POST /webhooks/stripe`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let (status, message) = match receive(state, &request).await {
        Ok(message) => (StatusCode::OK, message),
        Err(Refusal::NotConfigured) => (StatusCode::NOT_FOUND, "not found"),
        Err(Refusal::BadSignature(why)) => {
            tracing::warn!(cause = %why, "webhook refused");
            (StatusCode::BAD_REQUEST, "signature not verified")
        }
        Err(Refusal::Malformed(why)) => {
            tracing::warn!(cause = %why, "webhook refused");
            (StatusCode::BAD_REQUEST, "malformed event")
        }
        // Stripe retries a failed delivery: nothing was written.
        Err(Refusal::Fault(error)) => {
            tracing::error!(cause = %error, "webhook not processed");
            (StatusCode::INTERNAL_SERVER_ERROR, "not processed")
        }
    };
    let mut response = Response::new(Body::Text(serde_json::json!({ "result": message }).to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    respond::add_security_headers(&mut response);
    response
}

/// Why a delivery was not accepted.
#[derive(Debug)]
pub enum Refusal {
    NotConfigured,
    BadSignature(stripe::SignatureError),
    Malformed(stripe::EventError),
    Fault(WebError),
}

impl From<WebError> for Refusal {
    fn from(error: WebError) -> Self {
        Refusal::Fault(error)
    }
}

impl From<StoreError> for Refusal {
    fn from(error: StoreError) -> Self {
        Refusal::Fault(error.into())
    }
}

/// Verifies and acts on one delivery; the text says what became of it.
pub async fn receive(state: &AppState, request: &Request) -> Result<&'static str, Refusal> {
    let secrets = state.stripe_webhook_secrets().ok_or(Refusal::NotConfigured)?;
    let body: &[u8] = request.body().as_ref();
    let signature = http::header_str(request, header::HeaderName::from_static("stripe-signature"));
    stripe::verify_signature(signature, body, &secrets, state.clock.now()).map_err(Refusal::BadSignature)?;
    match stripe::parse_event(body).map_err(Refusal::Malformed)? {
        StripeEvent::Paid { event, session, amount } => {
            let settled =
                payments::settle_checkout(state.store.as_ref(), state.stamps(), Gateway::Stripe, &session, amount)
                    .await
                    .map_err(|e| Refusal::Fault(e.into()))?;
            tracing::info!(event, session = session.as_str(), outcome = settled.describe(), "paid checkout");
            Ok(settled.describe())
        }
        StripeEvent::Failed { event, session } => {
            let noted = payments::note_failed_checkout(state.store.as_ref(), state.stamps(), Gateway::Stripe, &session)
                .await
                .map_err(|e| Refusal::Fault(e.into()))?;
            tracing::info!(event, session = session.as_str(), outcome = noted.describe(), "failed checkout");
            Ok(noted.describe())
        }
        StripeEvent::AwaitingPayment { event, session } => {
            tracing::info!(event, session = session.as_str(), "checkout completed; payment still pending");
            Ok("awaiting payment")
        }
        StripeEvent::Other { event, kind } => {
            tracing::debug!(event, kind, "event ignored");
            Ok("ignored")
        }
    }
}
