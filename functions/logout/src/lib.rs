//! `portal-logout`: ends the session.

use portal_web::routes::url;
use portal_web::{AppState, Body, Request, Response, WebResult, auth, csrf, http, respond};

/// Serves `POST /logout`.
pub async fn handle(state: &AppState, request: Request) -> Response<Body> {
    let result = log_out(state, &request).await;
    respond::finish(state, &request, result)
}

/// Clears the session cookie (CSRF-checked, so no other site can log a contact out).
pub async fn log_out(state: &AppState, request: &Request) -> WebResult {
    let _: csrf::NoFields = csrf::form(state, request)?;
    let mut response = http::see_other(&url::login());
    auth::end_session(state, &mut response);
    Ok(response)
}
