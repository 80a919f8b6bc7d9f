//! Passwordless login: magic links that are single use, expiring, hashed at
//! rest, rate-limited and silent about who has an account.

use portal_dev_server::demo;
use portal_domain::ContactId;
use portal_domain::ports::LoginToken;
use portal_e2e::{TestApp, confirm_path};
use time::Duration;

#[tokio::test]
async fn a_contact_logs_in_with_an_emailed_link_that_works_once() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let form = browser.get("/login").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Acceso al portal"), "Spanish by default");

    let sent = browser.post("/login", &[("csrf", &form.csrf()), ("email", "  Ana@Ferreteria-Lopez.es ")]).await;
    assert_eq!(sent.status, 200);
    assert!(sent.body.contains("Revisa tu correo"));

    let mails = app.outbox().await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.to, demo::CUSTOMER_EMAIL);
    assert!(mail.subject.contains("enlace de acceso"), "{}", mail.subject);
    assert!(mail.html.contains("/login/confirm?token="));
    assert_eq!(mail.reply_to.as_deref(), Some("oficina@ebro-instalaciones.es"));
    let link = confirm_path(&mail.text);
    let token = link.split("token=").nth(1).unwrap().to_string();

    // The token is stored only as its digest.
    let digest = portal_web::tokens::digest_hex(&token);
    let stored =
        app.table.get(&portal_adapters::keys::login_token(&digest)).await.unwrap().expect("token stored by digest");
    assert!(!stored.data.contains(&token) && !stored.key.pk.contains(&token));
    assert!(app.table.get(&portal_adapters::keys::login_token(&token)).await.unwrap().is_none());

    // GET (mail scanners) does not spend the link.
    for _ in 0..2 {
        let confirm = browser.get(&link).await;
        assert_eq!(confirm.status, 200);
        assert!(confirm.body.contains("Entrar en el portal"));
    }
    let confirm = browser.get(&link).await;
    let done = browser.post("/login/confirm", &[("csrf", &confirm.csrf()), ("token", &token)]).await;
    assert_eq!(done.status, 303);
    assert_eq!(done.location(), Some("/"));
    let dashboard = browser.get("/").await;
    assert_eq!(dashboard.status, 200);
    assert!(dashboard.body.contains("Ferretería Hermanos López S.L."));

    // Second use: refused, clearly.
    let again = app.browser();
    let page = again.get(&link).await;
    let reuse = again.post("/login/confirm", &[("csrf", &page.csrf()), ("token", &token)]).await;
    assert_eq!(reuse.status, 410);
    assert!(reuse.body.contains("ya se usó o ha caducado"));
    assert!(again.cookie("portal_session").is_none());
}

#[tokio::test]
async fn the_answer_is_the_same_for_unknown_and_portal_less_addresses_and_no_mail_is_sent() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let mut bodies = Vec::new();
    for email in ["nadie@ejemplo.es", demo::NO_PORTAL_EMAIL, demo::CUSTOMER_EMAIL] {
        let form = browser.get("/login").await;
        let page = browser.post("/login", &[("csrf", &form.csrf()), ("email", email)]).await;
        assert_eq!(page.status, 200);
        bodies.push(page.body.replace(email, "EMAIL"));
    }
    assert_eq!(bodies[0], bodies[1]);
    assert_eq!(bodies[1], bodies[2]);
    let recipients: Vec<String> = app.outbox().await.into_iter().map(|m| m.to).collect();
    assert_eq!(recipients, vec![demo::CUSTOMER_EMAIL.to_string()]);
}

#[tokio::test]
async fn a_malformed_email_gets_a_clear_400_and_the_form_back() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let form = browser.get("/login?lang=en").await;
    assert!(form.body.contains("Portal access"));
    let page = browser.post("/login?lang=en", &[("csrf", &form.csrf()), ("email", "not-an-email<script>")]).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("Enter a valid email address"));
    assert!(page.body.contains("not-an-email&lt;script&gt;"), "typed value kept, escaped");
    assert!(app.outbox().await.is_empty());
}

#[tokio::test]
async fn posts_without_a_valid_csrf_token_change_nothing() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let form = browser.get("/login").await;
    let missing = browser.post("/login", &[("email", demo::CUSTOMER_EMAIL)]).await;
    assert_eq!(missing.status, 403);
    let forged = browser.post("/login", &[("csrf", "AAAA"), ("email", demo::CUSTOMER_EMAIL)]).await;
    assert_eq!(forged.status, 403);
    let cross_site = browser
        .post_with(
            "/login",
            &[("csrf", &form.csrf()), ("email", demo::CUSTOMER_EMAIL)],
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(cross_site.status, 403);
    let other_site = browser
        .post_with(
            "/login",
            &[("csrf", &form.csrf()), ("email", demo::CUSTOMER_EMAIL)],
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(other_site.status, 403);
    let other_browser = app.browser();
    let stolen_token = other_browser.post("/login", &[("csrf", &form.csrf()), ("email", demo::CUSTOMER_EMAIL)]).await;
    assert_eq!(stolen_token.status, 403, "a token is bound to its browser's cookie");
    assert!(app.outbox().await.is_empty());
}

#[tokio::test]
async fn a_browser_sending_origin_null_from_our_own_form_is_accepted() {
    // With `Referrer-Policy: no-referrer`, Chromium posts our forms with `Origin: null`.
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let form = browser.get("/login").await;
    let headers = [("origin", "null"), ("sec-fetch-site", "same-origin")];
    let page = browser.post_with("/login", &[("csrf", &form.csrf()), ("email", demo::CUSTOMER_EMAIL)], &headers).await;
    assert_eq!(page.status, 200);
    assert_eq!(app.outbox().await.len(), 1);
}

#[tokio::test]
async fn expired_and_garbage_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let token = portal_web::tokens::random_token();
    let expired = LoginToken {
        digest: portal_web::tokens::digest_hex(&token),
        contact_id: ContactId::parse(demo::CUSTOMER_ID).unwrap(),
        expires_at: app.state().clock.now() - Duration::minutes(1),
    };
    app.state().store.save_login_token(&expired).await.unwrap();
    let browser = app.browser();
    let page = browser.get(&format!("/login/confirm?token={token}")).await;
    assert_eq!(page.status, 200);
    let spent = browser.post("/login/confirm", &[("csrf", &page.csrf()), ("token", &token)]).await;
    assert_eq!(spent.status, 410);

    for garbage in ["", "short", "../../etc/passwd", &"A".repeat(44)] {
        let page = browser.get(&format!("/login/confirm?token={garbage}")).await;
        assert_eq!(page.status, 400, "{garbage}");
    }
    let page = browser.get("/login").await;
    let bad = browser.post("/login/confirm", &[("csrf", &page.csrf()), ("token", "x")]).await;
    assert_eq!(bad.status, 400);
    assert!(browser.cookie("portal_session").is_none());
}

#[tokio::test]
async fn login_links_are_rate_limited_per_address_without_telling() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    for _ in 0..(portal_app::login::LINK_LIMITS.per_address + 3) {
        let form = browser.get("/login").await;
        let page = browser.post("/login", &[("csrf", &form.csrf()), ("email", demo::SUPPLIER_EMAIL)]).await;
        assert_eq!(page.status, 200);
    }
    assert_eq!(app.outbox().await.len() as u64, portal_app::login::LINK_LIMITS.per_address);
}

#[tokio::test]
async fn logging_out_ends_the_session() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let dashboard = browser.get("/").await;
    assert_eq!(dashboard.status, 200);
    let out = browser.post("/logout", &[("csrf", &dashboard.csrf())]).await;
    assert_eq!(out.status, 303);
    assert!(out.set_cookies().iter().any(|c| c.starts_with("portal_session=;") && c.contains("Max-Age=0")));
    assert_eq!(browser.get("/").await.status, 303);
    assert_eq!(browser.get("/").await.location(), Some("/login"));
}
