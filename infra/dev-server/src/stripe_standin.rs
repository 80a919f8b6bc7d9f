//! A local stand-in for Stripe, so card payments work end to end on the
//! local server without the internet: the portal's real Stripe adapter
//! creates sessions here (`/dev/stripe/v1/checkout/sessions`), the payer sees
//! a checkout page (`/dev/stripe/pay/{id}`), and paying sends a signed
//! `checkout.session.completed` event to the portal's real webhook handler.
//! Local server only; never part of a Lambda function.

use lambda_http::http::{HeaderValue, Method, StatusCode, header};
use lambda_http::{Body, Request, Response};
use maud::html;
use portal_web::config::ExposeSecret;
use portal_web::views::{Frame, layout};
use portal_web::{AppState, http, respond};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

/// Where the stand-in's API lives (the `PORTAL_STRIPE_API_URL` of local runs, after the origin).
pub const API_PREFIX: &str = "/dev/stripe";
const SESSIONS_PATH: &str = "/dev/stripe/v1/checkout/sessions";
const PAY_PREFIX: &str = "/dev/stripe/pay/";
/// The keys local runs use with the stand-in (nothing real).
pub const LOCAL_SECRET_KEY: &str = "sk_local_standin";
pub const LOCAL_WEBHOOK_SECRET: &str = "whsec_local_standin";

#[derive(Clone)]
struct Session {
    id: String,
    invoice: String,
    name: String,
    amount: i64,
    currency: String,
    success_url: String,
    cancel_url: String,
}

#[derive(Default)]
struct Sessions {
    by_id: HashMap<String, Session>,
    by_idempotency_key: HashMap<String, String>,
}

static SESSIONS: LazyLock<Mutex<Sessions>> = LazyLock::new(Mutex::default);

/// Serves the stand-in's paths, or `None` for any other path.
pub async fn serve(state: &AppState, request: &Request) -> Option<Response<Body>> {
    let path = request.uri().path();
    if !path.starts_with(API_PREFIX) || state.config.stripe.is_none() {
        return None;
    }
    Some(match (request.method().clone(), path) {
        (Method::POST, SESSIONS_PATH) => create_session(state, request),
        (Method::GET, p) if p.starts_with(PAY_PREFIX) => checkout_page(&p[PAY_PREFIX.len()..]),
        (Method::POST, p) if p.starts_with(PAY_PREFIX) => pay(state, &p[PAY_PREFIX.len()..]).await,
        _ => respond::not_found(state, request),
    })
}

fn json(status: StatusCode, value: serde_json::Value) -> Response<Body> {
    let mut response = Response::new(Body::Text(value.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn create_session(state: &AppState, request: &Request) -> Response<Body> {
    let expected = state
        .config
        .stripe
        .as_ref()
        .and_then(|s| s.secret_key.as_ref())
        .map(|key| format!("Bearer {}", key.expose_secret()));
    if http::header_str(request, header::AUTHORIZATION).map(str::to_string) != expected {
        return json(StatusCode::UNAUTHORIZED, serde_json::json!({ "error": { "message": "Invalid API key" } }));
    }
    let body: &[u8] = request.body().as_ref();
    let form: HashMap<String, String> = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .map(|pairs| pairs.into_iter().collect())
        .unwrap_or_default();
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let key = http::header_str(request, header::HeaderName::from_static("idempotency-key")).map(str::to_string);
    let mut sessions = SESSIONS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let existing = key.as_ref().and_then(|k| sessions.by_idempotency_key.get(k)).cloned();
    let id = match existing {
        Some(id) => id,
        None => {
            let id = format!("cs_local_{}", state.ids.new_id());
            let session = Session {
                id: id.clone(),
                invoice: field("metadata[invoice]"),
                name: field("line_items[0][price_data][product_data][name]"),
                amount: field("line_items[0][price_data][unit_amount]").parse().unwrap_or(0),
                currency: field("line_items[0][price_data][currency]"),
                success_url: field("success_url"),
                cancel_url: field("cancel_url"),
            };
            sessions.by_id.insert(id.clone(), session);
            if let Some(key) = key {
                sessions.by_idempotency_key.insert(key, id.clone());
            }
            id
        }
    };
    let url = format!("{}{PAY_PREFIX}{id}", state.config.public_url);
    json(StatusCode::OK, serde_json::json!({ "id": id, "object": "checkout.session", "url": url }))
}

fn session(id: &str) -> Option<Session> {
    SESSIONS.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).by_id.get(id).cloned()
}

fn checkout_page(id: &str) -> Response<Body> {
    let Some(session) = session(id) else { return json(StatusCode::NOT_FOUND, serde_json::json!({})) };
    let amount = format!("{}.{:02} {}", session.amount / 100, session.amount % 100, session.currency.to_uppercase());
    let frame = Frame {
        locale: portal_domain::Locale::En,
        settings: None,
        title: "Checkout (local stand-in)",
        nav: None,
        language_switch: None,
    };
    let html = layout(
        frame,
        html! {
            div.narrow {
                h1 { "Checkout (local stand-in for Stripe)" }
                p { (session.name) }
                p.figure { strong { (amount) } }
                form.stack method="post" action=(format!("{PAY_PREFIX}{}", session.id)) {
                    button.button type="submit" { "Pay " (amount) }
                }
                p { a href=(session.cancel_url) { "Cancel and go back" } }
            }
        },
    );
    respond::page(StatusCode::OK, html)
}

/// Pays the session: Stripe's signed event goes to the portal's webhook
/// handler, then the payer returns to the portal.
async fn pay(state: &AppState, id: &str) -> Response<Body> {
    let Some(session) = session(id) else { return json(StatusCode::NOT_FOUND, serde_json::json!({})) };
    let event = serde_json::json!({
        "id": format!("evt_local_{}", state.ids.new_id()),
        "object": "event",
        "type": "checkout.session.completed",
        "data": { "object": {
            "id": session.id,
            "object": "checkout.session",
            "amount_total": session.amount,
            "currency": session.currency,
            "payment_status": "paid",
            "client_reference_id": session.invoice,
            "metadata": { "invoice": session.invoice }
        } }
    })
    .to_string();
    let secret = state
        .config
        .stripe
        .as_ref()
        .and_then(|s| s.webhook_secrets.first())
        .map(|s| s.expose_secret().to_string())
        .unwrap_or_default();
    let signature =
        portal_payments::stripe::signature_header(event.as_bytes(), &secret, state.clock.now().unix_timestamp());
    let mut webhook = lambda_http::http::Request::new(Body::Text(event));
    *webhook.method_mut() = Method::POST;
    *webhook.uri_mut() = portal_web::routes::STRIPE_WEBHOOK.path.parse().expect("webhook path");
    if let Ok(value) = HeaderValue::from_str(&signature) {
        webhook.headers_mut().insert("stripe-signature", value);
    }
    let delivered = portal_stripe_webhook::handle(state, webhook).await;
    tracing::info!(status = %delivered.status(), session = session.id, "stand-in delivered the payment event");
    crate::drain_outbox(state).await;
    http::see_other(&session.success_url)
}
