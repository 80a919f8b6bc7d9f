//! Download and print: the PDF is rendered once per content, stored, and served
//! through a short-lived presigned URL, to exactly those who may see the document.

use portal_dev_server::demo;
use portal_domain::ports::Blob;
use portal_domain::{Currency, DocumentId, Locale, Money};
use portal_e2e::{Browser, TestApp};
use std::process::Command;

/// Follows the PDF route's redirect and fetches the file: (url, content-disposition, bytes).
async fn download(browser: &Browser, path: &str) -> (String, String, Vec<u8>) {
    let redirect = browser.get(path).await;
    assert_eq!(redirect.status, 303, "{path}: {}", redirect.body);
    let url = redirect.location().expect("presigned URL").to_string();
    let response = reqwest::get(&url).await.expect("presigned URL answers");
    assert_eq!(response.status(), 200, "{url}");
    let disposition =
        response.headers().get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    (url, disposition, response.bytes().await.unwrap().to_vec())
}

fn text_of(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("portal-e2e-pdf-{}-{}.pdf", std::process::id(), pdf.len()));
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext (poppler-utils)");
    std::fs::remove_file(&path).ok();
    String::from_utf8_lossy(&output.stdout).replace('\u{a0}', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn a_contact_downloads_an_invoice_pdf_with_the_domains_total() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let view = browser.get("/documents/invoices/d-f2026-0120").await;
    assert!(view.body.contains("href=\"/documents/invoices/d-f2026-0120/pdf\""), "Download PDF offered");
    assert!(view.body.contains("href=\"/documents/invoices/d-f2026-0120/pdf?print=1\""), "Print offered");

    let (url, disposition, pdf) = download(&browser, "/documents/invoices/d-f2026-0120/pdf").await;
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("Factura%20F2026-0120.pdf"),
        "{disposition}"
    );
    let document = app.state().store.document(&DocumentId::parse("d-f2026-0120").unwrap()).await.unwrap().unwrap();
    let total = Locale::Es.format_money(Money::new(document.totals().total, Currency::EUR)).replace('\u{a0}', " ");
    let text = text_of(&pdf);
    assert!(text.contains("F2026-0120") && text.contains(&total), "{text}");
    assert!(url.contains("pdf/d-f2026-0120/v1-"), "{url}");

    let (_, print, _) = download(&browser, "/documents/invoices/d-f2026-0120/pdf?print=1").await;
    assert!(print.starts_with("inline;"), "{print}");
}

#[tokio::test]
async fn an_unchanged_document_is_not_rendered_again() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let (first, _, _) = download(&browser, "/documents/quotes/d-p2026-0040/pdf").await;
    // Replace the stored file: if the next request rendered again, we would get a PDF back.
    let key = first.split("/pdf/").nth(1).map(|rest| format!("pdf/{}", rest.split('?').next().unwrap())).unwrap();
    app.state()
        .blobs
        .put(&key, &Blob { content_type: "application/pdf".into(), bytes: b"cached".to_vec() })
        .await
        .unwrap();
    let (second, _, bytes) = download(&browser, "/documents/quotes/d-p2026-0040/pdf").await;
    assert_eq!(bytes, b"cached", "served from the store, not rendered again");
    assert_eq!(first.split('?').next(), second.split('?').next(), "same key");
}

#[tokio::test]
async fn pdfs_follow_the_document_access_rules() {
    let app = TestApp::spawn().await;
    // A link holder gets the PDF of that document.
    let document = app.state().store.document(&DocumentId::parse("d-f2026-0118").unwrap()).await.unwrap().unwrap();
    let token = app.state().keys.document_link_token(&document.id, &document.access_link.nonce);
    let holder = app.browser();
    holder.get(&format!("/links/{token}")).await;
    let (_, _, pdf) = download(&holder, "/documents/invoices/d-f2026-0118/pdf").await;
    assert!(text_of(&pdf).contains("Retención IRPF"));
    // ...and no other.
    assert_eq!(holder.get("/documents/invoices/d-f2026-0112/pdf").await.status, 303);
    assert_eq!(holder.get("/documents/invoices/d-f2026-0112/pdf").await.location(), Some("/login"));
    // A contact never gets another contact's PDF; unknown and malformed are 404.
    let tom = app.logged_in(demo::ENGLISH_CUSTOMER_EMAIL).await;
    for path in
        ["/documents/invoices/d-f2026-0112/pdf", "/documents/invoices/nope/pdf", "/documents/quotes/d-f2026-0115/pdf"]
    {
        assert_eq!(tom.get(path).await.status, 404, "{path}");
    }
    // English contacts get English PDFs.
    let (_, disposition, pdf) = download(&tom, "/documents/invoices/d-f2026-0115/pdf").await;
    assert!(disposition.contains("Invoice%20F2026-0115.pdf"), "{disposition}");
    assert!(text_of(&pdf).contains("Invoice"));
}

#[tokio::test]
async fn a_changed_document_gets_a_new_pdf() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let (before, _, old_pdf) = download(&browser, "/documents/proformas/d-pf2026-0007/pdf").await;
    // Staff edit the document (the staff API comes later): a new line, a new content version.
    let key = portal_adapters::keys::document(&DocumentId::parse("d-pf2026-0007").unwrap());
    let mut item = app.table.get(&key).await.unwrap().unwrap();
    let mut document: portal_domain::Document = serde_json::from_str(&item.data).unwrap();
    let mut extra = document.lines[0].clone();
    extra.description = "Línea añadida por la oficina".into();
    document.lines.push(extra);
    document.content_version += 1;
    item.data = serde_json::to_string(&document).unwrap();
    item.version += 1;
    app.table
        .write(portal_adapters::table::Write::Put { item, condition: portal_adapters::table::Condition::Always })
        .await
        .unwrap();

    let (after, _, new_pdf) = download(&browser, "/documents/proformas/d-pf2026-0007/pdf").await;
    assert_ne!(before.split('?').next(), after.split('?').next(), "a new key for new content");
    assert!(after.contains("/v2-"), "{after}");
    assert!(!text_of(&old_pdf).contains("Línea añadida por la oficina"));
    assert!(text_of(&new_pdf).contains("Línea añadida por la oficina"));
}
