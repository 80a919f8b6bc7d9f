//! The dashboard: what is pending, with the domain's figures, and what happened.

use portal_dev_server::demo;
use portal_domain::{ContactId, DocumentKind, Locale, Money};
use portal_e2e::TestApp;

fn figure(body: &str, name: &str) -> String {
    let marker = format!("data-figure=\"{name}\">");
    let start = body.find(&marker).unwrap_or_else(|| panic!("no figure {name}")) + marker.len();
    body[start..].split('<').next().unwrap().to_string()
}

#[tokio::test]
async fn the_dashboard_shows_outstanding_and_overdue_amounts_from_the_domain() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let page = browser.get("/").await;
    assert_eq!(page.status, 200);

    let store = &app.state().store;
    let contact = ContactId::parse(demo::CUSTOMER_ID).unwrap();
    let open = store.open_documents(&contact, DocumentKind::Invoice, 100).await.unwrap();
    let today = app.state().clock.today();
    let outstanding: i64 = open.iter().map(|s| s.amount_due.minor).sum();
    let overdue: i64 = open.iter().filter(|s| s.key_date < today).map(|s| s.amount_due.minor).sum();
    assert!(outstanding > overdue && overdue > 0, "demo data has both");
    let eur = |minor| Locale::Es.format_money(Money::new(minor, portal_domain::Currency::EUR));
    assert_eq!(figure(&page.body, "outstanding"), eur(outstanding));
    assert_eq!(figure(&page.body, "overdue"), eur(overdue));
    assert_eq!(figure(&page.body, "quotes"), "1", "one quote still within its validity");
    assert_eq!(figure(&page.body, "orders"), "3", "pending, confirmed and shipped orders");

    // The pending invoices are listed with their status; the overdue one says so.
    assert!(page.body.contains("F2026-0112"));
    assert!(page.body.contains("Vencida"));
    assert!(page.body.contains("F2026-0120") && page.body.contains("Pagada en parte"));
    assert!(!page.body.contains("F2026-0101"), "paid invoices are not pending");
    // Recent activity, newest first, linking to documents.
    assert!(page.body.contains("Actividad reciente"));
    assert!(page.body.contains("Pedido PED2026-0051 emitido"));
    // Navigation: every sales section, no purchase orders for a customer.
    assert!(page.body.contains("href=\"/documents/invoices\""));
    assert!(page.body.contains("href=\"/documents/delivery-notes\""));
    assert!(!page.body.contains("href=\"/documents/purchase-orders\""));
    // Nothing of other contacts.
    assert!(!page.body.contains("F2026-0115") && !page.body.contains("PC2026"));
}

#[tokio::test]
async fn english_contacts_get_english_pages_and_amounts() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::ENGLISH_CUSTOMER_EMAIL).await;
    let page = browser.get("/").await;
    assert!(page.body.contains("lang=\"en\""));
    assert!(page.body.contains("Outstanding"));
    assert!(page.body.contains("Overdue"));
    assert!(figure(&page.body, "outstanding").starts_with('€'));
    assert!(page.body.contains("F2026-0115"));
}

#[tokio::test]
async fn suppliers_see_their_purchase_orders_only() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::SUPPLIER_EMAIL).await;
    let page = browser.get("/").await;
    assert_eq!(figure(&page.body, "purchase-orders"), "2");
    assert!(!page.body.contains("data-figure=\"outstanding\""));
    assert!(page.body.contains("href=\"/documents/purchase-orders\""));
    assert!(!page.body.contains("href=\"/documents/invoices\""));
    assert_eq!(browser.get("/documents/invoices").await.status, 404);
    let list = browser.get("/documents/purchase-orders").await;
    assert_eq!(list.status, 200);
    for number in ["PC2026-0012", "PC2026-0010", "PC2026-0008", "PC2026-0006"] {
        assert!(list.body.contains(number), "{number}");
    }
}

#[tokio::test]
async fn pages_need_a_session() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    for path in ["/", "/documents/invoices", "/documents/invoices/d-f2026-0112"] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 303, "{path}");
        assert_eq!(page.location(), Some("/login"));
    }
    browser.set_cookie("portal_session", "eyJhbGciOiJub25lIn0.e30.", "/");
    assert_eq!(browser.get("/").await.status, 303);
}
