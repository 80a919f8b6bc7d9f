//! The Lambda path: API Gateway HTTP API (payload 2.0) events fed to a function's
//! handler through `lambda_http`'s own conversion, as `portal_runtime::run_lambda`
//! runs it in AWS, without a Lambda runtime.
//!
//! The local server is not that path: it hands handlers a hyper request with a
//! `ClientIp` extension and real `Cookie` headers, and sends `Set-Cookie` headers
//! back unchanged. In AWS the client address is only in
//! `requestContext.http.sourceIp`, cookies arrive in the event's `cookies` array
//! and must leave in the response's, and form posts arrive base64-encoded. The
//! helpers here reproduce it byte for byte: event JSON → `LambdaRequest` →
//! `lambda_http::Adapter` (request conversion, `IntoResponse`, the payload 2.0
//! response) → the response JSON API Gateway reads.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use lambda_http::http::HeaderMap;
use lambda_http::http::header::SET_COOKIE;
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, Body, Context, LambdaEvent, Request, Response, Service, service_fn};
use portal_dev_server::Handler;
use portal_web::AppState;
use portal_web::routes::Route;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

/// The portal's custom domain in these events: the `Host` API Gateway forwards
/// and the public URL of [`deployed_state`].
pub const CUSTOM_DOMAIN: &str = "portal.example.es";
/// The HTTP API's id in `requestContext`.
pub const API_ID: &str = "abc123def4";
/// The caller's address when a test does not pick one (a documentation range, RFC 5737).
pub const DEFAULT_SOURCE_IP: &str = "198.51.100.10";
/// The browser a fixture claims to be unless a test sets `user-agent`.
pub const BROWSER_USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

/// `state` as a deployed function holds it: the same stores, mailer, clock and
/// keys (sessions and CSRF tokens minted by the app verify here), but served
/// on an https custom domain, so cookies are `__Host-`/`Secure` and CSRF's
/// Origin check sees the public URL, as in AWS.
pub fn deployed_state(state: &AppState) -> Arc<AppState> {
    let mut config = state.config.clone();
    config.public_url = format!("https://{CUSTOM_DOMAIN}");
    config.secure_cookies = true;
    Arc::new(portal_runtime::assemble(
        config,
        state.store.clone(),
        state.mailer.clone(),
        state.blobs.clone(),
        state.clock.clone(),
        state.ids.clone(),
    ))
}

/// The handler the local server mounts for `route` (already wrapped like the
/// function it stands for), so every HTTP function is reachable without a
/// dependency on each function crate.
pub fn handler_for(route: &Route) -> Handler {
    portal_dev_server::mounts()
        .into_iter()
        .find(|(mounted, _)| mounted == route)
        .map(|(_, handler)| handler)
        .unwrap_or_else(|| panic!("no function serves {} {}", route.method, route.path))
}

/// One HTTP API request as API Gateway hands it to Lambda (payload 2.0, the
/// `$default` stage the portal is deployed on). Built as JSON, like the real
/// event: `aws_lambda_events`' types are `non_exhaustive` and cannot be built here.
#[derive(Debug, Clone)]
pub struct V2Event {
    route: Route,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    cookies: Vec<String>,
    body: Option<(Vec<u8>, bool)>,
    source_ip: String,
}

impl V2Event {
    /// A request for `path` (no query) on `route`, whose method and route key it takes.
    pub fn new(route: &Route, path: &str) -> V2Event {
        assert!(route.matches(path).is_some(), "{path} is not a path of {} {}", route.method, route.path);
        V2Event {
            route: route.clone(),
            path: path.to_string(),
            query: String::new(),
            headers: vec![("user-agent".to_string(), BROWSER_USER_AGENT.to_string())],
            cookies: Vec::new(),
            body: None,
            source_ip: DEFAULT_SOURCE_IP.to_string(),
        }
    }

    pub fn route(&self) -> &Route {
        &self.route
    }

    /// The query string as the client sent it (still percent-encoded, no `?`):
    /// API Gateway passes it on raw in `rawQueryString`.
    pub fn query(mut self, raw: &str) -> V2Event {
        self.query = raw.to_string();
        self
    }

    /// Sets a header the client sent (names are lowercased, as API Gateway
    /// forwards them). An `x-forwarded-for` set here is what the client claims:
    /// API Gateway appends the real source address after it.
    pub fn header(mut self, name: &str, value: &str) -> V2Event {
        let name = name.to_ascii_lowercase();
        self.headers.retain(|(existing, _)| *existing != name);
        self.headers.push((name, value.to_string()));
        self
    }

    /// A cookie the browser sends. Payload 2.0 carries cookies in the event's
    /// `cookies` array, never in `headers`.
    pub fn cookie(mut self, name: &str, value: &str) -> V2Event {
        self.cookies.push(format!("{name}={value}"));
        self
    }

    /// The caller's address as API Gateway saw the connection (`requestContext.http.sourceIp`).
    pub fn source_ip(mut self, ip: &str) -> V2Event {
        self.source_ip = ip.to_string();
        self
    }

    /// A urlencoded form post as HTTP APIs deliver it: base64 with
    /// `isBase64Encoded: true` (only text/* and JSON-like bodies arrive as text).
    pub fn form(self, fields: &[(&str, &str)]) -> V2Event {
        let encoded = serde_urlencoded::to_string(fields).expect("a urlencoded form");
        self.header("content-type", "application/x-www-form-urlencoded").body(encoded.into_bytes(), true)
    }

    /// A JSON body, which HTTP APIs deliver as plain text.
    pub fn json(self, body: &str) -> V2Event {
        self.header("content-type", "application/json").body(body.as_bytes().to_vec(), false)
    }

    /// A body as API Gateway forwards it: base64-encoded when `base64`, else as text.
    pub fn body(mut self, bytes: Vec<u8>, base64: bool) -> V2Event {
        self.body = Some((bytes, base64));
        self
    }

    fn header_value(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The event JSON Lambda receives.
    pub fn to_json(&self) -> Value {
        let route_key = format!("{} {}", self.route.method, self.route.path);
        let mut headers = Map::new();
        let forwarded_for = match self.header_value("x-forwarded-for") {
            Some(claimed) => format!("{claimed}, {}", self.source_ip),
            None => self.source_ip.clone(),
        };
        let gateway_headers = [
            ("host", CUSTOM_DOMAIN.to_string()),
            ("x-amzn-trace-id", "Root=1-67d1d5be-0123456789abcdef01234567".to_string()),
            ("x-forwarded-port", "443".to_string()),
            ("x-forwarded-proto", "https".to_string()),
        ];
        for (name, value) in gateway_headers {
            headers.insert(name.to_string(), Value::from(value));
        }
        for (name, value) in &self.headers {
            headers.insert(name.clone(), Value::from(value.as_str()));
        }
        headers.insert("x-forwarded-for".to_string(), Value::from(forwarded_for));
        if let Some((bytes, _)) = &self.body {
            headers.insert("content-length".to_string(), Value::from(bytes.len().to_string()));
        }

        let params = self.route.matches(&self.path).expect("checked when the event was made");
        let path_parameters: Map<String, Value> = self
            .route
            .path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
            .filter_map(|name| Some((name.to_string(), Value::from(params.get(name)?))))
            .collect();

        let mut event = json!({
            "version": "2.0",
            "routeKey": route_key,
            "rawPath": self.path,
            "rawQueryString": self.query,
            "headers": headers,
            "requestContext": {
                "accountId": "123456789012",
                "apiId": API_ID,
                "domainName": CUSTOM_DOMAIN,
                "domainPrefix": CUSTOM_DOMAIN.split('.').next().unwrap_or_default(),
                "http": {
                    "method": self.route.method.as_str(),
                    "path": self.path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": self.source_ip,
                    "userAgent": self.header_value("user-agent").unwrap_or_default(),
                },
                "requestId": "Mq1rTgWJliAEJ4w=",
                "routeKey": route_key,
                "stage": "$default",
                "time": "12/Mar/2026:19:03:58 +0000",
                "timeEpoch": 1_773_342_238_000_i64,
            },
            "isBase64Encoded": self.body.as_ref().is_some_and(|(_, base64)| *base64),
        });
        if !self.cookies.is_empty() {
            event["cookies"] = json!(self.cookies);
        }
        if !path_parameters.is_empty() {
            event["pathParameters"] = Value::Object(path_parameters);
        }
        if let Some((bytes, base64)) = &self.body {
            let body = if *base64 {
                STANDARD.encode(bytes)
            } else {
                String::from_utf8(bytes.clone()).expect("a text body is UTF-8")
            };
            event["body"] = Value::from(body);
        }
        event
    }
}

/// What the function hands back to API Gateway (payload 2.0 response), parsed
/// from the JSON `lambda_http` serializes.
#[derive(Debug, Deserialize)]
pub struct LambdaReply {
    #[serde(rename = "statusCode")]
    pub status: u16,
    /// One value per name: all API Gateway receives.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(rename = "multiValueHeaders", default)]
    pub multi_value_headers: BTreeMap<String, Vec<String>>,
    /// Every `Set-Cookie` the handler added, in order.
    #[serde(default)]
    pub cookies: Vec<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(rename = "isBase64Encoded", default)]
    pub is_base64: bool,
}

impl LambdaReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// The body as the browser gets it (API Gateway decodes a base64 body).
    pub fn text(&self) -> String {
        let body = self.body.as_deref().unwrap_or_default();
        if self.is_base64 {
            String::from_utf8_lossy(&STANDARD.decode(body).expect("a base64 body")).into_owned()
        } else {
            body.to_string()
        }
    }

    /// The value of a hidden input by name.
    pub fn hidden(&self, name: &str) -> String {
        let text = self.text();
        let marker = format!("name=\"{name}\" value=\"");
        let start = text.find(&marker).unwrap_or_else(|| panic!("no field {name} in {text}")) + marker.len();
        text[start..].split('"').next().unwrap_or_default().to_string()
    }

    pub fn csrf(&self) -> String {
        self.hidden("csrf")
    }

    /// The whole `Set-Cookie` value (attributes included) for `name`, if this response sets it.
    pub fn set_cookie(&self, name: &str) -> Option<&str> {
        self.cookies.iter().map(String::as_str).find(|cookie| {
            cookie.split(';').next().and_then(|pair| pair.split_once('=')).is_some_and(|(n, _)| n.trim() == name)
        })
    }

    /// The value a browser stores for `name` from this response.
    pub fn cookie_value(&self, name: &str) -> Option<String> {
        let pair = self.set_cookie(name)?.split(';').next()?;
        pair.split_once('=').map(|(_, value)| value.to_string())
    }
}

/// Runs the function serving `event`'s route exactly as `portal_runtime::run_lambda`
/// runs it under `lambda_http::run`: the event's bytes are deserialized into a
/// `LambdaRequest`, converted and served through `lambda_http::Adapter`, and the
/// response is serialized to the JSON API Gateway reads.
///
/// Also checks what payload 2.0 silently drops: `Set-Cookie` must leave only in
/// `cookies` (all of them, in order), and a header the handler adds twice
/// would reach API Gateway with its first value only.
pub async fn invoke(state: &Arc<AppState>, event: &V2Event) -> LambdaReply {
    let handler = handler_for(&event.route);
    let bytes = serde_json::to_vec(&event.to_json()).expect("event JSON");
    let payload: LambdaRequest = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("lambda_http refused the event ({e}): {}", String::from_utf8_lossy(&bytes)));
    assert!(matches!(payload, LambdaRequest::ApiGatewayV2(_)), "not read as payload 2.0: {payload:?}");

    let handler_headers = Arc::new(Mutex::new(HeaderMap::new()));
    let service = {
        let (state, handler_headers) = (state.clone(), handler_headers.clone());
        service_fn(move |request: Request| {
            let (state, handler_headers) = (state.clone(), handler_headers.clone());
            async move {
                let response = handler(state.as_ref(), request).await;
                *handler_headers.lock().unwrap() = response.headers().clone();
                Ok::<Response<Body>, Infallible>(response)
            }
        })
    };
    let mut adapter: Adapter<'_, Response<Body>, _> = Adapter::from(service);
    std::future::poll_fn(|cx| adapter.poll_ready(cx)).await.expect("the service is ready");
    let invocation = LambdaEvent::new(payload, Context::default());
    let response = adapter.call(invocation).await.expect("the service never fails");
    let json = serde_json::to_vec(&response).expect("the response serializes");
    let reply: LambdaReply = serde_json::from_slice(&json)
        .unwrap_or_else(|e| panic!("not a payload 2.0 response ({e}): {}", String::from_utf8_lossy(&json)));

    let sent = handler_headers.lock().unwrap().clone();
    let set_cookies: Vec<String> =
        sent.get_all(SET_COOKIE).iter().map(|v| v.to_str().expect("an ASCII cookie").to_string()).collect();
    assert_eq!(reply.cookies, set_cookies, "every Set-Cookie leaves in `cookies`, in order");
    assert!(!reply.headers.contains_key("set-cookie"), "Set-Cookie never leaves as a header: {:?}", reply.headers);
    let multi_value_headers = &reply.multi_value_headers;
    assert!(multi_value_headers.is_empty(), "no multiValueHeaders in payload 2.0: {multi_value_headers:?}");
    for name in sent.keys().filter(|name| **name != SET_COOKIE) {
        let values: Vec<_> = sent.get_all(name).iter().collect();
        assert_eq!(values.len(), 1, "{name}: API Gateway would get only the first of {values:?}");
    }
    reply
}
