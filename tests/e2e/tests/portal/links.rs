//! Per-document access links: one document, nothing else, and dead once rotated.

use portal_dev_server::demo;
use portal_domain::DocumentId;
use portal_domain::document::LinkNonce;
use portal_e2e::TestApp;

async fn link_of(app: &TestApp, id: &str) -> String {
    let document = app.state().store.document(&DocumentId::parse(id).unwrap()).await.unwrap().unwrap();
    format!("/links/{}", app.state().keys.document_link_token(&document.id, &document.access_link.nonce))
}

#[tokio::test]
async fn a_link_opens_its_document_without_login_and_nothing_else() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let opened = browser.get(&link_of(&app, "d-p2026-0040").await).await;
    assert_eq!(opened.status, 303);
    assert_eq!(opened.location(), Some("/documents/quotes/d-p2026-0040"));
    let cookie = opened.set_cookies().into_iter().find(|c| c.starts_with("portal_doc=")).expect("access cookie");
    assert!(cookie.contains("Path=/documents/quotes/d-p2026-0040;"), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));

    let page = browser.get("/documents/quotes/d-p2026-0040").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Presupuesto P2026-0040"));
    assert!(page.body.contains("enlace compartido"));
    assert!(!page.body.contains("href=\"/documents/invoices\""), "no navigation for link holders");
    assert!(!page.body.contains("/links/"), "the token never appears in the page");

    // The same browser gets nothing else: no list, no dashboard, no sibling document.
    assert_eq!(browser.get("/").await.status, 303);
    assert_eq!(browser.get("/documents/quotes").await.status, 303);
    assert_eq!(browser.get("/documents/quotes/d-p2026-0035").await.status, 303);
    // Even replaying the cookie on another document's path does not help.
    let value = browser.cookie("portal_doc").unwrap();
    browser.set_cookie("portal_doc", &value, "/documents/quotes/d-p2026-0035");
    assert_eq!(browser.get("/documents/quotes/d-p2026-0035").await.status, 303);
}

#[tokio::test]
async fn a_contact_without_portal_access_can_open_a_link() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let opened = browser.get(&link_of(&app, "d-f2026-0118").await).await;
    let page = browser.get(opened.location().unwrap()).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Ruiz Consultoría S.L."));
}

#[tokio::test]
async fn tampered_foreign_and_rotated_links_are_refused() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let good = link_of(&app, "d-f2026-0112").await;
    // A different last character (the same one would be the good link).
    let last = if good.ends_with('A') { 'B' } else { 'A' };
    let tampered = format!("{}{last}", &good[..good.len() - 1]);
    let swapped = good.replace("d-f2026-0112", "d-f2026-0115");
    for path in [tampered.as_str(), swapped.as_str(), "/links/garbage", "/links/d-f2026-0112.", "/links/%00"] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.body.contains("no es válido"), "{path}");
    }
    // Rotation: a link made with an older nonce no longer matches the document.
    let document = app.state().store.document(&DocumentId::parse("d-f2026-0112").unwrap()).await.unwrap().unwrap();
    let stale = app.state().keys.document_link_token(&document.id, &LinkNonce("a-previous-nonce".into()));
    assert_eq!(browser.get(&format!("/links/{stale}")).await.status, 404);
    assert!(browser.cookie("portal_doc").is_none());
}

#[tokio::test]
async fn a_contact_session_never_opens_another_contacts_document_even_with_its_link_cookie_elsewhere() {
    let app = TestApp::spawn().await;
    let tom = app.logged_in(demo::ENGLISH_CUSTOMER_EMAIL).await;
    assert_eq!(tom.get("/documents/invoices/d-f2026-0112").await.status, 404);
    // With the link, Tom sees that one document as a link holder.
    let opened = tom.get(&link_of(&app, "d-f2026-0112").await).await;
    let page = tom.get(opened.location().unwrap()).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("enlace compartido"));
    assert_eq!(tom.get("/documents/invoices/d-f2026-0125").await.status, 404);
}

#[tokio::test]
async fn mail_to_a_contact_without_portal_access_carries_a_link_that_opens_the_document() {
    let app = TestApp::spawn().await;
    let state = app.state();
    let contact =
        portal_e2e::store_staff_reply(state, "d-f2026-0118", "k-staff-ruiz", "Le reenviamos la factura.").await;
    // Delivered as the notification consumer delivers it in AWS.
    portal_dev_server::drain_outbox(state).await;

    let to = contact.primary_email().expect("an address").to_string();
    let mail = app.outbox().await.into_iter().find(|m| m.to == to).expect("the reply is mailed");
    let url = mail.text.split_whitespace().find(|w| w.contains("/links/")).expect("the document's link");
    let path = &url[url.find("/links/").unwrap()..];
    let browser = app.browser();
    let opened = browser.get(path).await;
    assert_eq!(opened.location(), Some("/documents/invoices/d-f2026-0118"), "the mailed link is valid");
    let page = browser.get("/documents/invoices/d-f2026-0118").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Le reenviamos la factura."));
}
