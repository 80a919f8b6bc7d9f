//! `portal-login`: the login page and the request for a magic link.
//!
//! The answer to a request is the same whether or not the address belongs to a
//! contact with portal access, so the form cannot be used to find out who is a
//! customer. Requests are rate-limited per address and per client IP.

use lambda_http::http::{Method, StatusCode};
use portal_domain::ports::{LoginToken, OutgoingMail};
use portal_domain::{BusinessSettings, EmailAddress};
use portal_web::error::Problem;
use portal_web::routes::url;
use portal_web::views::{mail, pages};
use portal_web::{AppState, Body, Request, Response, WebError, WebResult, auth, csrf, http, limits, respond, tokens};
use time::OffsetDateTime;

/// Links mailed to one address per window; further requests answer the same but send nothing.
pub const LINKS_PER_EMAIL: u64 = 5;
/// Requests accepted from one client IP per window.
pub const REQUESTS_PER_IP: u64 = 30;
pub const RATE_WINDOW_SECONDS: i64 = 15 * 60;
/// The least time the "check your email" answer takes, whether or not a link
/// was sent (longer than a typical mail send, so both look alike).
pub const ANSWER_TIME: std::time::Duration = std::time::Duration::from_millis(250);

/// Serves `GET /login` and `POST /login`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = if request.method() == Method::POST {
        request_link(state, &request).await
    } else {
        show_form(state, &request).await
    };
    respond::finish(state, &request, result)
}

/// The email form. A contact who is already logged in goes to the dashboard.
pub async fn show_form(state: &AppState, request: &Request) -> WebResult {
    if auth::current_contact(state, request).await?.is_some() {
        return Ok(http::see_other(&url::dashboard()));
    }
    let settings = state.business_settings().await?;
    let locale = respond::request_locale(request);
    let csrf = csrf::prepare(state, request);
    let mut response = respond::page(StatusCode::OK, pages::login_form(locale, &settings, &csrf.token, "", None));
    csrf.apply(state, &mut response);
    Ok(response)
}

/// Mails a single-use login link if the address belongs to a contact with
/// portal access, then answers "check your email" in every case.
pub async fn request_link(state: &AppState, request: &Request) -> WebResult {
    let form = http::form(request)?;
    csrf::verify(state, request, &form)?;
    let locale = respond::request_locale(request);
    let settings = state.business_settings().await?;
    let typed = form.get("email").map(String::as_str).unwrap_or_default();
    let Ok(email) = EmailAddress::parse(typed) else {
        let csrf = csrf::prepare(state, request);
        let message = Problem::InvalidEmail.message(locale);
        let typed: String = typed.chars().take(254).collect();
        let page = pages::login_form(locale, &settings, &csrf.token, &typed, Some(message));
        return Ok(respond::page(StatusCode::BAD_REQUEST, page));
    };

    let now = state.clock.now();
    let ip = http::client_ip(request);
    let store = state.store.as_ref();
    let ip_count = limits::count_attempt(store, &format!("login-ip#{ip}"), now, RATE_WINDOW_SECONDS).await?;
    if ip_count > REQUESTS_PER_IP {
        return Err(Problem::TooManyRequests.into());
    }
    let email_key = tokens::digest_hex(email.as_str());
    let email_count =
        limits::count_attempt(store, &format!("login-email#{email_key}"), now, RATE_WINDOW_SECONDS).await?;
    let started = std::time::Instant::now();
    if email_count <= LINKS_PER_EMAIL {
        send_link_if_allowed(state, &settings, &email, now).await?;
    } else {
        tracing::warn!(email_digest = %email_key, "login links for this address are rate-limited");
    }
    // Known and unknown addresses answer after the same time, so the time
    // taken by a mail send does not tell strangers who has portal access.
    tokio::time::sleep(ANSWER_TIME.saturating_sub(started.elapsed())).await;
    Ok(respond::page(StatusCode::OK, pages::login_sent(locale, &settings, email.as_str())))
}

async fn send_link_if_allowed(
    state: &AppState,
    settings: &BusinessSettings,
    email: &EmailAddress,
    now: OffsetDateTime,
) -> Result<(), WebError> {
    let Some(contact) = state.store.contact_by_email(email).await? else { return Ok(()) };
    if !contact.portal_access {
        return Ok(());
    }
    let token = tokens::random_token();
    let record = LoginToken {
        digest: tokens::digest_hex(&token),
        contact_id: contact.id.clone(),
        expires_at: now + tokens::MAGIC_LINK_LIFETIME,
    };
    state.store.save_login_token(&record).await?;
    let link = format!("{}{}", state.config.public_url, url::login_confirm_with_token(&token));
    let content = mail::login_link(contact.locale, settings, &link);
    let message = OutgoingMail {
        to: email.clone(),
        reply_to: settings.reply_to.clone(),
        subject: content.subject,
        text: content.text,
        html: content.html,
        attachments: Vec::new(),
    };
    // A failed send is logged, not shown: showing it would tell strangers that
    // this address has portal access.
    if let Err(error) = state.mailer.send(&message).await {
        tracing::error!(contact = %contact.id, cause = %error, "login link not sent");
    }
    Ok(())
}
