//! `portal-login-confirm`: spending a magic link.
//!
//! `GET` only shows a button (mail scanners and link previews open links; they
//! must not spend them). `POST` spends the token — single use, unexpired — and
//! starts the session.

use lambda_http::http::{Method, StatusCode};
use portal_web::error::Problem;
use portal_web::routes::url;
use portal_web::views::pages;
use portal_web::{AppState, Body, Request, Response, WebResult, auth, csrf, http, respond, tokens};

/// Serves `GET /login/confirm` and `POST /login/confirm`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = if request.method() == Method::POST {
        confirm(state, &request).await
    } else {
        show_button(state, &request).await
    };
    respond::finish(state, &request, result)
}

/// The confirm page for `?token=`; the token is only checked for shape here.
pub async fn show_button(state: &AppState, request: &Request) -> WebResult {
    let query = http::query(request);
    let token = query.get("token").filter(|t| tokens::is_random_token_shaped(t)).ok_or(Problem::LoginLinkInvalid)?;
    let settings = state.business_settings().await?;
    let csrf = csrf::prepare(state, request);
    let page = pages::login_confirm(respond::request_locale(request), &settings, &csrf.token, token);
    let mut response = respond::page(StatusCode::OK, page);
    csrf.apply(state, &mut response);
    Ok(response)
}

/// Spends the token and logs the contact in.
pub async fn confirm(state: &AppState, request: &Request) -> WebResult {
    let form = http::form(request)?;
    csrf::verify(state, request, &form)?;
    let token = form.get("token").filter(|t| tokens::is_random_token_shaped(t)).ok_or(Problem::LoginLinkInvalid)?;
    let spent = state.store.spend_login_token(&tokens::digest_hex(token), state.clock.now()).await?;
    let login = spent.ok_or(Problem::LoginLinkSpent)?;
    let contact =
        state.store.contact(&login.contact_id).await?.filter(|c| c.portal_access).ok_or(Problem::AccessDisabled)?;
    let mut response = http::see_other(&url::dashboard());
    auth::start_session(state, &mut response, &contact);
    tracing::info!(contact = %contact.id, "contact logged in");
    Ok(response)
}
