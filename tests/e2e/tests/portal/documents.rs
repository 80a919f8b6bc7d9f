//! Document lists and the document view.

use portal_dev_server::demo;
use portal_domain::document::{AccessLink, DocumentNumber, LinkNonce};
use portal_domain::totals::{Discount, Quantity};
use portal_domain::{
    ContactId, Currency, Document, DocumentId, DocumentKind, DocumentStatus, Line, Locale, Money, VatRate,
};
use portal_e2e::TestApp;
use time::Duration;

#[tokio::test]
async fn invoice_lists_filter_by_status() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let all = browser.get("/documents/invoices").await;
    assert_eq!(all.status, 200);
    for number in ["F2026-0101", "F2026-0112", "F2026-0120", "F2026-0125", "F2026-0090"] {
        assert!(all.body.contains(number), "{number}");
    }
    assert!(!all.body.contains("F2026-0115"), "another contact's invoice");

    let overdue = browser.get("/documents/invoices?filter=past-date").await;
    assert!(overdue.body.contains("F2026-0112"));
    assert!(!overdue.body.contains("F2026-0125") && !overdue.body.contains("F2026-0101"));
    let unpaid = browser.get("/documents/invoices?filter=open").await;
    for number in ["F2026-0112", "F2026-0120", "F2026-0125"] {
        assert!(unpaid.body.contains(number));
    }
    assert!(!unpaid.body.contains("F2026-0101"));
    let paid = browser.get("/documents/invoices?filter=done").await;
    assert!(paid.body.contains("F2026-0101") && !paid.body.contains("F2026-0112"));
    let void = browser.get("/documents/invoices?filter=cancelled").await;
    assert!(void.body.contains("F2026-0090") && void.body.contains("Anulada"));

    let quotes = browser.get("/documents/quotes?filter=past-date").await;
    assert!(quotes.body.contains("P2026-0035") && quotes.body.contains("Caducado"));
    assert!(!quotes.body.contains("P2026-0040"));
}

#[tokio::test]
async fn bad_list_requests_are_clear_4xx() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::CUSTOMER_EMAIL).await;
    assert_eq!(browser.get("/documents/invoices?filter=nope").await.status, 400);
    assert_eq!(browser.get("/documents/orders-of-doom").await.status, 404);
    assert_eq!(browser.get("/documents/purchase-orders").await.status, 404);
    let garbage = browser.get("/documents/invoices?cursor=not-a-cursor").await;
    assert_eq!(garbage.status, 400);
    assert!(garbage.body.contains("primera página"));
}

fn invoice(n: usize, contact: &str, today: time::Date) -> Document {
    Document {
        id: DocumentId::parse(&format!("bulk-{contact}-{n:03}")).unwrap(),
        kind: DocumentKind::Invoice,
        number: DocumentNumber::parse(&format!("B-{n:03}")).unwrap(),
        contact_id: ContactId::parse(contact).unwrap(),
        status: DocumentStatus::Issued,
        issue_date: today - Duration::days(200 + n as i64),
        due_date: Some(today + Duration::days(30)),
        valid_until: None,
        currency: Currency::EUR,
        lines: vec![Line {
            description: format!("Servicio {n}"),
            quantity: Quantity::units(1),
            unit_price_minor: 1000 + n as i64,
            discount: Discount::NONE,
            vat: VatRate::General21,
            irpf: None,
            product: None,
        }],
        recargo: false,
        notes: None,
        paid_minor: 0,
        access_link: AccessLink { nonce: LinkNonce(format!("n{n}")), expires_at: None },
        content_version: 1,
        revision: 0,
        acceptance: None,
        rejection: None,
        supplier_confirmation: None,
    }
}

#[tokio::test]
async fn long_lists_paginate_without_repeats_or_gaps() {
    let app = TestApp::spawn().await;
    let today = app.state().clock.today();
    for n in 0..45 {
        app.state().store.create_document(&invoice(n, demo::ENGLISH_CUSTOMER_ID, today), &[]).await.unwrap();
    }
    let browser = app.logged_in(demo::ENGLISH_CUSTOMER_EMAIL).await;
    let mut path = "/documents/invoices".to_string();
    let mut seen = Vec::new();
    for _ in 0..10 {
        let page = browser.get(&path).await;
        assert_eq!(page.status, 200);
        for n in 0..45 {
            if page.body.contains(&format!(">B-{n:03}<")) {
                seen.push(n);
            }
        }
        match page.body.find("rel=\"next\"") {
            None => break,
            Some(_) => {
                let start = page.body.find("/documents/invoices?filter=all&amp;cursor=").expect("next link");
                let href = page.body[start..].split('"').next().unwrap().replace("&amp;", "&");
                path = href;
            }
        }
    }
    seen.sort();
    assert_eq!(seen, (0..45).collect::<Vec<_>>(), "every invoice exactly once");
}

#[tokio::test]
async fn the_invoice_view_shows_lines_taxes_and_totals_from_the_domain() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let page = browser.get("/documents/invoices/d-f2026-0120").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let document = app.state().store.document(&DocumentId::parse("d-f2026-0120").unwrap()).await.unwrap().unwrap();
    let totals = document.totals();
    let eur = |minor| Locale::Es.format_money(Money::new(minor, Currency::EUR));
    assert!(page.body.contains("Factura F2026-0120"));
    for line in &document.lines {
        assert!(page.body.contains(&line.description.replace('&', "&amp;")), "{}", line.description);
    }
    assert!(page.body.contains("Juego de brocas HSS 19 piezas") && page.body.contains(">10 %<"), "line discount shown");
    assert!(page.body.contains(&eur(totals.base)));
    assert!(page.body.contains(&eur(totals.vat)));
    assert!(totals.recargo > 0 && page.body.contains(&eur(totals.recargo)), "recargo de equivalencia");
    assert!(page.body.contains("Recargo de equivalencia") && page.body.contains("21 % + 5,2 %"));
    assert!(page.body.contains(&format!("data-total>{}<", eur(totals.total))));
    assert!(page.body.contains(&format!("data-amount-due>{}<", eur(totals.total - document.paid_minor))));
    assert!(page.body.contains("Pagada en parte"));
    assert!(page.body.contains("B98765431") && page.body.contains("B87654323"), "both tax ids");
    assert!(page.body.contains("Historial") && page.body.contains("Pago de"));
    assert!(page.body.contains("@media print"), "print stylesheet");
}

#[tokio::test]
async fn irpf_withholding_is_shown_and_subtracted() {
    let app = TestApp::spawn().await;
    let document = app.state().store.document(&DocumentId::parse("d-f2026-0118").unwrap()).await.unwrap().unwrap();
    let totals = document.totals();
    assert_eq!(totals.irpf, 22_050, "15 % of 1.470,00");
    let token = app.state().keys.document_link_token(&document.id, &document.access_link.nonce);
    let browser = app.browser();
    let opened = browser.get(&format!("/links/{token}")).await;
    let page = browser.get(opened.location().unwrap()).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Retención IRPF"));
    assert!(page.body.contains("−220,50"));
    let eur = |minor| Locale::Es.format_money(Money::new(minor, Currency::EUR));
    assert!(page.body.contains(&format!("data-total>{}<", eur(totals.total))));
}

#[tokio::test]
async fn every_kind_of_document_opens_for_its_contact() {
    let app = TestApp::spawn().await;
    let customer = app.logged_in(demo::CUSTOMER_EMAIL).await;
    for (kind, id, heading) in [
        ("credit-notes", "d-r2026-0003", "Factura rectificativa R2026-0003"),
        ("quotes", "d-p2026-0040", "Presupuesto P2026-0040"),
        ("proformas", "d-pf2026-0007", "Proforma PF2026-0007"),
        ("sales-orders", "d-ped2026-0044", "Pedido PED2026-0044"),
        ("delivery-notes", "d-alb2026-0040", "Albarán ALB2026-0040"),
    ] {
        let page = customer.get(&format!("/documents/{kind}/{id}")).await;
        assert_eq!(page.status, 200, "{kind}/{id}");
        assert!(page.body.contains(heading), "{heading}");
    }
    let supplier = app.logged_in(demo::SUPPLIER_EMAIL).await;
    let po = supplier.get("/documents/purchase-orders/d-pc2026-0010").await;
    assert!(po.body.contains("Pedido de compra PC2026-0010") && po.body.contains("Confirmado"));
}

#[tokio::test]
async fn foreign_unknown_and_malformed_documents_are_404() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::CUSTOMER_EMAIL).await;
    for path in [
        "/documents/invoices/d-f2026-0115",         // another contact's
        "/documents/invoices/d-nope",               // unknown
        "/documents/invoices/D-F2026-0112",         // malformed id
        "/documents/invoices/..%2F..%2Fetc",        // traversal
        "/documents/quotes/d-f2026-0112",           // wrong kind
        "/documents/purchase-orders/d-pc2026-0012", // a supplier's PO
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.body.contains("No encontramos"), "{path}");
    }
}
