//! The functions as AWS runs them: API Gateway HTTP API (payload 2.0) events
//! through `lambda_http`'s conversion, not the local server. What differs there
//! is what users and the limits rely on: the client address comes only from
//! `requestContext.http.sourceIp`, cookies travel in the `cookies` arrays, and
//! form posts arrive base64-encoded.

use lambda_http::http::Method;
use portal_dev_server::demo;
use portal_domain::{ContactId, DocumentId};
use portal_e2e::lambda::{CUSTOM_DOMAIN, V2Event, deployed_state, invoke};
use portal_e2e::{TestApp, confirm_path};
use portal_web::routes::{self, Route};
use portal_web::{AppState, auth, csrf, tokens};

/// A login request with a fresh CSRF cookie and its token, as the login form posts it.
fn login_request(state: &AppState, email: &str) -> V2Event {
    let csrf_cookie = tokens::random_token();
    V2Event::new(&routes::LOGIN_REQUEST, "/login")
        .cookie(csrf::cookie_name(state), &csrf_cookie)
        .form(&[("csrf", &state.keys.csrf_token(&csrf_cookie)), ("email", email)])
}

#[tokio::test]
async fn a_quote_accepted_through_lambda_records_the_source_ip_not_a_forwarded_header() {
    let app = TestApp::spawn().await;
    let state = deployed_state(app.state());
    let quote = DocumentId::parse("d-p2026-0040").unwrap();
    let shown = state.store.document(&quote).await.unwrap().expect("the demo quote");
    let (session, _) = state.keys.issue_session(&ContactId::parse(demo::CUSTOMER_ID).unwrap(), state.clock.now());
    let csrf_cookie = tokens::random_token();
    let accept = V2Event::new(&routes::QUOTE_ACCEPT, "/documents/quotes/d-p2026-0040/accept")
        .source_ip("203.0.113.45")
        // Anyone can send this header; API Gateway only appends the real address after it.
        .header("x-forwarded-for", "192.0.2.200")
        .header("user-agent", "PortalLambdaTest/1.0")
        .cookie(auth::session_cookie_name(&state), &session)
        .cookie(csrf::cookie_name(&state), &csrf_cookie)
        .form(&[
            ("csrf", &state.keys.csrf_token(&csrf_cookie)),
            ("version", &shown.content_version.to_string()),
            ("signer", "Ana López Martín"),
        ]);
    let reply = invoke(&state, &accept).await;
    assert_eq!(reply.status, 303, "{}", reply.text());
    assert_eq!(reply.location(), Some("/documents/quotes/d-p2026-0040"));

    let accepted = state.store.document(&quote).await.unwrap().unwrap();
    let acceptance = accepted.acceptance.expect("acceptance recorded");
    assert_eq!(acceptance.ip, "203.0.113.45", "the record of who signed names the connecting address");
    assert_eq!(acceptance.user_agent, "PortalLambdaTest/1.0");
    assert_eq!(acceptance.signer.as_str(), "Ana López Martín");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_limit_counts_by_source_ip_and_ignores_forwarded_headers() {
    let app = TestApp::spawn().await;
    let state = deployed_state(app.state());
    let busy_ip = "203.0.113.7";
    // Requests for strangers' addresses (no mail, no per-address limit) use up one address's allowance.
    let tasks: Vec<_> = (0..portal_app::login::LINK_LIMITS.per_client)
        .map(|n| {
            let state = state.clone();
            let request = login_request(&state, &format!("desconocido{n}@example.es")).source_ip(busy_ip);
            tokio::spawn(async move { invoke(&state, &request).await.status })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200, "within the allowance");
    }

    // Claiming another address in X-Forwarded-For does not reset the count.
    let over = login_request(&state, demo::CUSTOMER_EMAIL).source_ip(busy_ip).header("x-forwarded-for", "192.0.2.99");
    let refused = invoke(&state, &over).await;
    assert_eq!(refused.status, 429, "{}", refused.text());
    assert!(refused.text().contains("Demasiados intentos"), "{}", refused.text());

    // Another client is served, even when it names the busy address as forwarded.
    let other_ip = "198.51.100.20";
    let other = login_request(&state, demo::CUSTOMER_EMAIL).source_ip(other_ip).header("x-forwarded-for", busy_ip);
    let served = invoke(&state, &other).await;
    assert_eq!(served.status, 200, "{}", served.text());
    assert!(served.text().contains("Revisa tu correo"), "{}", served.text());
    let links = app.outbox().await.into_iter().filter(|m| m.to == demo::CUSTOMER_EMAIL).count();
    assert_eq!(links, 1, "only the request within its allowance mailed a link");
}

#[tokio::test]
async fn login_cookies_leave_in_the_cookies_array_and_come_back_in_the_events_cookies() {
    let app = TestApp::spawn().await;
    let state = deployed_state(app.state());
    let csrf_name = csrf::cookie_name(&state);
    let session_name = auth::session_cookie_name(&state);

    let form = invoke(&state, &V2Event::new(&routes::LOGIN_FORM, "/login")).await;
    assert_eq!(form.status, 200, "{}", form.text());
    let set_csrf = form.set_cookie(csrf_name).expect("the login form sets the CSRF cookie");
    assert!(set_csrf.contains("HttpOnly") && set_csrf.contains("SameSite=Lax"), "{set_csrf}");
    assert!(set_csrf.contains("Secure") && set_csrf.contains("Path=/"), "{set_csrf}");
    let csrf_cookie = form.cookie_value(csrf_name).unwrap();

    let request = V2Event::new(&routes::LOGIN_REQUEST, "/login")
        .cookie(csrf_name, &csrf_cookie)
        .form(&[("csrf", &form.csrf()), ("email", demo::CUSTOMER_EMAIL)]);
    let sent = invoke(&state, &request).await;
    assert_eq!(sent.status, 200, "the CSRF cookie came back from the event's cookies: {}", sent.text());

    let mail = app.outbox().await.into_iter().find(|m| m.to == demo::CUSTOMER_EMAIL).expect("a login mail");
    assert!(mail.text.contains(&format!("https://{CUSTOM_DOMAIN}/login/confirm?token=")), "{}", mail.text);
    let link = confirm_path(&mail.text);
    let (path, query) = link.split_once('?').unwrap();
    let open_link = V2Event::new(&routes::LOGIN_CONFIRM_FORM, path).query(query).cookie(csrf_name, &csrf_cookie);
    let confirm_form = invoke(&state, &open_link).await;
    assert_eq!(confirm_form.status, 200, "{}", confirm_form.text());
    let confirm = V2Event::new(&routes::LOGIN_CONFIRM, "/login/confirm")
        .cookie(csrf_name, &csrf_cookie)
        .form(&[("csrf", &confirm_form.csrf()), ("token", &confirm_form.hidden("token"))]);
    let done = invoke(&state, &confirm).await;
    assert_eq!(done.status, 303, "{}", done.text());
    assert_eq!(done.location(), Some("/"));
    let set_session = done.set_cookie(session_name).expect("the session cookie is in `cookies`");
    assert!(set_session.contains("HttpOnly") && set_session.contains("Secure"), "{set_session}");
    let session = done.cookie_value(session_name).unwrap();

    // Both cookies, as the browser sends them: the event joins them into one Cookie header.
    let home = V2Event::new(&routes::DASHBOARD, "/").cookie(session_name, &session).cookie(csrf_name, &csrf_cookie);
    let dashboard = invoke(&state, &home).await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.text());
    assert!(dashboard.text().contains("Ferretería Hermanos López S.L."), "{}", dashboard.text());
    let anonymous = invoke(&state, &V2Event::new(&routes::DASHBOARD, "/")).await;
    assert_eq!(anonymous.location(), Some("/login"), "without the cookie there is no session");

    let logout = V2Event::new(&routes::LOGOUT, "/logout")
        .cookie(session_name, &session)
        .cookie(csrf_name, &csrf_cookie)
        .form(&[("csrf", &dashboard.csrf())]);
    let out = invoke(&state, &logout).await;
    assert_eq!(out.status, 303, "{}", out.text());
    let cleared = out.set_cookie(session_name).expect("logout clears the session cookie through `cookies`");
    assert!(cleared.starts_with(&format!("{session_name}=;")) && cleared.contains("Max-Age=0"), "{cleared}");
}

#[tokio::test]
async fn a_base64_form_and_the_query_string_reach_the_handler_intact() {
    let app = TestApp::spawn().await;
    let state = deployed_state(app.state());
    // Not an address, so the page echoes it: every byte that needs encoding must survive.
    let typed = "peña+ñ & co <x>";
    let csrf_cookie = tokens::random_token();
    let post = V2Event::new(&routes::LOGIN_REQUEST, "/login")
        .query("lang=en&utm_source=mail%20campaign")
        .cookie(csrf::cookie_name(&state), &csrf_cookie)
        .form(&[("csrf", &state.keys.csrf_token(&csrf_cookie)), ("email", typed)])
        .header("content-type", "application/x-www-form-urlencoded; charset=UTF-8");
    let reply = invoke(&state, &post).await;
    let page = reply.text();
    assert_eq!(reply.status, 400, "the CSRF field was read, then the address refused: {page}");
    assert!(page.contains("Enter a valid email address"), "?lang=en was read: {page}");
    assert!(page.contains("peña+ñ &amp; co &lt;x&gt;"), "the typed value, decoded and escaped: {page}");

    // A percent-encoded query value arrives decoded.
    let staff_login =
        V2Event::new(&routes::STAFF_LOGIN_FORM, "/staff/login").query("next=%2Fstaff%2Fdocuments%2Fd-p2026-0040");
    let form = invoke(&state, &staff_login).await;
    assert_eq!(form.status, 200, "{}", form.text());
    assert_eq!(form.hidden("next"), "/staff/documents/d-p2026-0040");
}

/// A concrete path for `route`, its parameters filled with demo values.
fn example_path(route: &Route) -> String {
    let path = route
        .path
        .split('/')
        .map(|segment| match segment {
            "{kind}" => "invoices",
            "{id}" => "d-f2026-0112",
            "{token}" => "not-a-real-link",
            "{name}" => demo::INSTALLERS_PRICE_LIST,
            other => other,
        })
        .collect::<Vec<_>>()
        .join("/");
    assert!(!path.contains('{'), "no example value for a parameter of {}", route.path);
    path
}

#[tokio::test]
async fn every_function_answers_an_anonymous_lambda_event_with_security_headers_and_no_server_error() {
    let app = TestApp::spawn().await;
    let state = deployed_state(app.state());
    for (route, _) in portal_dev_server::mounts() {
        let path = example_path(&route);
        let mut event = V2Event::new(&route, &path);
        if route.method != Method::GET && route.method != Method::DELETE {
            event = if route.path.starts_with("/api/") { event.json("{}") } else { event.form(&[("csrf", "forged")]) };
        }
        let reply = invoke(&state, &event).await;
        let what = format!("{} {path} ({})", route.method, route.function);
        assert!(reply.status < 500, "{what} answered {}: {}", reply.status, reply.text());
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"), "{what}");
        assert_eq!(reply.header("x-frame-options"), Some("DENY"), "{what}");
        assert_eq!(reply.header("referrer-policy"), Some("no-referrer"), "{what}");
        let hsts = reply.header("strict-transport-security").unwrap_or_default();
        assert!(hsts.contains("max-age="), "{what}: HSTS {hsts:?}");
        let csp = reply.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: CSP {csp:?}");
        assert!(reply.header("cache-control").is_some(), "{what}: no Cache-Control");
    }
}
