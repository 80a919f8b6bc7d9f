//! `portal-login`: the login page and the request for a magic link.
//!
//! The answer to a request is the same whether or not the address belongs to a
//! contact with portal access, so the form cannot be used to find out who is a
//! customer. Requests are rate-limited per address and per client IP
//! (`portal_app::login::request_link`).

use lambda_http::http::{Method, StatusCode};
use portal_app::login::{self, Audience, LinkReader, LinkRequestError};
use portal_domain::EmailAddress;
use portal_web::error::Problem;
use portal_web::routes::url;
use portal_web::views::{mail, pages};
use portal_web::{AppState, Body, Request, Response, WebError, WebResult, auth, csrf, http, respond};

/// The login form: the address to mail a link to.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct EmailForm {
    pub email: String,
}

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
    let form: EmailForm = csrf::form(state, request)?;
    let locale = respond::request_locale(request);
    let settings = state.business_settings().await?;
    let typed = form.email.as_str();
    let Ok(email) = EmailAddress::parse(typed) else {
        let csrf = csrf::prepare(state, request);
        let message = Problem::InvalidEmail.message(locale);
        let typed: String = typed.chars().take(254).collect();
        let page = pages::login_form(locale, &settings, &csrf.token, &typed, Some(message));
        return Ok(respond::page(StatusCode::BAD_REQUEST, page));
    };

    let ip = http::client_ip(request);
    let compose = |reader: &LinkReader, token: &str| {
        let link = format!("{}{}", state.config.public_url, url::login_confirm_with_token(token));
        mail::login_link_mail(reader, &settings, &link)
    };
    login::request_link(state.link_services(), &settings, Audience::Contact, &email, &ip, compose)
        .await
        .map_err(link_refused)?;
    Ok(respond::page(StatusCode::OK, pages::login_sent(locale, &settings, email.as_str())))
}

/// What a refused link request shows.
pub fn link_refused(error: LinkRequestError) -> WebError {
    match error {
        LinkRequestError::TooManyRequests => Problem::TooManyRequests.into(),
        LinkRequestError::Write(error) => error.into(),
    }
}
