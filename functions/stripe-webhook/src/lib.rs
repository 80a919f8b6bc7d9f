//! `portal-stripe-webhook`: Stripe's confirmations of checkout payments.
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
use portal_domain::interaction::NotificationKind;
use portal_domain::payment::{Gateway, Payment, PaymentReference};
use portal_domain::ports::{PaymentRecord, Recorded, StoreError};
use portal_domain::{ActivityKind, Money};
use portal_payments::stripe::{self, StripeEvent};
use portal_web::{AppState, Body, Request, Response, WebError, actions, http, respond};

/// Re-reads of an invoice that kept changing under a confirmation.
const ATTEMPTS: usize = 5;

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
    stripe::verify_signature(signature, body, secrets, state.clock.now()).map_err(Refusal::BadSignature)?;
    match stripe::parse_event(body).map_err(Refusal::Malformed)? {
        StripeEvent::Paid { event, session, amount } => settle(state, &event, &session, amount).await,
        StripeEvent::Failed { event, session } => note_failure(state, &event, &session).await,
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

/// Applies a paid session's amount to its invoice, once.
async fn settle(
    state: &AppState,
    event: &str,
    session: &PaymentReference,
    amount: Money,
) -> Result<&'static str, Refusal> {
    let Some(checkout) = state.store.checkout(Gateway::Stripe, session).await? else {
        tracing::warn!(event, session = session.as_str(), "payment for a session the portal did not open; ignored");
        return Ok("unknown session");
    };
    for _ in 0..ATTEMPTS {
        let Some(invoice) = state.store.document(&checkout.invoice).await? else {
            tracing::error!(event, invoice = %checkout.invoice, "paid session names a missing invoice");
            return Ok("unknown invoice");
        };
        let (settings, contact) = tokio::join!(state.business_settings(), state.store.contact(&invoice.contact_id));
        let (settings, contact) = (settings?, contact?);
        let contact =
            contact.ok_or_else(|| WebError::Internal(format!("invoice {} names a missing contact", invoice.id)))?;
        let key = format!("{}#{}", Gateway::Stripe.slug(), session.as_str());
        let record = match invoice.apply_payment(amount) {
            Ok(applied) => {
                let mut updated = invoice.clone();
                updated.status = applied.status;
                updated.paid_minor = applied.paid_minor;
                updated.content_version += 1;
                let payment = Payment {
                    invoice: invoice.id.clone(),
                    gateway: Gateway::Stripe,
                    reference: session.clone(),
                    amount,
                    at: state.clock.now(),
                };
                let mut notifications =
                    actions::to_staff(state, &settings, NotificationKind::PaymentReceived, &invoice, None);
                notifications.extend(actions::to_contact(
                    state,
                    &contact,
                    NotificationKind::PaymentReceipt,
                    &invoice,
                    None,
                ));
                PaymentRecord {
                    invoice: invoice.id.clone(),
                    key,
                    payment: Some(payment),
                    document: Some(updated),
                    events: vec![actions::event(state, &invoice, ActivityKind::PaymentReceived { amount })],
                    notifications,
                }
            }
            Err(refusal) => {
                tracing::warn!(event, invoice = %invoice.id, cause = %refusal, "payment not applied");
                PaymentRecord {
                    invoice: invoice.id.clone(),
                    key,
                    payment: None,
                    document: None,
                    events: vec![actions::event(
                        state,
                        &invoice,
                        ActivityKind::PaymentRefused { reason: refusal.to_string() },
                    )],
                    notifications: actions::to_staff(
                        state,
                        &settings,
                        NotificationKind::PaymentNeedsAttention,
                        &invoice,
                        None,
                    ),
                }
            }
        };
        match state.store.record_payment(&record).await {
            Ok(Recorded::Now) => {
                tracing::info!(event, invoice = %invoice.id, applied = record.payment.is_some(), "payment recorded");
                return Ok(if record.payment.is_some() { "recorded" } else { "refused for staff" });
            }
            Ok(Recorded::Before) => return Ok("already recorded"),
            // The invoice changed between our read and our write: decide again.
            Err(StoreError::Conflict(_)) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(Refusal::Fault(WebError::Internal(format!("invoice {} kept changing", checkout.invoice))))
}

/// Notes on the invoice, once, that a delayed payment failed.
async fn note_failure(state: &AppState, event: &str, session: &PaymentReference) -> Result<&'static str, Refusal> {
    let Some(checkout) = state.store.checkout(Gateway::Stripe, session).await? else {
        tracing::warn!(event, session = session.as_str(), "failure for a session the portal did not open; ignored");
        return Ok("unknown session");
    };
    let Some(invoice) = state.store.document(&checkout.invoice).await? else { return Ok("unknown invoice") };
    let record = PaymentRecord {
        invoice: invoice.id.clone(),
        key: format!("{}#{}#failed", Gateway::Stripe.slug(), session.as_str()),
        payment: None,
        document: None,
        events: vec![actions::event(state, &invoice, ActivityKind::PaymentFailed)],
        notifications: Vec::new(),
    };
    state.store.record_payment(&record).await?;
    tracing::info!(event, invoice = %invoice.id, "payment failed at the gateway");
    Ok("failure noted")
}
