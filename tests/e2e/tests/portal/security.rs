//! Security headers on every response; cookie attributes.

use portal_dev_server::demo;
use portal_e2e::TestApp;

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let browser = app.logged_in(demo::CUSTOMER_EMAIL).await;
    let anonymous = app.browser();
    let pages = vec![
        browser.get("/").await,
        browser.get("/documents/invoices").await,
        browser.get("/documents/invoices/d-f2026-0112").await,
        browser.get("/documents/invoices/nope").await,
        anonymous.get("/login").await,
        anonymous.get("/").await,
        anonymous.get("/nope").await,
        anonymous.post("/login", &[]).await,
    ];
    for page in &pages {
        let csp = page.header("content-security-policy").expect("CSP");
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("script-src"), "no script allowed: {csp}");
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(page.header("x-frame-options"), Some("DENY"));
        assert!(page.header("strict-transport-security").unwrap().contains("max-age="));
        assert_eq!(page.header("cache-control"), Some("no-store"));
        assert!(!page.body.contains("<script"), "pages have no script");
    }
}

#[tokio::test]
async fn session_cookies_are_http_only_and_same_site() {
    let app = TestApp::spawn().await;
    let browser = app.browser();
    let form = browser.get("/login").await;
    let csrf_cookie = form.set_cookies().into_iter().find(|c| c.starts_with("portal_csrf=")).unwrap();
    assert!(csrf_cookie.contains("HttpOnly") && csrf_cookie.contains("SameSite=Lax"));
    browser.post("/login", &[("csrf", &form.csrf()), ("email", demo::CUSTOMER_EMAIL)]).await;
    let mail = app.outbox().await.remove(0);
    let confirm = browser.get(&portal_e2e::confirm_path(&mail.text)).await;
    let done = browser.post("/login/confirm", &[("csrf", &confirm.csrf()), ("token", &confirm.hidden("token"))]).await;
    let session = done.set_cookies().into_iter().find(|c| c.starts_with("portal_session=")).unwrap();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"));
    assert!(session.contains("Max-Age=28800"), "8 hours: {session}");
}
