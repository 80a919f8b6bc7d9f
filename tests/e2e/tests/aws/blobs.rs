//! Blobs: put, get, presign, and fetching the presigned URL over HTTP, on S3
//! (emulated) and on the embedded store served by the local server.

use portal_domain::ports::{Blob, BlobError, BlobStore, Disposition};
use portal_e2e::{EMULATOR_REGION, TestApp, emulator_clients, unique_name};
use std::time::Duration;

const FILE_NAME: &str = "Factura F2026-0120 Ñandú.pdf";

/// The behaviour every blob store must have; returns a presigned URL for more checks.
async fn blob_contract(store: &dyn BlobStore) -> String {
    let blob = Blob { content_type: "application/pdf".into(), bytes: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 portal".to_vec() };
    store.put("pdf/d-f2026-0120/v3.pdf", &blob).await.expect("put");
    assert_eq!(store.get("pdf/d-f2026-0120/v3.pdf").await.unwrap(), Some(blob.clone()));
    assert_eq!(store.get("pdf/d-f2026-0120/v4.pdf").await.unwrap(), None, "a missing key is None, not an error");
    assert!(store.exists("pdf/d-f2026-0120/v3.pdf").await.unwrap());
    assert!(!store.exists("pdf/d-f2026-0120/v4.pdf").await.unwrap());
    assert!(matches!(store.put("../escape", &blob).await, Err(BlobError::InvalidKey(_))));

    let inline = store
        .presigned_get("pdf/d-f2026-0120/v3.pdf", FILE_NAME, Disposition::Inline, Duration::from_secs(300))
        .await
        .expect("presign inline");
    let response = reqwest::get(&inline).await.expect("fetch the inline URL");
    let disposition = response.headers().get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(disposition.starts_with("inline; "), "{disposition}");
    let url = store
        .presigned_get("pdf/d-f2026-0120/v3.pdf", FILE_NAME, Disposition::Attachment, Duration::from_secs(300))
        .await
        .expect("presign");
    let response = reqwest::get(&url).await.expect("fetch the presigned URL");
    assert_eq!(response.status(), 200, "{url}");
    let disposition =
        response.headers().get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(disposition.starts_with("attachment; filename=\"Factura F2026-0120 _and_.pdf\""), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''Factura%20F2026-0120%20%C3%91and%C3%BA.pdf"), "{disposition}");
    assert_eq!(response.bytes().await.unwrap().to_vec(), blob.bytes);
    url
}

#[tokio::test(flavor = "multi_thread")]
async fn s3_blobs_keep_the_blob_contract_with_short_lived_urls() {
    let clients = emulator_clients();
    let bucket = unique_name("blobs");
    portal_aws::provision::create_bucket(&clients, &bucket, EMULATOR_REGION).await.unwrap();
    let store = portal_aws::S3Blobs::new(clients.s3.clone(), &bucket);
    let url = blob_contract(&store).await;
    // The emulator does not enforce expiry, so check the URL we generate.
    assert!(url.contains("X-Amz-Expires=300"), "{url}");
    assert!(url.contains("X-Amz-Signature="), "{url}");
    assert!(url.contains(&format!("/{bucket}/pdf/d-f2026-0120/v3.pdf")), "{url}");
}

#[tokio::test(flavor = "multi_thread")]
async fn embedded_blobs_keep_the_blob_contract_and_enforce_signature_and_expiry() {
    let app = TestApp::spawn_on(false).await;
    let store = app.state().blobs.clone();
    let url = blob_contract(store.as_ref()).await;
    let tampered = url.replace("v3.pdf", "v4.pdf");
    assert_eq!(reqwest::get(&tampered).await.unwrap().status(), 403);
    let forged = format!("{}AAAA", &url[..url.len() - 4]);
    assert_eq!(reqwest::get(&forged).await.unwrap().status(), 403);
    let expired = store
        .presigned_get("pdf/d-f2026-0120/v3.pdf", FILE_NAME, Disposition::Attachment, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(reqwest::get(&expired).await.unwrap().status(), 403);
}
