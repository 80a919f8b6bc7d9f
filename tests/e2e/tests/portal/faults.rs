//! Storage faults at every step of every action: the table or the blob store
//! fails (or times out, which reaches the portal as the same error) on the
//! 1st, 2nd, … call an action makes, including the notification delivery
//! that follows it. Each
//! time the user gets a clean error page or the action's own answer, nothing is
//! half-written, and after one retry and a delivery run the action has taken
//! effect once, with exactly the events and mail a fault-free run produces.
//!
//! The run prints, per action, how many attempts were made, how many took
//! effect on the faulted attempt, how many after the retry, and the mail sent.

use async_trait::async_trait;
use portal_adapters::TableStore;
use portal_adapters::table::{Item, Key, Query, QueryPage, Table, TableError, Write};
use portal_dev_server::demo;
use portal_domain::payment::{Checkout, Gateway, PaymentReference};
use portal_domain::ports::{Blob, BlobError, BlobStore, Disposition};
use portal_domain::{ContactId, DocumentId};
use portal_e2e::{Browser, Page, TestApp};
use portal_payments::stripe::signature_header;
use portal_web::{AppState, auth};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// One count of storage calls across the table and the blob store, failing
/// the `fail_at`-th call after being armed (0: never).
#[derive(Default)]
struct Faults {
    calls: AtomicU64,
    fail_at: AtomicU64,
}

impl Faults {
    fn arm(&self, fail_at: u64) {
        self.calls.store(0, Ordering::SeqCst);
        self.fail_at.store(fail_at, Ordering::SeqCst);
    }

    /// Stops failing; returns how many calls were made since arming.
    fn disarm(&self) -> u64 {
        self.fail_at.store(0, Ordering::SeqCst);
        self.calls.load(Ordering::SeqCst)
    }

    /// The injected failure's message, when this call is the one to fail.
    fn check(&self) -> Result<(), String> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if call == self.fail_at.load(Ordering::SeqCst) {
            return Err(format!("injected fault at call {call}"));
        }
        Ok(())
    }
}

struct FaultyTable {
    inner: Arc<dyn Table>,
    faults: Arc<Faults>,
}

impl FaultyTable {
    fn check(&self) -> Result<(), TableError> {
        self.faults.check().map_err(TableError::Unavailable)
    }
}

#[async_trait]
impl Table for FaultyTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        self.check()?;
        self.inner.get(key).await
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), TableError> {
        self.check()?;
        self.inner.transact(writes).await
    }

    async fn write(&self, write: Write) -> Result<(), TableError> {
        self.check()?;
        self.inner.write(write).await
    }

    async fn query(&self, query: &Query) -> Result<QueryPage, TableError> {
        self.check()?;
        self.inner.query(query).await
    }

    async fn increment(&self, key: &Key, expires_at: i64) -> Result<u64, TableError> {
        self.check()?;
        self.inner.increment(key, expires_at).await
    }
}

/// The blob store, failing with the table's count. Presigning is local and never fails here.
struct FaultyBlobs {
    inner: Arc<dyn BlobStore>,
    faults: Arc<Faults>,
}

#[async_trait]
impl BlobStore for FaultyBlobs {
    async fn put(&self, key: &str, blob: &Blob) -> Result<(), BlobError> {
        self.faults.check().map_err(BlobError::Unavailable)?;
        self.inner.put(key, blob).await
    }

    async fn get(&self, key: &str) -> Result<Option<Blob>, BlobError> {
        self.faults.check().map_err(BlobError::Unavailable)?;
        self.inner.get(key).await
    }

    async fn exists(&self, key: &str) -> Result<bool, BlobError> {
        self.faults.check().map_err(BlobError::Unavailable)?;
        self.inner.exists(key).await
    }

    async fn presigned_get(
        &self,
        key: &str,
        file_name: &str,
        disposition: Disposition,
        expires_in: std::time::Duration,
    ) -> Result<String, BlobError> {
        self.inner.presigned_get(key, file_name, disposition, expires_in).await
    }
}

/// A portal (embedded backends, demo data and catalog) served through a faulty table.
struct World {
    app: TestApp,
    faults: Arc<Faults>,
    server: portal_dev_server::RunningServer,
}

impl World {
    async fn new() -> World {
        // Card payments on, so the Stripe webhook verifies; no action here calls Stripe's API.
        let app = TestApp::spawn_with_stripe_on(false, "http://127.0.0.1:9").await;
        demo::seed_catalog(app.state()).await.unwrap();
        let faults = Arc::new(Faults::default());
        let table = Arc::new(FaultyTable { inner: app.table.clone(), faults: faults.clone() });
        let state = app.state();
        let faulty = portal_runtime::assemble(
            state.config.clone(),
            Arc::new(TableStore::new(table)),
            state.mailer.clone(),
            Arc::new(FaultyBlobs { inner: state.blobs.clone(), faults: faults.clone() }),
            state.clock.clone(),
            state.ids.clone(),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = portal_dev_server::spawn(listener, Arc::new(faulty)).await.unwrap();
        World { app, faults, server }
    }

    fn state(&self) -> &AppState {
        &self.server.state
    }

    fn contact(&self, id: &str) -> Browser {
        let browser = Browser::new(&self.server.url(""));
        let (token, _) = self.state().keys.issue_session(&ContactId::parse(id).unwrap(), self.state().clock.now());
        browser.set_cookie(auth::session_cookie_name(self.state()), &token, "/");
        browser
    }

    fn staff(&self) -> Browser {
        let browser = Browser::new(&self.server.url(""));
        let email = portal_domain::EmailAddress::parse("oficina@ebro-instalaciones.es").unwrap();
        let (token, _) =
            self.state().keys.issue_staff_session(&email, self.state().clock.now()).expect("a staff secret");
        browser.set_cookie(auth::staff_cookie_name(self.state()), &token, "/");
        browser
    }

    /// Events in the business-wide history and mail sent so far.
    async fn effects(&self) -> (usize, usize) {
        let events = self.app.state().store.business_activity(1_000).await.unwrap().len();
        (events, self.app.outbox().await.len())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    AcceptQuote,
    RejectQuote,
    Comment,
    ConfirmPurchaseOrder,
    PlaceOrder,
    StaffReply,
    TransferReceived,
    StripeWebhook,
    LoginRequest,
}

const ACTIONS: [Action; 9] = [
    Action::AcceptQuote,
    Action::RejectQuote,
    Action::Comment,
    Action::ConfirmPurchaseOrder,
    Action::PlaceOrder,
    Action::StaffReply,
    Action::TransferReceived,
    Action::StripeWebhook,
    Action::LoginRequest,
];

/// What the action sends, prepared before any fault.
enum Prepared {
    Form { browser: Browser, path: String, fields: Vec<(String, String)> },
    Api { url: String, token: String },
    Webhook { url: String, body: String, signature: String },
}

async fn prepare(world: &World, action: Action) -> Prepared {
    let form = |browser: Browser, path: &str, fields: Vec<(&str, String)>| Prepared::Form {
        browser,
        path: path.to_string(),
        fields: fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    };
    match action {
        Action::AcceptQuote | Action::RejectQuote => {
            let ana = world.contact(demo::CUSTOMER_ID);
            let page = ana.get("/documents/quotes/d-p2026-0040").await;
            let (verb, answer) = if action == Action::AcceptQuote {
                ("accept", ("signer", "Ana López Martín".to_string()))
            } else {
                ("reject", ("reason", "Buscamos otra solución".to_string()))
            };
            let fields = vec![("csrf", page.csrf()), ("version", page.hidden("version")), answer];
            form(ana, &format!("/documents/quotes/d-p2026-0040/{verb}"), fields)
        }
        Action::Comment => {
            let ana = world.contact(demo::CUSTOMER_ID);
            let page = ana.get("/documents/invoices/d-f2026-0125").await;
            let fields = vec![("csrf", page.csrf()), ("body", "¿Podéis enviar el albarán?".to_string())];
            form(ana, "/documents/invoices/d-f2026-0125/comments", fields)
        }
        Action::ConfirmPurchaseOrder => {
            let supplier = world.contact(demo::SUPPLIER_ID);
            let page = supplier.get("/documents/purchase-orders/d-pc2026-0012").await;
            let fields = vec![
                ("csrf", page.csrf()),
                ("version", page.hidden("version")),
                ("delivery_date", String::new()),
                ("note", String::new()),
            ];
            form(supplier, "/documents/purchase-orders/d-pc2026-0012/confirm", fields)
        }
        Action::PlaceOrder => {
            let ana = world.contact(demo::CUSTOMER_ID);
            let catalog = ana.get("/catalog").await;
            let added = ana
                .post("/cart/items", &[("csrf", &catalog.csrf()), ("product", "led-panel"), ("quantity", "2")])
                .await;
            assert_eq!(added.status, 303, "{}", added.body);
            let cart = ana.get("/cart").await;
            form(ana, "/cart/order", vec![("csrf", cart.csrf()), ("cart_version", cart.hidden("cart_version"))])
        }
        Action::StaffReply => {
            let staff = world.staff();
            let page = staff.get("/staff/documents/d-f2026-0125").await;
            assert_eq!(page.status, 200, "{}", page.body);
            let fields = vec![("csrf", page.csrf()), ("body", "Os lo enviamos hoy.".to_string())];
            form(staff, "/staff/documents/d-f2026-0125/comments", fields)
        }
        Action::TransferReceived => {
            let name = portal_domain::staff::KeyName::parse("faults").unwrap();
            let key = portal_staff_api::keys::create_key(world.app.state(), name).await.unwrap();
            Prepared::Api { url: world.server.url("/api/v1/documents/d-f2026-0125/payments"), token: key.token }
        }
        Action::StripeWebhook => {
            let state = world.app.state();
            let invoice = state.store.document(&DocumentId::parse("d-f2026-0125").unwrap()).await.unwrap().unwrap();
            let due = invoice.amount_due(&invoice.totals());
            let checkout = Checkout {
                session: PaymentReference::parse("cs_test_faults").unwrap(),
                invoice: invoice.id.clone(),
                gateway: Gateway::Stripe,
                amount: due,
                created_at: state.clock.now(),
            };
            state.store.save_checkout(&checkout).await.unwrap();
            let body = serde_json::json!({
                "id": "evt_faults", "object": "event", "type": "checkout.session.completed",
                "data": { "object": {
                    "id": "cs_test_faults", "object": "checkout.session", "amount_total": due.minor,
                    "currency": "eur", "payment_status": "paid"
                } }
            })
            .to_string();
            let secret = portal_e2e::STRIPE_WEBHOOK_SECRETS[1];
            let signature = signature_header(body.as_bytes(), secret, state.clock.now().unix_timestamp());
            Prepared::Webhook { url: world.server.url("/webhooks/stripe"), body, signature }
        }
        Action::LoginRequest => {
            let browser = Browser::new(&world.server.url(""));
            let page = browser.get("/login").await;
            form(browser, "/login", vec![("csrf", page.csrf()), ("email", demo::CUSTOMER_EMAIL.to_string())])
        }
    }
}

async fn send(prepared: &Prepared) -> Page {
    let client = reqwest::Client::new();
    let request = match prepared {
        Prepared::Form { browser, path, fields } => {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            return browser.post(path, &fields).await;
        }
        Prepared::Webhook { url, body, signature } => {
            client.post(url).header("stripe-signature", signature).body(body.clone())
        }
        Prepared::Api { url, token } => client
            .post(url)
            .bearer_auth(token)
            .json(&serde_json::json!({ "amount_minor": 10_000, "reference": "TRF-FAULTS-1" })),
    };
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    Page { status, headers, body: response.text().await.unwrap() }
}

/// One run of `action` with storage failing at call `fail_at` (0: never).
struct Run {
    first: Page,
    calls: u64,
    effects_after_first: (usize, usize),
    effects_after_retry: (usize, usize),
}

async fn run(action: Action, fail_at: u64) -> Run {
    let world = World::new().await;
    let prepared = prepare(&world, action).await;
    portal_dev_server::drain_outbox(world.app.state()).await;
    let before = world.effects().await;
    world.faults.arm(fail_at);
    let first = send(&prepared).await;
    let calls = world.faults.disarm();
    portal_dev_server::drain_outbox(world.app.state()).await;
    let after_first = world.effects().await;
    if first.status >= 500 {
        // The user tries again, with the same form.
        send(&prepared).await;
    }
    portal_dev_server::drain_outbox(world.app.state()).await;
    let after_retry = world.effects().await;
    let minus = |(a, b): (usize, usize)| (a - before.0, b - before.1);
    Run { first, calls, effects_after_first: minus(after_first), effects_after_retry: minus(after_retry) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storage_fault_at_any_step_of_any_action_is_clean_and_loses_nothing() {
    let mut report =
        vec!["| action | attempts | applied despite the fault | applied on retry | events | mails |".into()];
    report.push("|---|---:|---:|---:|---:|---:|".to_string());
    for action in ACTIONS {
        let clean = run(action, 0).await;
        assert!(clean.first.status < 500, "{action:?} works without faults: {}", clean.first.body);
        let expected = clean.effects_after_first;
        assert!(
            expected.0 + expected.1 > 0,
            "{action:?} has an effect to check: {} {}",
            clean.first.status,
            clean.first.body
        );
        let (mut applied_first, mut applied_on_retry) = (0, 0);
        for fail_at in 1..=clean.calls {
            let run = run(action, fail_at).await;
            let first = &run.first;
            if first.status >= 500 {
                assert!(
                    first.body.contains("Algo ha fallado por nuestra parte")
                        || first.body.contains("\"code\"")
                        || action == Action::StripeWebhook,
                    "{action:?}, fault at call {fail_at}: a clear message\n{}",
                    first.body
                );
                assert!(!first.body.contains("injected fault"), "{action:?}: the cause stays in the log");
            }
            // Nothing half-written: after the faulted attempt the history holds
            // the action's events entirely or not at all.
            let events = run.effects_after_first.0;
            assert!(
                events == 0 || events == expected.0,
                "{action:?}, fault at call {fail_at}: {events} of {} events written",
                expected.0
            );
            if run.effects_after_first == expected {
                applied_first += 1;
            } else {
                applied_on_retry += 1;
            }
            assert_eq!(
                run.effects_after_retry, expected,
                "{action:?}, fault at call {fail_at} (status {}): after a retry, the events and mail of one clean run",
                first.status
            );
        }
        report.push(format!(
            "| {action:?} | {} | {applied_first} | {applied_on_retry} | {} | {} |",
            clean.calls, expected.0, expected.1
        ));
    }
    println!("{}", report.join("\n"));
}

/// The PDF of `document` as a contact downloads it: the function's answer,
/// then (on a redirect) the file it points to.
async fn download_pdf(browser: &Browser) -> (u16, Option<Vec<u8>>) {
    let answer = browser.get("/documents/invoices/d-f2026-0125/pdf").await;
    if answer.status != 303 {
        return (answer.status, None);
    }
    let location = answer.location().expect("a download location").to_string();
    let file = reqwest::get(&location).await.unwrap();
    let status = file.status().as_u16();
    (status, Some(file.bytes().await.unwrap().to_vec()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storage_fault_while_making_a_pdf_never_serves_or_keeps_a_broken_one() {
    let clean = World::new().await;
    let ana = clean.contact(demo::CUSTOMER_ID);
    clean.faults.arm(0);
    let (status, pdf) = download_pdf(&ana).await;
    let calls = clean.faults.disarm();
    assert_eq!(status, 200);
    let pdf = pdf.expect("a PDF");
    assert!(pdf.starts_with(b"%PDF-") && pdf.trim_ascii_end().ends_with(b"%%EOF"));
    for fail_at in 1..=calls {
        let world = World::new().await;
        let ana = world.contact(demo::CUSTOMER_ID);
        world.faults.arm(fail_at);
        let first = ana.get("/documents/invoices/d-f2026-0125/pdf").await;
        world.faults.disarm();
        assert!(
            first.status == 303 || (first.status >= 500 && first.body.contains("Algo ha fallado por nuestra parte")),
            "fault at call {fail_at}: {} {}",
            first.status,
            first.body
        );
        // Whatever happened, the next download is a whole PDF.
        let (status, again) = download_pdf(&ana).await;
        assert_eq!(status, 200, "fault at call {fail_at}: the retry downloads");
        let again = again.unwrap();
        let whole = again.starts_with(b"%PDF-") && again.trim_ascii_end().ends_with(b"%%EOF");
        assert!(whole, "fault at call {fail_at}: a whole PDF");
    }
}
