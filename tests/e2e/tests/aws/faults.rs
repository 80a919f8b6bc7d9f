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
    let broken = portal_runtime::assemble(
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

/// Stores each `(suffix, value)` as a SecureString under a fresh prefix;
/// returns the prefix and the parameter names, in order.
async fn put_secrets(config: &portal_aws::clients::SdkConfig, secrets: &[(&str, &str)]) -> (String, Vec<String>) {
    let prefix = format!("/portal/{}", portal_e2e::unique_name("ssm"));
    let ssm = aws_sdk_ssm::Client::new(config);
    let mut names = Vec::new();
    for (suffix, value) in secrets {
        let name = format!("{prefix}/{suffix}");
        ssm.put_parameter()
            .name(&name)
            .value(*value)
            .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
            .send()
            .await
            .unwrap();
        names.push(name);
    }
    (prefix, names)
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_are_read_from_ssm_in_one_call_and_a_missing_one_is_named() {
    let config = emulator_config(&portal_e2e::emulator_endpoint(), portal_e2e::EMULATOR_REGION);
    let (_, names) = put_secrets(
        &config,
        &[("secret-key", "a-long-secret-value-with-more-than-32-bytes"), ("stripe-key", "sk_test_1")],
    )
    .await;

    let values = portal_aws::secrets::read_parameters(&config, &names).await.unwrap();
    assert_eq!(values.len(), 2);
    assert_eq!(values[&names[0]], "a-long-secret-value-with-more-than-32-bytes");
    assert_eq!(values[&names[1]], "sk_test_1");

    let with_missing = [names[0].clone(), "/portal/missing".to_string()];
    let missing = portal_aws::secrets::read_parameters(&config, &with_missing).await.unwrap_err();
    assert_eq!(missing.names, "/portal/missing", "only the missing one is named: {missing}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_production_start_takes_every_secret_from_ssm() {
    use portal_web::config::*;
    let endpoint = portal_e2e::emulator_endpoint();
    let config = emulator_config(&endpoint, portal_e2e::EMULATOR_REGION);
    let (prefix, names) = put_secrets(
        &config,
        &[
            ("secret-key", "a-production-secret-key-of-more-than-32-bytes"),
            ("stripe-key", "sk_live_from_ssm"),
            ("stripe-webhooks", "whsec_new,whsec_old"),
            ("staff-secret-key", "a-staff-secret-key-of-more-than-32-bytes-too"),
        ],
    )
    .await;
    let in_ssm = |name: &str| format!("{name}_PARAMETER");
    let variables: std::collections::HashMap<String, String> = [
        (ENV_ENVIRONMENT.to_string(), "production".to_string()),
        (ENV_PUBLIC_URL.into(), "https://portal.example.es".into()),
        (ENV_BACKENDS.into(), "aws".into()),
        (ENV_AWS_ENDPOINT.into(), endpoint.clone()),
        (ENV_TABLE.into(), "portal-start".into()),
        (ENV_BUCKET.into(), "portal-start".into()),
        (ENV_MAIL_FROM.into(), "portal@example.es".into()),
        (ENV_SECRET_KEY_PARAMETER.into(), names[0].clone()),
        (in_ssm(ENV_STRIPE_SECRET_KEY), names[1].clone()),
        (in_ssm(ENV_STRIPE_WEBHOOK_SECRETS), names[2].clone()),
        (in_ssm(ENV_STAFF_SECRET_KEY), names[3].clone()),
    ]
    .into();

    let state = portal_runtime::from_lookup(|name| variables.get(name).cloned()).await.expect("a clean start");

    assert_eq!(state.config.secret_key.expose_secret(), b"a-production-secret-key-of-more-than-32-bytes");
    let stripe = state.config.stripe.as_ref().expect("card payments configured");
    assert_eq!(stripe.secret_key.as_ref().map(|k| k.expose_secret()), Some("sk_live_from_ssm"));
    let webhook_secrets: Vec<&str> = stripe.webhook_secrets.iter().map(|s| s.expose_secret()).collect();
    assert_eq!(webhook_secrets, ["whsec_new", "whsec_old"]);
    assert_eq!(
        state.config.staff_secret_key.as_ref().map(|k| k.expose_secret()),
        Some(&b"a-staff-secret-key-of-more-than-32-bytes-too"[..])
    );

    let mut without_one = variables.clone();
    without_one.insert(in_ssm(ENV_STRIPE_SECRET_KEY), format!("{prefix}/deleted"));
    let refused = portal_runtime::from_lookup(|name| without_one.get(name).cloned()).await;
    let error = refused.err().expect("a start without a secret stops");
    assert!(error.to_string().contains(&format!("{prefix}/deleted")), "the missing parameter is named: {error}");
}
