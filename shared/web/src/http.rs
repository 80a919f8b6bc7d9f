//! Request parsing and response building shared by every handler.

use crate::error::{Problem, WebError};
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use std::collections::HashMap;

/// Form bodies larger than this are refused before parsing.
pub const MAX_FORM_BYTES: usize = 16 * 1024;

/// The client address as the local server saw it (set as a request extension).
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

/// The caller's IP: from the local server's extension, or API Gateway's context.
pub fn client_ip(request: &Request) -> String {
    if let Some(ClientIp(ip)) = request.extensions().get::<ClientIp>() {
        return ip.clone();
    }
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.http.source_ip.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// Query-string parameters (first value wins).
pub fn query(request: &Request) -> HashMap<String, String> {
    let mut map = HashMap::new();
    if let Some(Ok(pairs)) = request.uri().query().map(serde_urlencoded::from_str::<Vec<(String, String)>>) {
        for (k, v) in pairs {
            map.entry(k).or_insert(v);
        }
    }
    map
}

/// A urlencoded form body (first value wins). Wrong content type, oversize or
/// malformed bodies are a 4xx. Handlers read forms through
/// [`crate::csrf::form`], which verifies the CSRF token first.
pub fn form(request: &Request) -> Result<HashMap<String, String>, WebError> {
    let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(WebError::Problem(Problem::UnsupportedForm));
    }
    let bytes: &[u8] = request.body().as_ref();
    if bytes.len() > MAX_FORM_BYTES {
        return Err(WebError::Problem(Problem::FormTooLarge));
    }
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(bytes).map_err(|_| WebError::Problem(Problem::UnsupportedForm))?;
    let mut map = HashMap::new();
    for (k, v) in pairs {
        map.entry(k).or_insert(v);
    }
    Ok(map)
}

/// A cookie's value from the request's `Cookie` headers (the first one of
/// that name; malformed pairs are skipped).
pub fn cookie(request: &Request, name: &str) -> Option<String> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

pub fn header_str(request: &Request, name: header::HeaderName) -> Option<&str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}

/// A `Set-Cookie` value. Cookies are always HttpOnly and SameSite=Lax (Lax so
/// that following an emailed link keeps the session), Secure unless the local
/// server runs on plain HTTP.
pub struct SetCookie<'a> {
    pub name: &'a str,
    pub value: &'a str,
    pub path: &'a str,
    /// `None` for a session cookie; `Some(0)` deletes.
    pub max_age: Option<i64>,
    pub secure: bool,
}

impl SetCookie<'_> {
    pub fn header_value(&self) -> String {
        let mut cookie = cookie::Cookie::build((self.name, self.value))
            .path(self.path)
            .http_only(true)
            .same_site(cookie::SameSite::Lax)
            .secure(self.secure);
        if let Some(age) = self.max_age {
            cookie = cookie.max_age(time::Duration::seconds(age));
        }
        cookie.build().to_string()
    }
}

pub fn add_cookie(response: &mut Response<Body>, cookie: &SetCookie<'_>) {
    if let Ok(value) = HeaderValue::from_str(&cookie.header_value()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// `303 See Other` to a path of this portal.
pub fn see_other(location: &str) -> Response<Body> {
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)], body: &str) -> Request {
        let mut builder = lambda_http::http::Request::builder().uri("https://x.example/p?a=1&b=%C3%B1&a=2");
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(Body::Text(body.to_string())).unwrap()
    }

    #[test]
    fn cookies_queries_and_forms_parse() {
        let r = request(
            &[("cookie", "a=1; portal_csrf=xyz"), ("content-type", "application/x-www-form-urlencoded")],
            "email=ana%40x.es&x=1&x=2",
        );
        assert_eq!(cookie(&r, "portal_csrf").as_deref(), Some("xyz"));
        assert_eq!(cookie(&r, "missing"), None);
        let q = query(&r);
        assert_eq!(q["a"], "1");
        assert_eq!(q["b"], "ñ");
        let f = form(&r).unwrap();
        assert_eq!(f["email"], "ana@x.es");
        assert_eq!(f["x"], "1");
    }

    #[test]
    fn forms_must_be_urlencoded_and_small() {
        let r = request(&[("content-type", "application/json")], "{}");
        assert!(form(&r).is_err());
        let big = "a=".to_string() + &"x".repeat(MAX_FORM_BYTES);
        let r = request(&[("content-type", "application/x-www-form-urlencoded")], &big);
        assert!(matches!(form(&r), Err(WebError::Problem(Problem::FormTooLarge))));
    }

    #[test]
    fn cookies_are_http_only_and_lax() {
        let c = SetCookie { name: "s", value: "v", path: "/", max_age: Some(60), secure: true };
        let written = c.header_value();
        let mut attributes: Vec<&str> = written.split("; ").collect();
        attributes.sort_unstable();
        assert_eq!(attributes, ["HttpOnly", "Max-Age=60", "Path=/", "SameSite=Lax", "Secure", "s=v"]);
        let plain = SetCookie { max_age: None, secure: false, ..c }.header_value();
        assert!(!plain.contains("Secure") && !plain.contains("Max-Age"), "{plain}");
    }

    #[test]
    fn request_cookies_are_read_by_name() {
        let r = request(&[("cookie", "a=1; __Host-s=abc.def=; broken; b=2")], "");
        assert_eq!(cookie(&r, "__Host-s").as_deref(), Some("abc.def="));
        assert_eq!(cookie(&r, "b").as_deref(), Some("2"));
        assert_eq!(cookie(&r, "missing"), None);
    }
}
