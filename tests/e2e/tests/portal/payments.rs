//! Paying invoices online: checkout through a stand-in for Stripe's API,
//! signed webhooks, exactly-once payments, partial and refused payments.

use portal_dev_server::demo;
use portal_domain::payment::{Checkout, Gateway, PaymentReference};
use portal_domain::{ActivityKind, Currency, DocumentId, DocumentStatus, Money};
use portal_e2e::{STRIPE_WEBHOOK_SECRETS, TestApp};
use portal_payments::stripe::signature_header;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const STAFF: &str = "oficina@ebro-instalaciones.es";
const INVOICE: &str = "d-f2026-0112";

/// A stand-in for Stripe's API that opens `cs_test_e2e` for every request.
async fn stripe() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "id": "cs_test_e2e", "object": "checkout.session", "url": "https://checkout.stripe.com/c/pay/cs_test_e2e"
        })))
        .mount(&server)
        .await;
    server
}

fn event(kind: &str, session: &str, amount: i64, currency: &str, status: &str) -> String {
    serde_json::json!({
        "id": format!("evt_{session}_{kind}"),
        "object": "event",
        "type": kind,
        "data": { "object": {
            "id": session, "object": "checkout.session", "amount_total": amount,
            "currency": currency, "payment_status": status, "metadata": { "invoice": INVOICE }
        } }
    })
    .to_string()
}

/// Posts `body` to the webhook as Stripe would, signed with `secret` at `timestamp`.
async fn deliver(app: &TestApp, body: &str, signature: Option<String>) -> (u16, String) {
    let mut request = reqwest::Client::new().post(app.server.url("/webhooks/stripe")).body(body.to_string());
    if let Some(signature) = signature {
        request = request.header("stripe-signature", signature);
    }
    let response = request.send().await.expect("webhook delivered");
    (response.status().as_u16(), response.text().await.unwrap_or_default())
}

fn signed(app: &TestApp, body: &str) -> Option<String> {
    // The newer of the two active secrets (a rotation in progress).
    Some(signature_header(body.as_bytes(), STRIPE_WEBHOOK_SECRETS[1], app.state().clock.now().unix_timestamp()))
}

async fn invoice(app: &TestApp) -> portal_domain::Document {
    app.state().store.document(&DocumentId::parse(INVOICE).unwrap()).await.unwrap().unwrap()
}

async fn due(app: &TestApp) -> i64 {
    let invoice = invoice(app).await;
    invoice.amount_due(&invoice.totals()).minor
}

async fn open_checkout(app: &TestApp, session: &str, amount: i64) {
    let checkout = Checkout {
        session: PaymentReference::parse(session).unwrap(),
        invoice: DocumentId::parse(INVOICE).unwrap(),
        gateway: Gateway::Stripe,
        amount: Money::new(amount, Currency::EUR),
        created_at: app.state().clock.now(),
    };
    app.state().store.save_checkout(&checkout).await.unwrap();
}

#[tokio::test]
async fn an_invoice_paid_through_checkout_is_paid_once_with_a_notice_and_a_receipt() {
    let stripe = stripe().await;
    let app = TestApp::spawn_with_stripe(&stripe.uri()).await;
    let ana = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let page = ana.get(&format!("/documents/invoices/{INVOICE}")).await;
    assert!(page.body.contains("Pagar con tarjeta"), "{}", page.body);
    assert!(page.body.contains("ES91 2100 0418 4502 0005 1332"), "transfer details too");
    let amount = due(&app).await;
    assert!(amount > 0);

    // Pressed twice: two requests to Stripe with one idempotency key.
    for _ in 0..2 {
        let sent = ana.post(&format!("/documents/invoices/{INVOICE}/pay"), &[("csrf", &page.csrf())]).await;
        assert_eq!(sent.status, 303, "{}", sent.body);
        assert_eq!(sent.location(), Some("https://checkout.stripe.com/c/pay/cs_test_e2e"));
    }
    let requests = stripe.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let keys: Vec<_> = requests.iter().map(|r| r.headers.get("idempotency-key").unwrap().clone()).collect();
    assert_eq!(keys[0], keys[1], "one checkout per invoice state");
    let form = String::from_utf8(requests[0].body.clone()).unwrap();
    assert!(form.contains(&format!("unit_amount%5D={amount}")), "the amount due: {form}");

    // Coming back from the checkout changes nothing by itself.
    let back = ana.get(&format!("/documents/invoices/{INVOICE}?payment=processing")).await;
    assert!(back.body.contains("Estamos confirmando tu pago"), "{}", back.body);
    assert_eq!(invoice(&app).await.status, DocumentStatus::Issued);

    let body = event("checkout.session.completed", "cs_test_e2e", amount, "eur", "paid");
    let (status, text) = deliver(&app, &body, signed(&app, &body)).await;
    assert_eq!(status, 200, "{text}");
    let paid = invoice(&app).await;
    assert_eq!(paid.status, DocumentStatus::Paid);
    assert_eq!(paid.amount_due(&paid.totals()).minor, 0);
    let payments = app.state().store.payments(&paid.id).await.unwrap();
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0].amount.minor, amount);
    assert_eq!(payments[0].reference.as_str(), "cs_test_e2e");

    // Stripe delivering the same event again, twenty times at once.
    let app = std::sync::Arc::new(app);
    let mut replays = Vec::new();
    for _ in 0..20 {
        let (app, body) = (app.clone(), body.clone());
        replays.push(tokio::spawn(async move { deliver(&app, &body, signed(&app, &body)).await.0 }));
    }
    for replay in replays {
        assert_eq!(replay.await.unwrap(), 200, "a replay is acknowledged");
    }
    assert_eq!(app.state().store.payments(&paid.id).await.unwrap().len(), 1, "still one payment");
    assert_eq!(invoice(&app).await.paid_minor, paid.paid_minor, "paid once");

    let mails = app.outbox().await;
    let staff: Vec<_> = mails.iter().filter(|m| m.to == STAFF && m.subject.starts_with("Pago recibido")).collect();
    assert_eq!(staff.len(), 1, "one notice to staff");
    let receipts: Vec<_> =
        mails.iter().filter(|m| m.to == demo::CUSTOMER_EMAIL && m.subject.starts_with("Recibo de tu pago")).collect();
    assert_eq!(receipts.len(), 1, "one receipt to the contact");
    assert!(receipts[0].text.contains("La factura está pagada."), "{}", receipts[0].text);
    assert!(receipts[0].text.contains(&format!("/documents/invoices/{INVOICE}")), "links to the invoice");

    let after = ana.get(&format!("/documents/invoices/{INVOICE}?payment=processing")).await;
    assert!(after.body.contains("Pago confirmado"), "{}", after.body);
    assert!(!after.body.contains("Pagar con tarjeta"), "nothing left to pay");
    let history = app.state().store.document_activity(&paid.id, 100).await.unwrap();
    assert!(history.iter().any(|e| matches!(e.kind, ActivityKind::PaymentReceived { .. })));
}

#[tokio::test]
async fn partial_failed_unknown_and_refused_payments() {
    let stripe = stripe().await;
    let app = TestApp::spawn_with_stripe(&stripe.uri()).await;
    let total = due(&app).await;
    let part = total / 4;

    // A partial payment leaves the rest due; a second one settles it.
    open_checkout(&app, "cs_part_1", part).await;
    let body = event("checkout.session.completed", "cs_part_1", part, "eur", "paid");
    assert_eq!(deliver(&app, &body, signed(&app, &body)).await.0, 200);
    assert_eq!(invoice(&app).await.status, DocumentStatus::PartiallyPaid);
    assert_eq!(due(&app).await, total - part);

    // More than is due: nothing changes, staff are told.
    open_checkout(&app, "cs_over", total).await;
    let body = event("checkout.session.completed", "cs_over", total, "eur", "paid");
    assert_eq!(deliver(&app, &body, signed(&app, &body)).await.0, 200);
    assert_eq!(due(&app).await, total - part, "an overpayment is not applied");
    let attention = app.outbox().await.into_iter().filter(|m| m.subject.starts_with("Pago por revisar")).count();
    assert_eq!(attention, 1, "staff are told to sort it out");
    // Another currency: refused the same way.
    open_checkout(&app, "cs_usd", 100).await;
    let body = event("checkout.session.completed", "cs_usd", 100, "usd", "paid");
    assert_eq!(deliver(&app, &body, signed(&app, &body)).await.0, 200);
    assert_eq!(due(&app).await, total - part);

    // A delayed method that fails: noted, nothing paid.
    open_checkout(&app, "cs_debit", total - part).await;
    let pending = event("checkout.session.completed", "cs_debit", total - part, "eur", "unpaid");
    assert_eq!(deliver(&app, &pending, signed(&app, &pending)).await.0, 200);
    assert_eq!(due(&app).await, total - part, "completed but unpaid changes nothing");
    let failed = event("checkout.session.async_payment_failed", "cs_debit", total - part, "eur", "unpaid");
    assert_eq!(deliver(&app, &failed, signed(&app, &failed)).await.0, 200);
    assert_eq!(deliver(&app, &failed, signed(&app, &failed)).await.0, 200);
    let history = app.state().store.document_activity(&DocumentId::parse(INVOICE).unwrap(), 100).await.unwrap();
    assert_eq!(history.iter().filter(|e| e.kind == ActivityKind::PaymentFailed).count(), 1, "noted once");
    assert_eq!(invoice(&app).await.status, DocumentStatus::PartiallyPaid);

    // A session the portal never opened: acknowledged, ignored.
    let stray = event("checkout.session.completed", "cs_someone_else", 500, "eur", "paid");
    let (status, text) = deliver(&app, &stray, signed(&app, &stray)).await;
    assert_eq!(status, 200);
    assert!(text.contains("unknown session"), "{text}");
    assert_eq!(due(&app).await, total - part);

    // The async success of the debit settles the invoice; its late failure
    // event (out of order) does not undo it.
    let succeeded = event("checkout.session.async_payment_succeeded", "cs_debit", total - part, "eur", "paid");
    assert_eq!(deliver(&app, &succeeded, signed(&app, &succeeded)).await.0, 200);
    assert_eq!(invoice(&app).await.status, DocumentStatus::Paid);
    let late = event("checkout.session.completed", "cs_part_1", part, "eur", "paid");
    assert_eq!(deliver(&app, &late, signed(&app, &late)).await.0, 200);
    assert_eq!(invoice(&app).await.status, DocumentStatus::Paid, "a paid invoice does not regress");
    assert_eq!(app.state().store.payments(&DocumentId::parse(INVOICE).unwrap()).await.unwrap().len(), 2);
}

#[tokio::test]
async fn webhooks_that_do_not_verify_change_nothing() {
    let stripe = stripe().await;
    let app = TestApp::spawn_with_stripe(&stripe.uri()).await;
    let total = due(&app).await;
    open_checkout(&app, "cs_forged", total).await;
    let body = event("checkout.session.completed", "cs_forged", total, "eur", "paid");
    let now = app.state().clock.now().unix_timestamp();
    let tampered = body.replace("\"paid\"", "\"paid\" ");
    for (name, payload, signature) in [
        ("no signature", body.clone(), None),
        ("wrong secret", body.clone(), Some(signature_header(body.as_bytes(), "whsec_attacker", now))),
        ("tampered body", tampered.clone(), signed(&app, &body)),
        (
            "stale timestamp",
            body.clone(),
            Some(signature_header(body.as_bytes(), STRIPE_WEBHOOK_SECRETS[0], now - 3600)),
        ),
        ("no v1", body.clone(), Some(format!("t={now}"))),
    ] {
        let (status, text) = deliver(&app, &payload, signature).await;
        assert_eq!(status, 400, "{name}: {text}");
    }
    assert_eq!(due(&app).await, total, "nothing was paid");
    assert_eq!(invoice(&app).await.status, DocumentStatus::Issued);
    // The older active secret still verifies during the rotation.
    let older = Some(signature_header(body.as_bytes(), STRIPE_WEBHOOK_SECRETS[0], now));
    assert_eq!(deliver(&app, &body, older).await.0, 200);
    assert_eq!(invoice(&app).await.status, DocumentStatus::Paid);
}

#[tokio::test]
async fn a_stripe_outage_is_a_clear_page_and_nothing_changes() {
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string("upstream error"))
        .mount(&stripe)
        .await;
    let app = TestApp::spawn_with_stripe(&stripe.uri()).await;
    let ana = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let page = ana.get(&format!("/documents/invoices/{INVOICE}")).await;
    let refused = ana.post(&format!("/documents/invoices/{INVOICE}/pay"), &[("csrf", &page.csrf())]).await;
    assert_eq!(refused.status, 503);
    assert!(refused.body.contains("No se te ha cobrado nada"), "{}", refused.body);
    assert_eq!(invoice(&app).await.status, DocumentStatus::Issued);
    // Paid and void invoices offer nothing to pay and refuse a hand-made post.
    let paid = ana.get("/documents/invoices/d-f2026-0101").await;
    assert!(!paid.body.contains("Pagar con tarjeta"));
    let post = ana.post("/documents/invoices/d-f2026-0101/pay", &[("csrf", &page.csrf())]).await;
    assert_eq!(post.status, 409);
    // Another contact's invoice does not exist for Ana.
    let foreign = ana.post("/documents/invoices/d-f2026-0115/pay", &[("csrf", &page.csrf())]).await;
    assert_eq!(foreign.status, 404);
}

#[tokio::test]
async fn a_stripe_that_never_answers_is_given_up_on_with_the_same_clear_page() {
    // Stripe accepts the connection and says nothing for longer than the
    // client waits: the contact gets an answer (not API Gateway's timeout)
    // and the invoice is untouched. Bounded by the client's 15 s timeout.
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(60)))
        .mount(&stripe)
        .await;
    let app = TestApp::spawn_with_stripe(&stripe.uri()).await;
    let ana = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let page = ana.get(&format!("/documents/invoices/{INVOICE}")).await;
    let due_before = due(&app).await;

    let refused = tokio::time::timeout(
        std::time::Duration::from_secs(25),
        ana.post(&format!("/documents/invoices/{INVOICE}/pay"), &[("csrf", &page.csrf())]),
    )
    .await
    .expect("answered before API Gateway's 29 s limit");

    assert_eq!(refused.status, 503);
    assert!(refused.body.contains("No se te ha cobrado nada"), "{}", refused.body);
    assert_eq!(invoice(&app).await.status, DocumentStatus::Issued);
    assert_eq!(due(&app).await, due_before);
}

#[tokio::test]
async fn without_stripe_the_invoice_offers_the_transfer_only() {
    let app = TestApp::spawn().await;
    let ana = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let page = ana.get(&format!("/documents/invoices/{INVOICE}")).await;
    assert!(!page.body.contains("Pagar con tarjeta"));
    assert!(page.body.contains("ES91 2100 0418 4502 0005 1332"));
    let post = ana.post(&format!("/documents/invoices/{INVOICE}/pay"), &[("csrf", &page.csrf())]).await;
    assert_eq!(post.status, 409);
    let body = event("checkout.session.completed", "cs_x", 1, "eur", "paid");
    assert_eq!(deliver(&app, &body, None).await.0, 404, "no webhook without Stripe");
}
