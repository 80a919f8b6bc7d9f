//! The SDK clients trust the AWS roots only: an HTTPS endpoint whose
//! certificate chains to another root is refused during the handshake, before
//! any request (and its signed credentials) leaves the process.

use portal_aws::clients::{emulator_config, https_client_trusting};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TEST_CA: &str = include_str!("fixtures/test-ca.pem");
const SERVER_CERT: &str = include_str!("fixtures/localhost.pem");
const SERVER_KEY: &str = include_str!("fixtures/localhost.key");

/// A TLS server on loopback with a certificate from the test CA, answering
/// every request with an empty DynamoDB ListTables result. Returns its URL and
/// the number of requests it received.
async fn tls_endpoint() -> (String, Arc<AtomicUsize>) {
    let certs = CertificateDer::pem_slice_iter(SERVER_CERT.as_bytes()).collect::<Result<Vec<_>, _>>().unwrap();
    let key = PrivateKeyDer::from_pem_slice(SERVER_KEY.as_bytes()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let seen = requests.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { return };
            let acceptor = acceptor.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                let Ok(mut stream) = acceptor.accept(socket).await else { return };
                let mut buffer = vec![0u8; 64 * 1024];
                let Ok(read) = stream.read(&mut buffer).await else { return };
                if read == 0 {
                    return;
                }
                seen.fetch_add(1, Ordering::SeqCst);
                let body = r#"{"TableNames":[]}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.0\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (url, requests)
}

#[tokio::test]
async fn an_endpoint_certified_by_another_root_is_refused_before_any_request() {
    // Even when the operating system's store would trust it: `SSL_CERT_FILE`
    // is where a client using the system roots would look first.
    // SAFETY: set before any client is built; no test in this binary reads it.
    unsafe { std::env::set_var("SSL_CERT_FILE", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/test-ca.pem")) };
    let (url, requests) = tls_endpoint().await;
    let portal = aws_sdk_dynamodb::Client::new(&emulator_config(&url, "eu-west-1"));

    let refused = portal.list_tables().send().await;

    let error = refused.expect_err("the test CA is not an AWS root");
    assert!(
        format!("{:?}", aws_smithy_types::error::display::DisplayErrorContext(&error)).contains("UnknownIssuer"),
        "refused for the certificate, not something else: {error:?}"
    );
    assert_eq!(requests.load(Ordering::SeqCst), 0, "no request reached the untrusted endpoint");
}

#[tokio::test]
async fn the_same_endpoint_is_reached_by_a_client_trusting_its_root() {
    // The control: the server and request are sound, so the refusal above is
    // the trust store's doing.
    let (url, requests) = tls_endpoint().await;
    let config = aws_sdk_dynamodb::config::Builder::from(&emulator_config(&url, "eu-west-1"))
        .http_client(https_client_trusting(TEST_CA))
        .build();
    let client = aws_sdk_dynamodb::Client::from_conf(config);

    let tables = client.list_tables().send().await.expect("the test CA is trusted here");

    assert!(tables.table_names().is_empty());
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}
