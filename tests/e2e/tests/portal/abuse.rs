//! Abuse: login links limited per address and per client IP, large bodies
//! refused before any handler reads them, slow clients dropped without holding
//! up anyone else.

use portal_dev_server::demo;
use portal_e2e::TestApp;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn login_links_are_limited_per_client_address() {
    let app = TestApp::spawn().await;
    // Every test request comes from 127.0.0.1: REQUESTS_PER_IP requests for
    // strangers' addresses use up this address's allowance.
    let tasks: Vec<_> = (0..portal_app::login::LINK_LIMITS.per_client)
        .map(|n| {
            let browser = app.browser();
            tokio::spawn(async move {
                let form = browser.get("/login").await;
                let email = format!("desconocido{n}@example.es");
                browser.post("/login", &[("csrf", &form.csrf()), ("email", &email)]).await.status
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200, "within the allowance");
    }
    let browser = app.browser();
    let form = browser.get("/login").await;
    let refused = browser.post("/login", &[("csrf", &form.csrf()), ("email", demo::CUSTOMER_EMAIL)]).await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert!(refused.body.contains("Demasiados intentos"), "{}", refused.body);
    assert!(app.outbox().await.is_empty(), "no link sent over the limit");
}

#[tokio::test]
async fn large_bodies_are_refused_before_a_handler_runs() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    let huge = "a".repeat(portal_dev_server::MAX_BODY_BYTES + 1);
    let response = client
        .post(app.server.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);

    // Under the server's limit but over a form's: the form parser refuses it.
    let browser = app.browser();
    let form = browser.get("/login").await;
    let padding = "x".repeat(portal_web::http::MAX_FORM_BYTES);
    let page =
        browser.post("/login", &[("csrf", &form.csrf()), ("email", demo::CUSTOMER_EMAIL), ("p", &padding)]).await;
    assert_eq!(page.status, 413, "{}", page.body);
    assert!(app.outbox().await.is_empty());

    // The API refuses JSON over its own limit with its JSON error.
    let key = portal_staff_api::keys::create_key(app.state(), portal_domain::staff::KeyName::parse("abuse").unwrap())
        .await
        .unwrap();
    let big_json = format!("{{\"name\":\"{}\"}}", "x".repeat(portal_web::api::MAX_JSON_BYTES));
    let response = client
        .post(app.server.url("/api/v1/contacts"))
        .bearer_auth(&key.token)
        .header("content-type", "application/json")
        .body(big_json)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "too_large", "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_dropped_and_do_not_hold_up_others() {
    let app = TestApp::spawn().await;
    let address = app.server.addr;
    // Fifty clients that start a request and never finish their headers.
    let mut stalled = Vec::new();
    for _ in 0..50 {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        stream.write_all(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").await.unwrap();
        stalled.push(stream);
    }
    // Everyone else is served meanwhile.
    let page = tokio::time::timeout(Duration::from_secs(5), app.browser().get("/login")).await.expect("served");
    assert_eq!(page.status, 200);
    // And the stalled connections are closed once the header timeout passes.
    let deadline = portal_dev_server::HEADER_TIMEOUT + Duration::from_secs(5);
    for mut stream in stalled {
        let mut buffer = Vec::new();
        let read = tokio::time::timeout(deadline, stream.read_to_end(&mut buffer)).await;
        assert!(read.is_ok(), "a stalled client was still connected after {deadline:?}");
    }
}
