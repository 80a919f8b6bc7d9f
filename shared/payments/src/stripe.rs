//! Stripe: Checkout Sessions over its HTTP API, and webhook events verified
//! by their `Stripe-Signature` header.

use async_trait::async_trait;
use aws_lc_rs::hmac;
use portal_domain::payment::{CheckoutGateway, CheckoutRequest, CheckoutSession, GatewayError, PaymentReference};
use portal_domain::{Currency, Money, i18n};
use serde::Deserialize;
use std::time::Duration;
use time::OffsetDateTime;

/// Stripe's API, unless configured otherwise (a stand-in in tests and locally).
pub const DEFAULT_API_URL: &str = "https://api.stripe.com";
/// How far a webhook's timestamp may be from now (Stripe's own default).
pub const SIGNATURE_TOLERANCE: Duration = Duration::from_secs(300);
/// The longest a call to Stripe may take before the contact is told to retry.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// Creates Stripe Checkout Sessions.
pub struct StripeCheckout {
    /// Built on the first checkout: building it reads the system's root
    /// certificates (about 5 ms), which every function that merely has card
    /// payments configured would otherwise pay at each cold start.
    client: std::sync::OnceLock<reqwest::Client>,
    api_url: String,
    secret_key: String,
}

impl StripeCheckout {
    pub fn new(api_url: &str, secret_key: &str) -> Self {
        StripeCheckout {
            client: std::sync::OnceLock::new(),
            api_url: api_url.trim_end_matches('/').to_string(),
            secret_key: secret_key.to_string(),
        }
    }

    fn client(&self) -> Result<&reqwest::Client, GatewayError> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let built = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| GatewayError(format!("HTTP client: {e}")))?;
        Ok(self.client.get_or_init(|| built))
    }
}

#[derive(Deserialize)]
struct SessionResponse {
    id: String,
    url: Option<String>,
}

#[derive(Deserialize)]
struct ErrorResponse {
    error: ErrorBody,
}

#[derive(Deserialize)]
struct ErrorBody {
    message: Option<String>,
}

/// The form Stripe's `POST /v1/checkout/sessions` takes for one invoice.
pub fn session_form(request: &CheckoutRequest) -> Vec<(&'static str, String)> {
    let invoice = request.invoice.to_string();
    let name = format!(
        "{} {}",
        i18n::kind_name(request.locale, portal_domain::DocumentKind::Invoice),
        request.number.as_str()
    );
    let mut form = vec![
        ("mode", "payment".to_string()),
        ("success_url", request.success_url.clone()),
        ("cancel_url", request.cancel_url.clone()),
        ("client_reference_id", invoice.clone()),
        ("metadata[invoice]", invoice.clone()),
        ("payment_intent_data[metadata][invoice]", invoice),
        ("line_items[0][quantity]", "1".to_string()),
        ("line_items[0][price_data][currency]", request.amount.currency.code().to_lowercase()),
        ("line_items[0][price_data][unit_amount]", request.amount.minor.to_string()),
        ("line_items[0][price_data][product_data][name]", name),
        ("locale", request.locale.tag().to_string()),
    ];
    if let Some(email) = &request.customer_email {
        form.push(("customer_email", email.to_string()));
    }
    form
}

#[async_trait]
impl CheckoutGateway for StripeCheckout {
    async fn create_checkout(&self, request: &CheckoutRequest) -> Result<CheckoutSession, GatewayError> {
        let response = self
            .client()?
            .post(format!("{}/v1/checkout/sessions", self.api_url))
            .bearer_auth(&self.secret_key)
            .header("Idempotency-Key", &request.idempotency_key)
            .form(&session_form(request))
            .send()
            .await
            .map_err(|e| GatewayError(format!("Stripe unreachable: {e}")))?;
        let status = response.status();
        let body = response.text().await.map_err(|e| GatewayError(format!("Stripe response: {e}")))?;
        if !status.is_success() {
            let message = serde_json::from_str::<ErrorResponse>(&body).ok().and_then(|e| e.error.message);
            return Err(GatewayError(format!("Stripe answered {status}: {}", message.unwrap_or(body))));
        }
        let session: SessionResponse =
            serde_json::from_str(&body).map_err(|e| GatewayError(format!("unexpected Stripe session: {e}")))?;
        let id = PaymentReference::parse(&session.id).map_err(|_| GatewayError("Stripe session without id".into()))?;
        let url = session.url.filter(|u| u.starts_with("https://") || u.starts_with("http://"));
        Ok(CheckoutSession { id, url: url.ok_or_else(|| GatewayError("Stripe session without URL".into()))? })
    }
}

/// Why a webhook was not accepted as Stripe's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Stripe-Signature header")]
    Missing,
    #[error("the Stripe-Signature header has no timestamp or no v1 signature")]
    Malformed,
    #[error("the signature's timestamp is outside the tolerance")]
    Stale,
    #[error("no v1 signature matches any active secret")]
    NoMatch,
}

/// Verifies `Stripe-Signature: t=…,v1=…[,v1=…]` over the raw body: HMAC-SHA256
/// of `"{t}.{body}"` with each active secret (several during a rotation),
/// compared in constant time, with the timestamp within the tolerance of `now`.
pub fn verify_signature(
    header: Option<&str>,
    body: &[u8],
    secrets: &[impl AsRef<str>],
    now: OffsetDateTime,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.extend(hex::decode(value).ok()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now.unix_timestamp() - timestamp).unsigned_abs() > SIGNATURE_TOLERANCE.as_secs() {
        return Err(SignatureError::Stale);
    }
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(body);
    let matches = secrets.iter().map(AsRef::as_ref).filter(|s| !s.is_empty()).any(|secret| {
        let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
        signatures.iter().any(|signature| hmac::verify(&key, &signed, signature).is_ok())
    });
    if matches { Ok(()) } else { Err(SignatureError::NoMatch) }
}

/// The `Stripe-Signature` header Stripe would send for `body` at `timestamp`
/// (the local stand-in and tests sign their events with it).
pub fn signature_header(body: &[u8], secret: &str, timestamp: i64) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let mut signed = format!("{timestamp}.").into_bytes();
    signed.extend_from_slice(body);
    format!("t={timestamp},v1={}", hex::encode(hmac::sign(&key, &signed).as_ref()))
}

/// What a verified event means for the portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StripeEvent {
    /// The session's money arrived (`checkout.session.completed` when paid,
    /// or `checkout.session.async_payment_succeeded`).
    Paid { event: String, session: PaymentReference, amount: Money },
    /// A delayed method failed (`checkout.session.async_payment_failed`).
    Failed { event: String, session: PaymentReference },
    /// Completed but not paid yet (a delayed method): wait for its outcome.
    AwaitingPayment { event: String, session: PaymentReference },
    /// Anything else: acknowledged and ignored.
    Other { event: String, kind: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed Stripe event: {0}")]
pub struct EventError(String);

#[derive(Deserialize)]
struct Envelope {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: serde_json::Value,
}

#[derive(Deserialize)]
struct SessionObject {
    id: String,
    amount_total: Option<i64>,
    currency: Option<String>,
    payment_status: Option<String>,
}

/// Parses a verified event body.
pub fn parse_event(body: &[u8]) -> Result<StripeEvent, EventError> {
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| EventError(e.to_string()))?;
    let session_of = |object: &serde_json::Value| -> Result<SessionObject, EventError> {
        serde_json::from_value(object.clone()).map_err(|e| EventError(e.to_string()))
    };
    let event = envelope.id;
    let kind = envelope.kind.as_str();
    if !kind.starts_with("checkout.session.") {
        return Ok(StripeEvent::Other { event, kind: envelope.kind });
    }
    let session = session_of(&envelope.data.object)?;
    let reference = PaymentReference::parse(&session.id).map_err(|_| EventError("session id".into()))?;
    let paid = |session: &SessionObject| -> Result<Money, EventError> {
        let amount = session.amount_total.ok_or_else(|| EventError("no amount_total".into()))?;
        let currency = session.currency.as_deref().ok_or_else(|| EventError("no currency".into()))?;
        let currency = Currency::parse(&currency.to_uppercase()).map_err(|e| EventError(e.to_string()))?;
        Ok(Money::new(amount, currency))
    };
    Ok(match kind {
        "checkout.session.completed" if session.payment_status.as_deref() == Some("paid") => {
            StripeEvent::Paid { event, amount: paid(&session)?, session: reference }
        }
        "checkout.session.completed" => StripeEvent::AwaitingPayment { event, session: reference },
        "checkout.session.async_payment_succeeded" => {
            StripeEvent::Paid { event, amount: paid(&session)?, session: reference }
        }
        "checkout.session.async_payment_failed" => StripeEvent::Failed { event, session: reference },
        _ => StripeEvent::Other { event, kind: envelope.kind },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    /// Computed independently with Python's standard library:
    /// `hmac.new(b"whsec_test_portal_5d1f", b"1790000000." + PAYLOAD, hashlib.sha256).hexdigest()`
    const KNOWN_SIGNATURE: &str = "c2b40f7cf10041210178961e1401b9d5a54435b02bdb33079fc251c0ffb8bf93";
    const PAYLOAD: &[u8] = br#"{"id":"evt_1","type":"checkout.session.completed"}"#;
    const SECRET: &str = "whsec_test_portal_5d1f";
    const T: i64 = 1_790_000_000;

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(T + 30).unwrap()
    }

    fn secrets(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_known_answer_signature_verifies_and_signing_reproduces_it() {
        let header = format!("t={T},v1={KNOWN_SIGNATURE}");
        assert_eq!(verify_signature(Some(&header), PAYLOAD, &secrets(&[SECRET]), now()), Ok(()));
        assert_eq!(signature_header(PAYLOAD, SECRET, T), header);
        // Several v1 (Stripe during a secret roll) and an old v0 scheme are tolerated.
        let rolled = format!("t={T},v1={},v1={KNOWN_SIGNATURE},v0=abc", "00".repeat(32));
        assert_eq!(verify_signature(Some(&rolled), PAYLOAD, &secrets(&[SECRET]), now()), Ok(()));
        // Several active secrets on our side during a rotation.
        assert_eq!(verify_signature(Some(&header), PAYLOAD, &secrets(&["whsec_new", SECRET]), now()), Ok(()));
    }

    #[test]
    fn tampering_wrong_secrets_missing_parts_and_stale_timestamps_are_refused() {
        let header = format!("t={T},v1={KNOWN_SIGNATURE}");
        let tampered = br#"{"id":"evt_1","type":"checkout.session.completeD"}"#;
        assert_eq!(verify_signature(Some(&header), tampered, &secrets(&[SECRET]), now()), Err(SignatureError::NoMatch));
        assert_eq!(
            verify_signature(Some(&header), PAYLOAD, &secrets(&["whsec_other"]), now()),
            Err(SignatureError::NoMatch)
        );
        assert_eq!(verify_signature(Some(&header), PAYLOAD, &[] as &[&str], now()), Err(SignatureError::NoMatch));
        assert_eq!(verify_signature(None, PAYLOAD, &secrets(&[SECRET]), now()), Err(SignatureError::Missing));
        let no_t = format!("v1={KNOWN_SIGNATURE}");
        assert_eq!(verify_signature(Some(&no_t), PAYLOAD, &secrets(&[SECRET]), now()), Err(SignatureError::Malformed));
        let no_v1 = format!("t={T},v0={KNOWN_SIGNATURE}");
        assert_eq!(verify_signature(Some(&no_v1), PAYLOAD, &secrets(&[SECRET]), now()), Err(SignatureError::Malformed));
        let later = datetime!(2026-09-21 10:00 UTC);
        assert_eq!(verify_signature(Some(&header), PAYLOAD, &secrets(&[SECRET]), later), Err(SignatureError::Stale));
        // The timestamp is part of what is signed: moving it breaks the signature.
        let moved = format!("t={},v1={KNOWN_SIGNATURE}", T + 1);
        assert_eq!(verify_signature(Some(&moved), PAYLOAD, &secrets(&[SECRET]), now()), Err(SignatureError::NoMatch));
    }

    #[test]
    fn checkout_events_are_read_for_what_they_mean() {
        let event = |kind: &str, status: &str| {
            format!(
                r#"{{"id":"evt_9","type":"{kind}","data":{{"object":{{"id":"cs_test_1","amount_total":12100,"currency":"eur","payment_status":"{status}"}}}}}}"#
            )
        };
        let paid = parse_event(event("checkout.session.completed", "paid").as_bytes()).unwrap();
        assert_eq!(
            paid,
            StripeEvent::Paid {
                event: "evt_9".into(),
                session: PaymentReference::parse("cs_test_1").unwrap(),
                amount: Money::new(12_100, Currency::EUR)
            }
        );
        assert!(matches!(
            parse_event(event("checkout.session.completed", "unpaid").as_bytes()).unwrap(),
            StripeEvent::AwaitingPayment { .. }
        ));
        assert!(matches!(
            parse_event(event("checkout.session.async_payment_succeeded", "paid").as_bytes()).unwrap(),
            StripeEvent::Paid { .. }
        ));
        assert!(matches!(
            parse_event(event("checkout.session.async_payment_failed", "unpaid").as_bytes()).unwrap(),
            StripeEvent::Failed { .. }
        ));
        assert!(matches!(
            parse_event(br#"{"id":"evt_2","type":"charge.refunded","data":{"object":{}}}"#).unwrap(),
            StripeEvent::Other { .. }
        ));
        assert!(parse_event(b"not json").is_err());
    }
}
