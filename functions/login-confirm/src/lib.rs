//! `portal-login-confirm`: spending a magic link.
//!
//! `GET` only shows a button (mail scanners and link previews open links; they
//! must not spend them). `POST` spends the token — single use, unexpired — and
//! starts the session.

use lambda_http::http::{Method, StatusCode};
use portal_app::login::{self, SpendError};
use portal_web::error::Problem;
use portal_web::routes::url;
use portal_web::views::pages;
use portal_web::{AppState, Body, Request, Response, WebError, WebResult, auth, csrf, http, respond, tokens};

/// The confirm button's form: the link's token.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct TokenForm {
    pub token: String,
}

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
    let form: TokenForm = csrf::form(state, request)?;
    let token = Some(&form.token).filter(|t| tokens::is_random_token_shaped(t)).ok_or(Problem::LoginLinkInvalid)?;
    let contact = login::spend_contact_link(state.store.as_ref(), state.stamps(), &tokens::RandomSecrets, token)
        .await
        .map_err(spend_refused)?;
    let mut response = http::see_other(&url::dashboard());
    auth::start_session(state, &mut response, &contact);
    Ok(response)
}

/// What a link that cannot be spent shows.
pub fn spend_refused(error: SpendError) -> WebError {
    match error {
        SpendError::Spent => Problem::LoginLinkSpent.into(),
        SpendError::AccessDisabled => Problem::AccessDisabled.into(),
        SpendError::Write(error) => error.into(),
    }
}
