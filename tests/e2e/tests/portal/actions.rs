//! Acting on documents: comments, quote answers, supplier confirmations —
//! each applied once, each owed email delivered once, bad input changing nothing.

use portal_dev_server::demo;
use portal_domain::ports::{DocumentChange, DocumentUpdate};
use portal_domain::{DocumentId, DocumentStatus};
use portal_e2e::{Browser, TestApp};

const STAFF: &str = "oficina@ebro-instalaciones.es";

async fn status_of(app: &TestApp, id: &str) -> DocumentStatus {
    app.state().store.document(&DocumentId::parse(id).unwrap()).await.unwrap().unwrap().status
}

async fn history_len(app: &TestApp, id: &str) -> usize {
    app.state().store.document_activity(&DocumentId::parse(id).unwrap(), 100).await.unwrap().len()
}

async fn link_browser(app: &TestApp, id: &str) -> Browser {
    let document = app.state().store.document(&DocumentId::parse(id).unwrap()).await.unwrap().unwrap();
    let token = app.state().keys.document_link_token(&document.id, &document.access_link.nonce);
    let browser = app.browser();
    let opened = browser.get(&format!("/links/{token}")).await;
    assert_eq!(opened.status, 303);
    browser
}

#[tokio::test]
async fn a_contact_accepts_a_quote_and_staff_and_contact_are_told() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let page = browser.get("/documents/quotes/d-p2026-0040").await;
    assert!(page.body.contains("action=\"/documents/quotes/d-p2026-0040/accept\""), "accept offered");
    let before = history_len(&app, "d-p2026-0040").await;
    let done = browser
        .post_with(
            "/documents/quotes/d-p2026-0040/accept",
            &[("csrf", &page.csrf()), ("version", &page.hidden("version")), ("signer", "  Ana   López Martín ")],
            &[("user-agent", "PortalTest/1.0")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), Some("/documents/quotes/d-p2026-0040"));

    let document = app.state().store.document(&DocumentId::parse("d-p2026-0040").unwrap()).await.unwrap().unwrap();
    assert_eq!(document.status, DocumentStatus::Accepted);
    let acceptance = document.acceptance.expect("acceptance recorded");
    assert_eq!(acceptance.signer.as_str(), "Ana López Martín");
    assert_eq!(acceptance.user_agent, "PortalTest/1.0");
    assert_eq!(acceptance.ip, "127.0.0.1");
    assert_eq!(acceptance.content_version, 1, "the version that was accepted");
    assert_eq!(document.content_version, 2);
    assert_eq!(history_len(&app, "d-p2026-0040").await, before + 1);

    let after = browser.get("/documents/quotes/d-p2026-0040").await;
    assert!(after.body.contains("Aceptado por") && after.body.contains("Ana López Martín"));
    assert!(!after.body.contains("/accept\""), "no more buttons");

    let mails = app.outbox().await;
    let staff: Vec<_> = mails.iter().filter(|m| m.to == STAFF).collect();
    assert_eq!(staff.len(), 1, "{mails:?}");
    assert!(staff[0].subject.contains("Presupuesto P2026-0040 aceptado"), "{}", staff[0].subject);
    assert!(staff[0].text.contains("Firmado por Ana López Martín"));
    assert!(staff[0].html.contains("Firmado por Ana López Martín"));
    let receipt: Vec<_> =
        mails.iter().filter(|m| m.to == demo::CUSTOMER_EMAIL && m.subject.contains("Has aceptado")).collect();
    assert_eq!(receipt.len(), 1);
    assert!(receipt[0].text.contains("/documents/quotes/d-p2026-0040"), "portal users get the portal page");

    // The staff email's link opens the staff view of the document (after the staff login).
    let link = staff[0].text.split_whitespace().find(|w| w.contains("/staff/documents/")).expect("a staff link");
    let path = &link[link.find("/staff/documents/").unwrap()..];
    assert_eq!(path, "/staff/documents/d-p2026-0040");
    let opened = app.browser().get(path).await;
    assert_eq!(opened.location(), Some("/staff/login?next=%2Fstaff%2Fdocuments%2Fd-p2026-0040"));
}

#[tokio::test]
async fn a_link_holder_rejects_a_quote_with_a_reason() {
    let app = TestApp::spawn().await;
    let browser = link_browser(&app, "d-p2026-0042").await;
    let page = browser.get("/documents/quotes/d-p2026-0042").await;
    assert!(page.body.contains("Reject quote"), "English contact");
    let done = browser
        .post(
            "/documents/quotes/d-p2026-0042/reject",
            &[("csrf", &page.csrf()), ("version", &page.hidden("version")), ("reason", "Over budget")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(status_of(&app, "d-p2026-0042").await, DocumentStatus::Rejected);
    let staff: Vec<_> = app.outbox().await.into_iter().filter(|m| m.to == STAFF).collect();
    assert_eq!(staff.len(), 1);
    assert!(staff[0].subject.contains("rechazado") && staff[0].text.contains("Motivo: Over budget"), "{:?}", staff[0]);
}

#[tokio::test]
async fn expired_answered_foreign_and_forged_answers_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let expired = browser.get("/documents/quotes/d-p2026-0035").await;
    assert!(!expired.body.contains("/accept\""), "no buttons after expiry");
    let csrf = expired.csrf();
    let events = history_len(&app, "d-p2026-0035").await;

    let refused =
        browser.post("/documents/quotes/d-p2026-0035/accept", &[("csrf", &csrf), ("signer", "Ana López")]).await;
    assert_eq!(refused.status, 410);
    assert!(refused.body.contains("ha caducado") && refused.body.contains("href=\"/documents/quotes/d-p2026-0035\""));
    assert_eq!(status_of(&app, "d-p2026-0035").await, DocumentStatus::Sent);
    assert_eq!(history_len(&app, "d-p2026-0035").await, events);

    let answered = browser.post("/documents/quotes/d-p2026-0030/reject", &[("csrf", &csrf)]).await;
    assert_eq!(answered.status, 409);
    assert!(answered.body.contains("ya tiene respuesta"));
    assert_eq!(status_of(&app, "d-p2026-0030").await, DocumentStatus::Accepted);

    let short = browser.post("/documents/quotes/d-p2026-0040/accept", &[("csrf", &csrf), ("signer", "A")]).await;
    assert_eq!(short.status, 400);
    assert!(short.body.contains("nombre completo"));
    let no_csrf = browser.post("/documents/quotes/d-p2026-0040/accept", &[("signer", "Ana López")]).await;
    assert_eq!(no_csrf.status, 403);
    assert_eq!(status_of(&app, "d-p2026-0040").await, DocumentStatus::Sent);

    let tom = app.logged_in(demo::ENGLISH_CUSTOMER_EMAIL).await;
    let tom_page = tom.get("/").await;
    let foreign =
        tom.post("/documents/quotes/d-p2026-0040/accept", &[("csrf", &tom_page.csrf()), ("signer", "Tom Smith")]).await;
    assert_eq!(foreign.status, 404);
    assert_eq!(status_of(&app, "d-p2026-0040").await, DocumentStatus::Sent);
    let wrong_kind =
        browser.post("/documents/quotes/d-f2026-0112/accept", &[("csrf", &csrf), ("signer", "Ana López")]).await;
    assert_eq!(wrong_kind.status, 404);
    assert!(app.outbox().await.iter().all(|m| !m.subject.contains("aceptado") && !m.subject.contains("rechazado")));
}

#[tokio::test]
async fn many_concurrent_answers_apply_exactly_once_and_mail_staff_once() {
    let app = TestApp::spawn().await;
    let browser = std::sync::Arc::new(app.logged_in(demo::CUSTOMER_EMAIL).await);
    let page = browser.get("/documents/quotes/d-p2026-0040").await;
    let (csrf, version) = (page.csrf(), page.hidden("version"));
    let before = history_len(&app, "d-p2026-0040").await;
    let mut tasks = Vec::new();
    for n in 0..20 {
        let browser = browser.clone();
        let (csrf, version) = (csrf.clone(), version.clone());
        tasks.push(tokio::spawn(async move {
            let (path, field, value) = if n % 2 == 0 {
                ("/documents/quotes/d-p2026-0040/accept", "signer", format!("Firmante número {n}"))
            } else {
                ("/documents/quotes/d-p2026-0040/reject", "reason", format!("Motivo {n}"))
            };
            browser.post(path, &[("csrf", &csrf), ("version", &version), (field, &value)]).await.status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 303 || *s == 409), "{statuses:?}");
    assert_eq!(history_len(&app, "d-p2026-0040").await, before + 1, "one transition event");
    let staff = app.outbox().await.into_iter().filter(|m| m.to == STAFF && m.subject.contains("P2026-0040")).count();
    assert_eq!(staff, 1, "exactly one staff email");
}

#[tokio::test]
async fn a_supplier_confirms_a_purchase_order_once() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::SUPPLIER_EMAIL).await;
    let page = browser.get("/documents/purchase-orders/d-pc2026-0012").await;
    assert!(page.body.contains("Confirmar pedido"));
    let day = (app.state().clock.today() + time::Duration::days(7)).to_string();
    let form = [
        ("csrf", page.csrf()),
        ("version", page.hidden("version")),
        ("delivery_date", day.clone()),
        ("note", "Dos palés".to_string()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = browser.post("/documents/purchase-orders/d-pc2026-0012/confirm", &form).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(status_of(&app, "d-pc2026-0012").await, DocumentStatus::Confirmed);
    let again = browser.post("/documents/purchase-orders/d-pc2026-0012/confirm", &form).await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("ya está confirmado"));
    let staff: Vec<_> = app.outbox().await.into_iter().filter(|m| m.to == STAFF).collect();
    assert_eq!(staff.len(), 1);
    assert!(staff[0].text.contains("Dos palés"), "{}", staff[0].text);
    let past = browser
        .post(
            "/documents/purchase-orders/d-pc2026-0012/confirm",
            &[("csrf", &page.csrf()), ("delivery_date", "2001-01-01")],
        )
        .await;
    assert_eq!(past.status, 400);
}

#[tokio::test]
async fn comments_are_kept_escaped_bounded_and_mailed_to_staff() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let page = browser.get("/documents/invoices/d-f2026-0112").await;
    let body = "¿Podéis enviarme el albarán?\n<script>alert(1)</script>";
    let done =
        browser.post("/documents/invoices/d-f2026-0112/comments", &[("csrf", &page.csrf()), ("body", body)]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let thread = browser.get("/documents/invoices/d-f2026-0112").await;
    assert!(thread.body.contains("¿Podéis enviarme el albarán?"));
    assert!(thread.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !thread.body.contains("<script>"));
    let staff: Vec<_> = app.outbox().await.into_iter().filter(|m| m.to == STAFF).collect();
    assert_eq!(staff.len(), 1);
    assert!(staff[0].subject.contains("Nuevo comentario en Factura F2026-0112"));
    assert!(staff[0].text.contains("¿Podéis enviarme el albarán?"));

    let long = "x".repeat(2001);
    let too_long =
        browser.post("/documents/invoices/d-f2026-0112/comments", &[("csrf", &page.csrf()), ("body", &long)]).await;
    assert_eq!(too_long.status, 400);
    assert!(too_long.body.contains("de 1 a 2.000 caracteres"));
    let empty =
        browser.post("/documents/invoices/d-f2026-0112/comments", &[("csrf", &page.csrf()), ("body", "   ")]).await;
    assert_eq!(empty.status, 400);
    let comments = app.state().store.comments(&DocumentId::parse("d-f2026-0112").unwrap(), 10).await.unwrap();
    assert_eq!(comments.len(), 1, "refused comments are not stored");

    // A link holder comments too (no portal access needed).
    let holder = link_browser(&app, "d-f2026-0118").await;
    let page = holder.get("/documents/invoices/d-f2026-0118").await;
    let done = holder
        .post("/documents/invoices/d-f2026-0118/comments", &[("csrf", &page.csrf()), ("body", "Recibido, gracias")])
        .await;
    assert_eq!(done.status, 303);
    let stored = app.state().store.comments(&DocumentId::parse("d-f2026-0118").unwrap(), 10).await.unwrap();
    assert_eq!(stored[0].origin, portal_domain::interaction::Origin::Link);
}

#[tokio::test]
async fn a_quote_opened_before_staff_rotated_its_link_is_still_accepted() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let page = browser.get("/documents/quotes/d-p2026-0040").await;
    let state = app.state();
    let id = DocumentId::parse("d-p2026-0040").unwrap();
    let before = state.store.document(&id).await.unwrap().unwrap();
    // Staff send a fresh link to someone else while the contact reads the quote.
    let edit = portal_app::staff_documents::LinkEdit::Rotate(portal_web::tokens::new_link_nonce());
    let rotated =
        portal_app::staff_documents::edit_link(state.store.as_ref(), state.stamps(), &id, edit).await.unwrap();
    assert_eq!(rotated.content_version, before.content_version, "the quote shows the same, its PDF stays cached");

    let done = browser
        .post(
            "/documents/quotes/d-p2026-0040/accept",
            &[("csrf", &page.csrf()), ("version", &page.hidden("version")), ("signer", "Ana López")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let stored = state.store.document(&id).await.unwrap().unwrap();
    assert_eq!(stored.status, DocumentStatus::Accepted);
    assert_eq!(stored.access_link.nonce, rotated.access_link.nonce, "the new link stands");
}

#[tokio::test]
async fn an_answer_to_a_page_shown_before_the_quote_changed_is_refused() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let page = browser.get("/documents/quotes/d-p2026-0040").await;
    // Staff edit the quote (a higher price) after the contact opened it.
    let store = &app.state().store;
    let read = store.document(&DocumentId::parse("d-p2026-0040").unwrap()).await.unwrap().unwrap();
    let update = DocumentUpdate::edit(&read, |edited| edited.lines[0].unit_price_minor += 10_000);
    store.apply_change(&DocumentChange { update, events: vec![], notifications: vec![] }).await.unwrap();

    let stale = [("csrf", page.csrf()), ("version", page.hidden("version")), ("signer", "Ana López".to_string())];
    let stale: Vec<(&str, &str)> = stale.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = browser.post("/documents/quotes/d-p2026-0040/accept", &stale).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains("ha cambiado desde que lo abriste"), "{}", refused.body);
    let missing =
        browser.post("/documents/quotes/d-p2026-0040/accept", &[("csrf", &page.csrf()), ("signer", "Ana López")]).await;
    assert_eq!(missing.status, 409, "an answer without the version it saw is refused too");
    assert_eq!(status_of(&app, "d-p2026-0040").await, DocumentStatus::Sent, "nothing written");

    let fresh = browser.get("/documents/quotes/d-p2026-0040").await;
    let accepted = browser
        .post(
            "/documents/quotes/d-p2026-0040/accept",
            &[("csrf", &fresh.csrf()), ("version", &fresh.hidden("version")), ("signer", "Ana López")],
        )
        .await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    let stored = store.document(&DocumentId::parse("d-p2026-0040").unwrap()).await.unwrap().unwrap();
    assert_eq!(stored.acceptance.unwrap().content_version, fresh.hidden("version").parse::<u32>().unwrap());
}

#[tokio::test]
async fn a_thread_takes_a_bounded_number_of_comments_per_hour() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let page = browser.get("/documents/invoices/d-f2026-0125").await;
    let limit = portal_app::answers::COMMENTS_PER_HOUR as usize;
    for n in 0..limit {
        let body = format!("Mensaje {n}");
        let done =
            browser.post("/documents/invoices/d-f2026-0125/comments", &[("csrf", &page.csrf()), ("body", &body)]).await;
        assert_eq!(done.status, 303, "comment {n}");
    }
    let flood =
        browser.post("/documents/invoices/d-f2026-0125/comments", &[("csrf", &page.csrf()), ("body", "Uno más")]).await;
    assert_eq!(flood.status, 429);
    let comments = app.state().store.comments(&DocumentId::parse("d-f2026-0125").unwrap(), 500).await.unwrap();
    assert_eq!(comments.len(), limit, "the refused comment was not written");
}
