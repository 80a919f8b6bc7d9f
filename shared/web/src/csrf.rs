//! CSRF protection for every POST: a random cookie plus a form field holding
//! its HMAC (signed double submit), and an Origin check when the browser sends one.

use crate::error::{Problem, WebError};
use crate::http::{self, SetCookie};
use crate::state::AppState;
use crate::tokens;
use lambda_http::http::header;
use lambda_http::{Body, Request, Response};
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// The form field every POST form carries.
pub const FIELD: &str = portal_views::fields::CSRF;

pub fn cookie_name(state: &AppState) -> &'static str {
    if state.config.secure_cookies { "__Host-portal_csrf" } else { "portal_csrf" }
}

/// The CSRF token for forms on a page, and the cookie to set if the browser has none.
pub struct CsrfContext {
    pub token: String,
    new_cookie: Option<String>,
}

impl CsrfContext {
    /// Adds the CSRF cookie to the response if the browser did not have one.
    pub fn apply(&self, state: &AppState, response: &mut Response<Body>) {
        if let Some(value) = &self.new_cookie {
            let cookie = SetCookie {
                name: cookie_name(state),
                value,
                path: "/",
                max_age: None,
                secure: state.config.secure_cookies,
            };
            http::add_cookie(response, &cookie);
        }
    }
}

pub fn prepare(state: &AppState, request: &Request) -> CsrfContext {
    match http::cookie(request, cookie_name(state)).filter(|v| tokens::is_random_token_shaped(v)) {
        Some(existing) => CsrfContext { token: state.keys.csrf_token(&existing), new_cookie: None },
        None => {
            let fresh = tokens::random_token();
            CsrfContext { token: state.keys.csrf_token(&fresh), new_cookie: Some(fresh) }
        }
    }
}

/// A form posted from one of the portal's pages: the body parsed once (URL
/// encoding, size), its CSRF token verified, its fields read into `T`. The
/// only way a handler reads a form, so no form is read unchecked. Absent
/// fields take `T`'s defaults; fields `T` does not name are ignored.
pub fn form<T: DeserializeOwned>(state: &AppState, request: &Request) -> Result<T, WebError> {
    let fields = http::form(request)?;
    verify(state, request, &fields)?;
    // The fields as parsed above (first value of each name), read into `T`.
    let canonical = serde_urlencoded::to_string(&fields).map_err(|_| Problem::UnsupportedForm)?;
    serde_urlencoded::from_str(&canonical).map_err(|_| Problem::UnsupportedForm.into())
}

/// A form with nothing to read but its CSRF token (log out, re-order).
#[derive(Debug, Default, serde::Deserialize)]
pub struct NoFields {}

/// Refuses the POST unless its form carries the HMAC of the browser's CSRF
/// cookie, the browser does not say it comes from another site
/// (`Sec-Fetch-Site`), and any real `Origin` names this portal. Browsers send
/// `Origin: null` on our own forms because pages use `Referrer-Policy:
/// no-referrer`; that says nothing either way, so the token decides.
fn verify(state: &AppState, request: &Request, form: &HashMap<String, String>) -> Result<(), WebError> {
    if let Some(site) = http::header_str(request, header::HeaderName::from_static("sec-fetch-site"))
        && matches!(site, "cross-site" | "same-site")
    {
        return Err(Problem::CsrfFailed.into());
    }
    if let Some(origin) = http::header_str(request, header::ORIGIN).filter(|origin| *origin != "null") {
        let host = http::header_str(request, header::HOST).unwrap_or_default();
        let same_host = origin.split_once("://").is_some_and(|(_, rest)| !host.is_empty() && rest == host);
        if origin != state.config.public_url && !same_host {
            return Err(Problem::CsrfFailed.into());
        }
    }
    let cookie = http::cookie(request, cookie_name(state)).ok_or(Problem::CsrfFailed)?;
    let submitted = form.get(FIELD).ok_or(Problem::CsrfFailed)?;
    if state.keys.verify_csrf(&cookie, submitted) { Ok(()) } else { Err(Problem::CsrfFailed.into()) }
}
