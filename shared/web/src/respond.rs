//! The one place results become responses: errors are mapped to pages (the
//! user gets a clear message, the log gets the cause) and every response gets
//! the security headers.

use crate::WebResult;
use crate::error::{Problem, WebError};
use crate::http;
use crate::routes::url;
use crate::state::AppState;
use crate::views::{self, Html};
use lambda_http::http::{HeaderName, HeaderValue, StatusCode, header};
use lambda_http::{Body, Request, Response};
use portal_domain::Locale;

/// Content-Security-Policy for pages: nothing but our own inline stylesheet
/// (by hash) and images; no script at all; forms only to ourselves. Images
/// may come over https because product images redirect to presigned URLs of
/// the bucket (pages run no script, so an image cannot carry data out). The
/// pay form redirects to Stripe's hosted checkout, so that origin is a form
/// target too.
fn page_csp(style_hash: &str) -> String {
    format!(
        "default-src 'none'; style-src 'sha256-{style_hash}'; img-src 'self' data: https:; \
         form-action 'self' {STRIPE_CHECKOUT_ORIGIN}; frame-ancestors 'none'; base-uri 'none'"
    )
}

/// Where Stripe hosts its checkout pages.
pub const STRIPE_CHECKOUT_ORIGIN: &str = "https://checkout.stripe.com";

const NON_PAGE_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// An HTML page response.
pub fn page(status: StatusCode, html: Html) -> Response<Body> {
    let mut response = Response::new(Body::Text(html.body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    if let Ok(csp) = HeaderValue::from_str(&page_csp(&html.style_hash)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
}

/// The language for pages shown before we know the contact: `?lang=`, then
/// the browser's first preference, then Spanish.
pub fn request_locale(request: &Request) -> Locale {
    if let Some(locale) = http::query(request).get("lang").and_then(|l| Locale::parse(l)) {
        return locale;
    }
    http::header_str(request, header::ACCEPT_LANGUAGE)
        .and_then(|value| value.split(',').next())
        .and_then(|first| Locale::parse(first.split(';').next().unwrap_or_default()))
        .unwrap_or_default()
}

/// Turns a use case's result into the response, with security headers.
pub fn finish(state: &AppState, request: &Request, result: WebResult) -> Response<Body> {
    let mut response = match result {
        Ok(response) => response,
        Err(WebError::LoginRequired) => http::see_other(&url::login()),
        Err(WebError::StaffLoginRequired { next }) => http::see_other(&url::staff_login_then(&next)),
        Err(WebError::Problem(problem)) => {
            tracing::info!(path = %request.uri().path(), problem = ?problem, "request refused");
            error_page(request, problem.status(), problem.message(request_locale(request)), None)
        }
        Err(WebError::Refused { problem, back }) => {
            tracing::info!(path = %request.uri().path(), problem = ?problem, "action refused");
            error_page(request, problem.status(), problem.message(request_locale(request)), Some(&back))
        }
        Err(WebError::Message { status, message, back }) => {
            tracing::info!(path = %request.uri().path(), status = %status, message = %message, "action refused");
            error_page(request, status, &message, Some(&back))
        }
        Err(WebError::Internal(cause)) => {
            tracing::error!(path = %request.uri().path(), method = %request.method(), cause = %cause, "request failed");
            let message = crate::i18n::texts(request_locale(request)).problem.internal_error;
            error_page(request, StatusCode::INTERNAL_SERVER_ERROR, message, None)
        }
    };
    let _ = state;
    add_security_headers(&mut response);
    response
}

fn error_page(request: &Request, status: StatusCode, message: &str, back: Option<&str>) -> Response<Body> {
    page(status, views::pages::error(request_locale(request), message, back))
}

/// Headers every response carries.
pub fn add_security_headers(response: &mut Response<Body>) {
    let headers = response.headers_mut();
    let fixed: [(HeaderName, &'static str); 6] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::STRICT_TRANSPORT_SECURITY, "max-age=63072000; includeSubDomains"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (HeaderName::from_static("cross-origin-opener-policy"), "same-origin"),
        (HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(), payment=()"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // Pages are private and change with every action: never stored, unless a
    // handler chose a private lifetime on purpose (an image redirect).
    if !headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("private")) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(NON_PAGE_CSP));
    }
}

/// A refused request that never reached a use case (unknown route, wrong method).
pub fn not_found(state: &AppState, request: &Request) -> Response<Body> {
    finish(state, request, Err(Problem::NotFound.into()))
}
