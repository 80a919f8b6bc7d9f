//! The notification outbox: a failing mail backend never loses a notification
//! and never sends one twice; replayed stream records send nothing again.

use async_trait::async_trait;
use portal_dev_server::demo;
use portal_domain::ports::{MailError, Mailer, OutgoingMail};
use portal_e2e::TestApp;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A mail backend that fails its first `failures` sends, then passes mail on,
/// counting what it passed per (recipient, text).
struct FlakyMailer {
    inner: Arc<dyn Mailer>,
    failures: AtomicUsize,
    sent: Mutex<HashMap<(String, String), usize>>,
}

#[async_trait]
impl Mailer for FlakyMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        if self.failures.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
            return Err(MailError("mail backend down (test)".into()));
        }
        self.inner.send(mail).await?;
        *self.sent.lock().unwrap().entry((mail.to.to_string(), mail.text.clone())).or_default() += 1;
        Ok(())
    }
}

#[tokio::test]
async fn a_failing_mail_backend_delays_notifications_but_loses_and_doubles_none() {
    let flaky: Arc<Mutex<Option<Arc<FlakyMailer>>>> = Arc::new(Mutex::new(None));
    let slot = flaky.clone();
    let app = TestApp::spawn_wrapping_mailer(move |inner| {
        let mailer = Arc::new(FlakyMailer { inner, failures: AtomicUsize::new(0), sent: Mutex::default() });
        *slot.lock().unwrap() = Some(mailer.clone());
        mailer
    })
    .await;
    let mailer = flaky.lock().unwrap().clone().unwrap();
    let browser = app.logged_in(demo::CUSTOMER_EMAIL).await;

    // From now on the first 7 sends fail; count only what follows.
    mailer.sent.lock().unwrap().clear();
    mailer.failures.store(7, Ordering::SeqCst);
    let page = browser.get("/documents/invoices/d-f2026-0112").await;
    for n in 0..3 {
        let body = format!("Comentario {n}");
        let done =
            browser.post("/documents/invoices/d-f2026-0112/comments", &[("csrf", &page.csrf()), ("body", &body)]).await;
        assert_eq!(done.status, 303, "the action never fails because mail does");
    }
    let quote = browser.get("/documents/quotes/d-p2026-0040").await;
    let accepted = browser
        .post(
            "/documents/quotes/d-p2026-0040/accept",
            &[("csrf", &quote.csrf()), ("version", &quote.hidden("version")), ("signer", "Ana López")],
        )
        .await;
    assert_eq!(accepted.status, 303);
    // 3 comments + quote accepted (staff) + receipt (contact) = 5 notifications
    // owed; the failed ones stay pending for the next drain (or the server's
    // background retry, which may already have run on a slow backend).

    for _ in 0..10 {
        drain(app.state()).await.unwrap();
    }
    assert!(app.state().store.pending_notifications(50).await.unwrap().is_empty(), "all delivered in the end");
    let sent = mailer.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 5, "{sent:?}");
    assert!(sent.values().all(|count| *count == 1), "each exactly once: {sent:?}");
    assert_eq!(mailer.failures.load(Ordering::SeqCst), 0, "the failures were really hit");
}

fn stream_record(id: &str, event: &str, sequence: &str) -> serde_json::Value {
    serde_json::json!({
        "eventName": event,
        "dynamodb": { "Keys": { "pk": { "S": format!("OUTBOX#{id}") }, "sk": { "S": "OUTBOX" } }, "SequenceNumber": sequence }
    })
}

#[tokio::test]
async fn replayed_and_concurrent_stream_records_send_once() {
    let flaky: Arc<Mutex<Option<Arc<FlakyMailer>>>> = Arc::new(Mutex::new(None));
    let slot = flaky.clone();
    let app = TestApp::spawn_wrapping_mailer(move |inner| {
        // Fail everything at first so the local drain leaves the notification for the consumer.
        let mailer = Arc::new(FlakyMailer { inner, failures: AtomicUsize::new(usize::MAX), sent: Mutex::default() });
        *slot.lock().unwrap() = Some(mailer.clone());
        mailer
    })
    .await;
    let mailer = flaky.lock().unwrap().clone().unwrap();
    let holder = app.browser();
    let document =
        app.state().store.document(&portal_domain::DocumentId::parse("d-pc2026-0012").unwrap()).await.unwrap().unwrap();
    let token = app.state().keys.document_link_token(&document.id, &document.access_link.nonce);
    holder.get(&format!("/links/{token}")).await;
    let page = holder.get("/documents/purchase-orders/d-pc2026-0012").await;
    let done = holder
        .post(
            "/documents/purchase-orders/d-pc2026-0012/confirm",
            &[("csrf", &page.csrf()), ("version", &page.hidden("version"))],
        )
        .await;
    assert_eq!(done.status, 303);
    let pending = app.state().store.pending_notifications(10).await.unwrap();
    assert_eq!(pending.len(), 1);
    let id = pending[0].as_str().to_string();

    // While the mail backend is down the consumer reports the record as failed (the stream retries it).
    let event = serde_json::json!({ "Records": [stream_record(&id, "INSERT", "111"), stream_record("ignored", "MODIFY", "112")] });
    let response = consume(app.state(), event.clone()).await;
    assert_eq!(response["batchItemFailures"][0]["itemIdentifier"], "111");
    assert_eq!(response["batchItemFailures"].as_array().unwrap().len(), 1);

    // Back up: the same record replayed 10 times, 5 of them at once, sends one email.
    mailer.failures.store(0, Ordering::SeqCst);
    let state = &app.server.state;
    let replays = (0..5).map(|_| consume(state, event.clone()));
    for response in futures_join(replays).await {
        assert!(response["batchItemFailures"].as_array().unwrap().is_empty());
    }
    for _ in 0..5 {
        consume(state, event.clone()).await;
    }
    let sent = mailer.sent.lock().unwrap().clone();
    assert_eq!(sent.values().sum::<usize>(), 1, "{sent:?}");
    assert_eq!(app.state().store.pending_notifications(10).await.unwrap().len(), 0);
}

/// The stream consumer's handler, run as that function (its AWS calls are
/// recorded as the consumer's for the deploy test).
async fn consume(state: &portal_web::AppState, event: serde_json::Value) -> serde_json::Value {
    portal_dev_server::serving("portal_notification_consumer", portal_notification_consumer::handle(state, event)).await
}

/// The outbox sweep, run as the consumer function runs it (recorded as its calls).
async fn drain(
    state: &portal_web::AppState,
) -> Result<portal_web::notify::DrainReport, portal_domain::ports::StoreError> {
    portal_dev_server::serving("portal_notification_consumer", portal_web::notify::drain(state)).await
}

async fn futures_join<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut outputs = Vec::new();
    let pinned: Vec<_> = futures.map(Box::pin).collect();
    // Poll them together: a tiny join_all without another dependency.
    let mut remaining: Vec<_> = pinned.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..remaining.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut done = true;
        for (slot, result) in remaining.iter_mut().zip(results.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => {
                        *result = Some(value);
                        *slot = None;
                    }
                    std::task::Poll::Pending => done = false,
                }
            }
        }
        if done { std::task::Poll::Ready(()) } else { std::task::Poll::Pending }
    })
    .await;
    outputs.extend(results.into_iter().map(|r| r.expect("completed")));
    outputs
}

#[tokio::test]
async fn a_staff_reply_mails_the_contact_in_their_language_with_a_link_that_works() {
    // Staff reply through the staff API (a later issue); the outbox side is here.
    let app = TestApp::spawn().await;
    let state = app.state();
    portal_e2e::store_staff_reply(state, "d-f2026-0115", "k-staff-1", "The invoice was sent again.").await;
    let report = drain(state).await.unwrap();
    assert_eq!(report.sent, 1);
    let mail = app.outbox().await.into_iter().find(|m| m.to == demo::ENGLISH_CUSTOMER_EMAIL).expect("mailed");
    assert!(mail.subject.starts_with("New comment on Invoice F2026-0115"), "{}", mail.subject);
    assert!(mail.text.contains("«The invoice was sent again.»"));
    let url = mail.text.split_whitespace().find(|w| w.starts_with("http")).unwrap();
    assert!(url.ends_with("/documents/invoices/d-f2026-0115"), "portal users get the portal page: {url}");
}

/// A mail backend that always refuses one recipient (a mailbox that bounces).
struct RefusingMailer {
    inner: Arc<dyn Mailer>,
    refused: &'static str,
}

#[async_trait]
impl Mailer for RefusingMailer {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        if mail.to.as_str() == self.refused {
            return Err(MailError("mailbox rejected (test)".into()));
        }
        self.inner.send(mail).await
    }
}

#[tokio::test]
async fn a_notification_that_always_fails_is_abandoned_and_does_not_hold_up_the_rest() {
    let app =
        TestApp::spawn_wrapping_mailer(|inner| Arc::new(RefusingMailer { inner, refused: demo::CUSTOMER_EMAIL })).await;
    let state = app.state();
    // Ana's acceptance receipt bounces; the staff notice goes through.
    let ana = app.browser();
    let quote =
        state.store.document(&portal_domain::DocumentId::parse("d-p2026-0040").unwrap()).await.unwrap().unwrap();
    ana.get(&format!("/links/{}", state.keys.document_link_token(&quote.id, &quote.access_link.nonce))).await;
    let page = ana.get("/documents/quotes/d-p2026-0040").await;
    let accepted = ana
        .post(
            "/documents/quotes/d-p2026-0040/accept",
            &[("csrf", &page.csrf()), ("version", &page.hidden("version")), ("signer", "Ana López")],
        )
        .await;
    assert_eq!(accepted.status, 303);
    let stuck = state.store.pending_notifications(50).await.unwrap();
    assert_eq!(stuck.len(), 1, "only the receipt is left");

    let mut rounds = 0;
    while !state.store.pending_notifications(50).await.unwrap().is_empty() {
        rounds += 1;
        assert!(rounds <= portal_web::notify::MAX_ATTEMPTS as usize + 1, "never abandoned");
        drain(state).await.unwrap();
    }
    let entry = state.store.outbox_entry(&stuck[0]).await.unwrap().expect("kept for staff to read");
    assert!(entry.abandoned_at.is_some());
    assert!(entry.delivered_at.is_none());
    assert_eq!(entry.attempts, portal_web::notify::MAX_ATTEMPTS);
    assert_eq!(entry.last_error.as_deref(), Some("mail not sent: mailbox rejected (test)"));
    let staff = app.outbox().await.into_iter().filter(|m| m.to == "oficina@ebro-instalaciones.es").count();
    assert_eq!(staff, 1, "the staff notice was sent once");
    // Abandoned means done: a replayed stream record sends nothing either.
    assert_eq!(portal_web::notify::deliver(state, &stuck[0]).await.unwrap(), portal_web::notify::Delivery::Skipped);
}
