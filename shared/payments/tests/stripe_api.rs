//! The Stripe adapter against a local stand-in for Stripe's API.

use portal_domain::payment::{CheckoutGateway, CheckoutRequest};
use portal_domain::{Currency, DocumentId, DocumentNumber, EmailAddress, Locale, Money};
use portal_payments::stripe::StripeCheckout;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn request() -> CheckoutRequest {
    CheckoutRequest {
        invoice: DocumentId::parse("d-f2026-0112").unwrap(),
        number: DocumentNumber::parse("F2026-0112").unwrap(),
        amount: Money::new(121_000, Currency::EUR),
        customer_email: Some(EmailAddress::parse("ana@ferreteria-lopez.es").unwrap()),
        locale: Locale::Es,
        success_url: "https://portal.example.es/documents/invoices/d-f2026-0112?payment=processing".into(),
        cancel_url: "https://portal.example.es/documents/invoices/d-f2026-0112?payment=cancelled".into(),
        idempotency_key: "pay-d-f2026-0112-v3-0".into(),
    }
}

#[tokio::test]
async fn a_checkout_session_is_created_for_the_amount_due_with_an_idempotency_key() {
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .and(header("authorization", "Bearer sk_test_portal"))
        .and(header("idempotency-key", "pay-d-f2026-0112-v3-0"))
        .and(body_string_contains("line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=121000"))
        .and(body_string_contains("line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=eur"))
        .and(body_string_contains("metadata%5Binvoice%5D=d-f2026-0112"))
        .and(body_string_contains("mode=payment"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "id": "cs_test_a1", "object": "checkout.session", "url": "https://checkout.stripe.com/c/pay/cs_test_a1"
        })))
        .expect(1)
        .mount(&stripe)
        .await;
    let gateway = StripeCheckout::new(&stripe.uri(), "sk_test_portal");
    let session = gateway.create_checkout(&request()).await.unwrap();
    assert_eq!(session.id.as_str(), "cs_test_a1");
    assert_eq!(session.url, "https://checkout.stripe.com/c/pay/cs_test_a1");
}

#[tokio::test]
async fn stripe_errors_and_an_unreachable_api_are_gateway_errors() {
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(402).set_body_json(serde_json::json!({
            "error": { "message": "Your account cannot currently make live charges." }
        })))
        .mount(&stripe)
        .await;
    let gateway = StripeCheckout::new(&stripe.uri(), "sk_test_portal");
    let error = gateway.create_checkout(&request()).await.unwrap_err();
    assert!(error.0.contains("cannot currently make live charges"), "{error}");
    let closed = StripeCheckout::new("http://127.0.0.1:9", "sk_test_portal");
    assert!(closed.create_checkout(&request()).await.unwrap_err().0.contains("unreachable"));
}
