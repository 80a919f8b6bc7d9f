//! Staff pages: magic-link login for staff addresses, the staff home, and the
//! staff view of a document with its actions, reached from staff mail.

use portal_dev_server::demo::CUSTOMER_EMAIL;
use portal_e2e::{Browser, TestApp};

const STAFF: &str = "oficina@ebro-instalaciones.es";

/// Logs a staff member in through the real flow, returning to `next`.
async fn staff_browser(app: &TestApp, next: &str) -> Browser {
    let browser = app.browser();
    let form = browser.get(&format!("/staff/login?next={next}")).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let sent = browser.post("/staff/login", &[("csrf", &form.csrf()), ("email", STAFF), ("next", next)]).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let mail = app
        .outbox()
        .await
        .into_iter()
        .find(|m| m.to == STAFF && m.text.contains("/staff/login/confirm"))
        .expect("a staff login mail");
    let start = mail.text.find("/staff/login/confirm?").expect("a staff confirm link");
    let link = mail.text[start..].split_whitespace().next().unwrap();
    let confirm = browser.get(link).await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    let done = browser
        .post(
            "/staff/login/confirm",
            &[("csrf", &confirm.csrf()), ("token", &confirm.hidden("token")), ("next", &confirm.hidden("next"))],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), Some(next));
    browser
}

#[tokio::test]
async fn only_listed_staff_log_in_and_sessions_never_cross() {
    let app = TestApp::spawn().await;
    let anonymous = app.browser();
    let home = anonymous.get("/staff").await;
    assert_eq!((home.status, home.location()), (303, Some("/staff/login?next=%2Fstaff")));

    // A contact's address gets the same answer and no mail.
    let form = anonymous.get("/staff/login").await;
    let answer = anonymous.post("/staff/login", &[("csrf", &form.csrf()), ("email", CUSTOMER_EMAIL)]).await;
    assert_eq!(answer.status, 200);
    assert!(app.outbox().await.iter().all(|m| m.to != CUSTOMER_EMAIL), "no staff link for a contact");

    let staff = staff_browser(&app, "/staff").await;
    let page = staff.get("/staff").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Pendiente de ti") && page.body.contains(STAFF));
    assert_eq!(staff.get("/").await.status, 303, "a staff session is no contact session");

    let ana = app.logged_in(CUSTOMER_EMAIL).await;
    assert_eq!(ana.get("/staff").await.status, 303, "a contact session is no staff session");

    // An open redirect is not possible through `next`.
    let evil = anonymous.get("/staff/login?next=https://evil.example/").await;
    assert!(evil.body.contains("name=\"next\" value=\"/staff\""), "{}", evil.body);

    // Removing the address from the settings ends the session at once.
    let mut settings = app.state().store.business_settings().await.unwrap().unwrap();
    settings.staff_emails.retain(|e| e.as_str() != STAFF);
    settings.staff_emails.push(portal_domain::EmailAddress::parse("otra@ebro-instalaciones.es").unwrap());
    app.state().store.put_business_settings(&settings).await.unwrap();
    assert_eq!(staff.get("/staff").await.status, 303);
}

#[tokio::test]
async fn a_staff_mail_link_opens_the_staff_view_where_staff_reply_and_act() {
    let app = TestApp::spawn().await;
    let ana = app.logged_in(CUSTOMER_EMAIL).await;
    let invoice = ana.get("/documents/invoices/d-f2026-0125").await;
    let commented = ana
        .post(
            "/documents/invoices/d-f2026-0125/comments",
            &[("csrf", &invoice.csrf()), ("body", "¿Podéis enviarme el detalle?")],
        )
        .await;
    assert_eq!(commented.status, 303);
    let staff_mail =
        app.outbox().await.into_iter().find(|m| m.to == STAFF && m.text.contains("detalle")).expect("staff mail");
    assert!(staff_mail.text.contains("/staff/documents/d-f2026-0125"), "{}", staff_mail.text);

    let staff = staff_browser(&app, "/staff/documents/d-f2026-0125").await;
    let waiting = |body: &str| body.split("Actividad reciente").next().unwrap_or_default().to_string();
    let home = staff.get("/staff").await;
    assert!(waiting(&home.body).contains("Nuevo comentario en Factura F2026-0125"), "the comment waits: {}", home.body);
    let view = staff.get("/staff/documents/d-f2026-0125").await;
    assert_eq!(view.status, 200, "{}", view.body);
    for part in
        ["Historial completo", "¿Podéis enviarme el detalle?", "Ferretería", "Marcar transferencia recibida", "/links/"]
    {
        assert!(view.body.contains(part), "missing {part}");
    }

    // Everything the contact sees, the PDF included.
    assert!(view.body.contains("/documents/invoices/d-f2026-0125/pdf"));
    let pdf = staff.get("/documents/invoices/d-f2026-0125/pdf").await;
    assert!(
        pdf.status == 200 || (pdf.status == 303 && !pdf.location().unwrap_or_default().starts_with("/login")),
        "{} {:?}",
        pdf.status,
        pdf.location()
    );
    assert_eq!(
        app.browser().get("/documents/invoices/d-f2026-0125/pdf").await.location(),
        Some("/login"),
        "not for strangers"
    );

    // Reply: the contact gets it in the thread and by mail; it no longer waits.
    let replied = staff
        .post("/staff/documents/d-f2026-0125/comments", &[("csrf", &view.csrf()), ("body", "Te lo enviamos hoy.")])
        .await;
    assert_eq!(replied.location(), Some("/staff/documents/d-f2026-0125?done=replied"));
    assert!(app.outbox().await.iter().any(|m| m.to == CUSTOMER_EMAIL && m.text.contains("Te lo enviamos hoy.")));
    assert!(ana.get("/documents/invoices/d-f2026-0125").await.body.contains("Te lo enviamos hoy."));
    assert!(!waiting(&staff.get("/staff").await.body).contains("Nuevo comentario en Factura F2026-0125"), "answered");

    // Transfer received: typed as staff write amounts; a bad amount changes nothing.
    let bad = staff
        .post(
            "/staff/documents/d-f2026-0125/payments",
            &[("csrf", &view.csrf()), ("amount", "mucho"), ("reference", "T1")],
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    let part = staff
        .post(
            "/staff/documents/d-f2026-0125/payments",
            &[("csrf", &view.csrf()), ("amount", "10,00"), ("reference", "T1")],
        )
        .await;
    assert_eq!(part.location(), Some("/staff/documents/d-f2026-0125?done=transfer"));
    let again = staff
        .post(
            "/staff/documents/d-f2026-0125/payments",
            &[("csrf", &view.csrf()), ("amount", "10,00"), ("reference", "T1")],
        )
        .await;
    assert_eq!(again.location(), Some("/staff/documents/d-f2026-0125?done=transfer-known"));
    let paid = app.state().store.payments(&portal_domain::DocumentId::parse("d-f2026-0125").unwrap()).await.unwrap();
    assert_eq!(paid.len(), 1);
    assert_eq!(paid[0].amount.minor, 1000);

    // Rotate the link: the old one stops.
    let old_link = view.body.split("/links/").nth(1).and_then(|rest| rest.split('<').next()).unwrap().to_string();
    assert_eq!(app.browser().get(&format!("/links/{old_link}")).await.status, 303);
    let rotated = staff.post("/staff/documents/d-f2026-0125/link/rotate", &[("csrf", &view.csrf())]).await;
    assert_eq!(rotated.location(), Some("/staff/documents/d-f2026-0125?done=rotated"));
    assert_eq!(app.browser().get(&format!("/links/{old_link}")).await.status, 404);
    let past = staff
        .post("/staff/documents/d-f2026-0125/link/expiry", &[("csrf", &view.csrf()), ("expires_on", "2020-01-01")])
        .await;
    assert_eq!(past.status, 422);

    // Confirm a pending portal order.
    let order = staff.get("/staff/documents/d-ped2026-0051").await;
    assert!(order.body.contains("Confirmar pedido"));
    let confirmed = staff.post("/staff/documents/d-ped2026-0051/confirm", &[("csrf", &order.csrf())]).await;
    assert_eq!(confirmed.location(), Some("/staff/documents/d-ped2026-0051?done=confirmed"));
    let stored = app
        .state()
        .store
        .document(&portal_domain::DocumentId::parse("d-ped2026-0051").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, portal_domain::DocumentStatus::Confirmed);
    let twice = staff.post("/staff/documents/d-ped2026-0051/confirm", &[("csrf", &order.csrf())]).await;
    assert_eq!(twice.status, 409);

    // Forged forms do nothing.
    let forged = staff.post("/staff/documents/d-ped2026-0048/confirm", &[("csrf", "nope")]).await;
    assert_eq!(forged.status, 403);
}
