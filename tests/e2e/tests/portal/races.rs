//! Races: the same one-time thing done many times at once takes effect once.
//! (Quote answers, checkout webhooks and order numbering race in their own
//! files: actions.rs, payments.rs, catalog.rs.)

use portal_dev_server::demo::CUSTOMER_EMAIL;
use portal_domain::DocumentId;
use portal_domain::staff::KeyName;
use portal_e2e::{Browser, TestApp, confirm_path};

const RACERS: usize = 12;
const STAFF: &str = "oficina@ebro-instalaciones.es";

/// Opens the confirm page of `link` in `RACERS` fresh browsers, then submits
/// them all at once; returns the statuses and the browsers.
async fn race_confirm(app: &TestApp, link: &str, action: &str, extra: &[(&str, &str)]) -> (Vec<u16>, Vec<Browser>) {
    let mut ready = Vec::new();
    for _ in 0..RACERS {
        let browser = app.browser();
        let page = browser.get(link).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let mut form = vec![("csrf".to_string(), page.csrf()), ("token".to_string(), page.hidden("token"))];
        form.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        ready.push((browser, form));
    }
    let tasks: Vec<_> = ready
        .into_iter()
        .map(|(browser, form)| {
            let action = action.to_string();
            tokio::spawn(async move {
                let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let status = browser.post(&action, &fields).await.status;
                (status, browser)
            })
        })
        .collect();
    let mut statuses = Vec::new();
    let mut browsers = Vec::new();
    for task in tasks {
        let (status, browser) = task.await.expect("racer");
        statuses.push(status);
        browsers.push(browser);
    }
    (statuses, browsers)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_login_link_submitted_many_times_at_once_opens_one_session() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let form = browser.get("/login").await;
    browser.post("/login", &[("csrf", &form.csrf()), ("email", CUSTOMER_EMAIL)]).await;
    let mail = app.outbox().await.into_iter().find(|m| m.to == CUSTOMER_EMAIL).expect("a login mail");

    let (statuses, browsers) = race_confirm(&app, &confirm_path(&mail.text), "/login/confirm", &[]).await;
    assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 1, "one racer logs in: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == 303 || *s == 410), "the rest are told the link is spent: {statuses:?}");
    let sessions = browsers.iter().filter(|b| b.cookie("portal_session").is_some()).count();
    assert_eq!(sessions, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_staff_login_link_submitted_many_times_at_once_opens_one_session() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let form = browser.get("/staff/login").await;
    browser.post("/staff/login", &[("csrf", &form.csrf()), ("email", STAFF)]).await;
    let mail = app.outbox().await.into_iter().find(|m| m.to == STAFF).expect("a staff login mail");
    let start = mail.text.find("/staff/login/confirm?").expect("a staff confirm link");
    let link = mail.text[start..].split_whitespace().next().unwrap().to_string();

    let (statuses, _) = race_confirm(&app, &link, "/staff/login/confirm", &[("next", "/staff")]).await;
    assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 1, "one racer logs in: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == 303 || *s == 410), "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_bank_transfer_reported_many_times_at_once_is_recorded_once() {
    let app = TestApp::spawn().await;
    let key = portal_staff_api::keys::create_key(app.state(), KeyName::parse("races").unwrap()).await.unwrap();
    let url = app.server.url("/api/v1/documents/d-f2026-0125/payments");
    let tasks: Vec<_> = (0..RACERS)
        .map(|n| {
            let (url, token) = (url.clone(), key.token.clone());
            tokio::spawn(async move {
                reqwest::Client::new()
                    .post(url)
                    .bearer_auth(token)
                    // Distinct idempotency keys: only the transfer's reference can tell they are one.
                    .header("Idempotency-Key", format!("race-{n}"))
                    .json(&serde_json::json!({ "amount_minor": 5_000, "reference": "TRF-RACE-1" }))
                    .send()
                    .await
                    .expect("API reachable")
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "one transfer recorded: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 200), "{statuses:?}");
    let invoice = DocumentId::parse("d-f2026-0125").unwrap();
    assert_eq!(app.state().store.payments(&invoice).await.unwrap().len(), 1);
    let document = app.state().store.document(&invoice).await.unwrap().unwrap();
    assert_eq!(document.paid_minor, 5_000);
    let receipts = app.outbox().await.into_iter().filter(|m| m.to == CUSTOMER_EMAIL).count();
    assert_eq!(receipts, 1, "one receipt");
}
