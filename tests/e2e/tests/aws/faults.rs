//! An emulator (or AWS) that is down or does not answer gives a clear error
//! quickly — never a hang or a panic.

use portal_adapters::table::{Key, Table, TableError};
use portal_aws::clients::emulator_config;
use portal_aws::{AwsClients, DynamoTable, S3Blobs, SesMailer};
use portal_domain::EmailAddress;
use portal_domain::ports::{BlobError, BlobStore, Mailer, OutgoingMail};
use std::time::Duration;

/// Bounds each call so a regression shows up as a failure, not a stuck run.
const GUARD: Duration = Duration::from_secs(60);

/// A loopback port nothing listens on.
async fn closed_port() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

/// A server that accepts connections and never answers.
async fn silent_server() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (format!("http://{addr}"), task)
}

async fn assert_all_backends_fail_clearly(endpoint: &str) {
    let clients = AwsClients::new(&emulator_config(endpoint, "eu-west-1"), true);
    let table = DynamoTable::new(clients.dynamo.clone(), "portal");
    let got = tokio::time::timeout(GUARD, table.get(&Key::new("a", "b"))).await.expect("no hang");
    match got {
        Err(TableError::Unavailable(why)) => assert!(why.contains("DynamoDB GetItem failed"), "{why}"),
        other => panic!("expected Unavailable, got {other:?}"),
    }
    let blobs = S3Blobs::new(clients.s3.clone(), "portal");
    let got = tokio::time::timeout(GUARD, blobs.get("pdf/x.pdf")).await.expect("no hang");
    assert!(matches!(got, Err(BlobError::Unavailable(ref why)) if why.contains("S3 GetObject failed")), "{got:?}");
    let mailer = SesMailer::new(clients.ses.clone(), EmailAddress::parse("a@b.es").unwrap(), None);
    let mail = OutgoingMail {
        to: EmailAddress::parse("c@d.es").unwrap(),
        reply_to: None,
        subject: "s".into(),
        text: "t".into(),
        html: "h".into(),
        attachments: vec![],
    };
    let got = tokio::time::timeout(GUARD, mailer.send(&mail)).await.expect("no hang");
    assert!(got.as_ref().is_err_and(|e| e.0.contains("SES SendRawEmail failed")), "{got:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_emulator_that_is_down_is_a_clear_error() {
    assert_all_backends_fail_clearly(&closed_port().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_emulator_that_never_answers_times_out_with_a_clear_error() {
    let (endpoint, server) = silent_server().await;
    assert_all_backends_fail_clearly(&endpoint).await;
    server.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_portal_shows_a_clean_500_when_storage_is_down() {
    let app = portal_e2e::TestApp::spawn_on(false).await;
    let browser = app.logged_in(portal_dev_server::demo::CUSTOMER_EMAIL).await;
    // Same portal, storage swapped for a dead endpoint.
    let clients = AwsClients::new(&emulator_config(&closed_port().await, "eu-west-1"), true);
    let dead = std::sync::Arc::new(portal_adapters::TableStore::new(std::sync::Arc::new(DynamoTable::new(
        clients.dynamo,
        "portal",
    ))));
    let state = &app.server.state;
    let broken = portal_web::AppState::with_backends(
        state.config.clone(),
        dead,
        state.mailer.clone(),
        state.blobs.clone(),
        state.clock.clone(),
        state.ids.clone(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = portal_dev_server::spawn(listener, std::sync::Arc::new(broken)).await.unwrap();
    let session = browser.cookie("portal_session").unwrap();
    let client = portal_e2e::Browser::new(&server.url(""));
    client.set_cookie("portal_session", &session, "/");
    let page = tokio::time::timeout(GUARD, client.get("/")).await.expect("no hang");
    assert_eq!(page.status, 500);
    assert!(page.body.contains("Algo ha fallado por nuestra parte"), "{}", page.body);
    assert!(!page.body.contains("DynamoDB"), "the cause goes to the log, not the page");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_secret_key_is_read_from_ssm_and_a_missing_one_is_a_clear_error() {
    let config = emulator_config(&portal_e2e::emulator_endpoint(), portal_e2e::EMULATOR_REGION);
    let name = format!("/portal/{}/secret-key", portal_e2e::unique_name("ssm"));
    let ssm = aws_sdk_ssm::Client::new(&config);
    ssm.put_parameter()
        .name(&name)
        .value("a-long-secret-value-with-more-than-32-bytes")
        .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
        .send()
        .await
        .unwrap();
    let value = portal_aws::secrets::read_parameter(&config, &name).await.unwrap();
    assert_eq!(value, "a-long-secret-value-with-more-than-32-bytes");
    let missing = portal_aws::secrets::read_parameter(&config, "/portal/missing").await.unwrap_err();
    assert!(missing.to_string().contains("/portal/missing"), "{missing}");
}
