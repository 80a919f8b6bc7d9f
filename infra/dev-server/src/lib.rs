//! The local server: every function's handler mounted on the same method and
//! path as in `template.yaml`, in one process, on loopback, with the embedded
//! backends. Dev-only pages (the mail outbox) live under `/dev/` and exist only
//! here, never in a Lambda function.

pub mod blobs_page;
pub mod demo;
pub mod links_page;
pub mod outbox;
pub mod stripe_standin;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, Response};
use portal_web::http::ClientIp;
use portal_web::routes::{self, Route};
use portal_web::{AppState, respond};
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Bodies above this are refused before a handler runs (API Gateway's own limit is 10 MB;
/// the portal's forms are far smaller).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// A client that has not sent its headers by then is dropped (slow-client protection).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

type HandlerFuture<'a> = Pin<Box<dyn Future<Output = Response<Body>> + Send + 'a>>;
/// A function's handler, as the local server calls it.
pub type Handler = for<'a> fn(&'a AppState, Request) -> HandlerFuture<'a>;

macro_rules! mount {
    ($route:expr, $crate_name:ident) => {
        (
            $route,
            (|state, request| Box::pin(serving(stringify!($crate_name), $crate_name::handle(state, request))))
                as Handler,
        )
    };
}

tokio::task_local! {
    static SERVING: &'static str;
}

/// Runs `work` as the function `crate_name` (e.g. `portal_dashboard`): what
/// [`serving_function`] answers inside it. One process serves every function
/// here; the deploy test uses this to attribute each AWS call to the function
/// that made it, as if each ran alone in Lambda.
pub async fn serving<F: Future>(crate_name: &'static str, work: F) -> F::Output {
    SERVING.scope(crate_name, work).await
}

/// The crate name of the function whose handler the current task runs, if any.
pub fn serving_function() -> Option<&'static str> {
    SERVING.try_with(|name| *name).ok()
}

/// Every Lambda route and the function handler serving it.
pub fn mounts() -> Vec<(Route, Handler)> {
    vec![
        mount!(routes::LOGIN_FORM, portal_login),
        mount!(routes::LOGIN_REQUEST, portal_login),
        mount!(routes::LOGIN_CONFIRM_FORM, portal_login_confirm),
        mount!(routes::LOGIN_CONFIRM, portal_login_confirm),
        mount!(routes::LOGOUT, portal_logout),
        mount!(routes::DASHBOARD, portal_dashboard),
        mount!(routes::DOCUMENT_LIST, portal_document_list),
        mount!(routes::DOCUMENT_VIEW, portal_document_view),
        mount!(routes::DOCUMENT_PDF, portal_document_pdf),
        mount!(routes::DOCUMENT_COMMENT, portal_document_comment),
        mount!(routes::QUOTE_ACCEPT, portal_quote_answer),
        mount!(routes::QUOTE_REJECT, portal_quote_answer),
        mount!(routes::ORDER_CONFIRM, portal_order_confirm),
        mount!(routes::DOCUMENT_LINK, portal_document_link),
        mount!(routes::CATALOG, portal_catalog),
        mount!(routes::PRODUCT_IMAGE, portal_catalog),
        mount!(routes::CART, portal_cart),
        mount!(routes::CART_ADD, portal_cart),
        mount!(routes::CART_UPDATE, portal_cart),
        mount!(routes::REORDER, portal_cart),
        mount!(routes::ORDER_PLACE, portal_order_place),
        mount!(routes::INVOICE_PAY, portal_invoice_pay),
        mount!(routes::STRIPE_WEBHOOK, portal_stripe_webhook),
        mount!(routes::STAFF_LOGIN_FORM, portal_staff),
        mount!(routes::STAFF_LOGIN_REQUEST, portal_staff),
        mount!(routes::STAFF_LOGIN_CONFIRM_FORM, portal_staff),
        mount!(routes::STAFF_LOGIN_CONFIRM, portal_staff),
        mount!(routes::STAFF_LOGOUT, portal_staff),
        mount!(routes::STAFF_HOME, portal_staff),
        mount!(routes::STAFF_DOCUMENT, portal_staff),
        mount!(routes::STAFF_REPLY, portal_staff),
        mount!(routes::STAFF_LINK_ROTATE, portal_staff),
        mount!(routes::STAFF_LINK_EXPIRY, portal_staff),
        mount!(routes::STAFF_TRANSFER, portal_staff),
        mount!(routes::STAFF_ORDER_CONFIRM, portal_staff),
        mount!(routes::API_OPENAPI, portal_staff_api),
        mount!(routes::API_KEYS, portal_staff_api),
        mount!(routes::API_KEY_CREATE, portal_staff_api),
        mount!(routes::API_KEY_REVOKE, portal_staff_api),
        mount!(routes::API_SETTINGS, portal_staff_api),
        mount!(routes::API_SETTINGS_UPDATE, portal_staff_api),
        mount!(routes::API_CONTACT_CREATE, portal_staff_api),
        mount!(routes::API_CONTACT, portal_staff_api),
        mount!(routes::API_CONTACT_UPDATE, portal_staff_api),
        mount!(routes::API_CONTACT_INVITE, portal_staff_api),
        mount!(routes::API_CONTACT_DOCUMENTS, portal_staff_api),
        mount!(routes::API_DOCUMENT_CREATE, portal_staff_api),
        mount!(routes::API_DOCUMENT, portal_staff_api),
        mount!(routes::API_DOCUMENT_UPDATE, portal_staff_api),
        mount!(routes::API_DOCUMENT_VOID, portal_staff_api),
        mount!(routes::API_DOCUMENT_PAYMENTS, portal_staff_api),
        mount!(routes::API_DOCUMENT_PAYMENT_RECORD, portal_staff_api),
        mount!(routes::API_DOCUMENT_ACTIVITY, portal_staff_api),
        mount!(routes::API_DOCUMENT_COMMENTS, portal_staff_api),
        mount!(routes::API_DOCUMENT_REPLY, portal_staff_api),
        mount!(routes::API_DOCUMENT_LINK, portal_staff_api),
        mount!(routes::API_DOCUMENT_LINK_ROTATE, portal_staff_api),
        mount!(routes::API_DOCUMENT_LINK_EXPIRY, portal_staff_api),
        mount!(routes::API_PRODUCT, portal_staff_api),
        mount!(routes::API_PRODUCT_SAVE, portal_staff_api),
        mount!(routes::API_PRICE_LIST, portal_staff_api),
        mount!(routes::API_PRICE_LIST_SAVE, portal_staff_api),
    ]
}

/// Routes the local server adds for developers (not Lambda functions).
pub fn dev_routes() -> Vec<(Method, &'static str)> {
    vec![
        (Method::GET, outbox::LIST_PATH),
        (Method::GET, outbox::MESSAGE_PATH),
        (Method::GET, links_page::PATH),
        (Method::GET, "/dev/blobs/{key+}"),
        (Method::POST, "/dev/stripe/v1/checkout/sessions"),
        (Method::GET, "/dev/stripe/pay/{id}"),
        (Method::POST, "/dev/stripe/pay/{id}"),
    ]
}

/// Dispatches one request: a Lambda route, a dev page, or 404.
pub async fn dispatch(state: &AppState, mounts: &[(Route, Handler)], request: Request) -> Response<Body> {
    let path = request.uri().path().to_string();
    if let Some((_, handler)) = mounts.iter().find(|(route, _)| route.serves(request.method(), &path).is_some()) {
        let writes = request.method() != Method::GET;
        let response = handler(state, request).await;
        if writes {
            // The local stand-in for the table stream's consumer: deliver what
            // the action owed before answering, so mail is there when the page is.
            drain_outbox(state).await;
        }
        return response;
    }
    // Like API Gateway, unknown API paths answer JSON, from the API itself.
    if path.starts_with("/api/") {
        return serving("portal_staff_api", portal_staff_api::handle(state, request)).await;
    }
    if let Some(response) = stripe_standin::serve(state, &request).await {
        return response;
    }
    if request.method() == Method::GET {
        if path == links_page::PATH {
            return links_page::serve(state).await;
        }
        if let Some(response) = blobs_page::serve(state, &request).await {
            return response;
        }
        if let Some(response) = outbox::serve(state, &request).await {
            return response;
        }
    }
    respond::not_found(state, &request)
}

/// Delivers pending notifications, logging (not failing on) a storage fault.
pub async fn drain_outbox(state: &AppState) {
    // In AWS the notification consumer does this work.
    match serving("portal_notification_consumer", portal_web::notify::drain(state)).await {
        Ok(report) if report.failed > 0 => tracing::warn!(?report, "some notifications wait for a retry"),
        Ok(_) => {}
        Err(error) => tracing::error!(cause = %error, "outbox drain failed"),
    }
}

/// How often the local server retries notifications whose send failed.
pub const OUTBOX_RETRY: Duration = Duration::from_secs(5);

async fn to_lambda_request(request: hyper::Request<Incoming>, peer: SocketAddr) -> Result<Request, StatusCode> {
    let (parts, body) = request.into_parts();
    let bytes =
        Limited::new(body, MAX_BODY_BYTES).collect().await.map_err(|_| StatusCode::PAYLOAD_TOO_LARGE)?.to_bytes();
    let body = if bytes.is_empty() {
        Body::Empty
    } else {
        match String::from_utf8(bytes.to_vec()) {
            Ok(text) => Body::Text(text),
            Err(binary) => Body::Binary(binary.into_bytes()),
        }
    };
    let mut request = lambda_http::http::Request::from_parts(parts, body);
    request.extensions_mut().insert(ClientIp(peer.ip().to_string()));
    Ok(request)
}

fn to_hyper_response(response: Response<Body>) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = response.into_parts();
    let bytes = match body {
        Body::Empty => Bytes::new(),
        Body::Text(text) => Bytes::from(text),
        Body::Binary(binary) => Bytes::from(binary),
        _ => Bytes::new(),
    };
    hyper::Response::from_parts(parts, Full::new(bytes))
}

/// Serves connections from `listener` until the task is dropped, retrying
/// undelivered notifications in the background meanwhile.
pub async fn serve(listener: TcpListener, state: Arc<AppState>) {
    let retry_state = state.clone();
    let retries = tokio::spawn(async move {
        let mut tick = tokio::time::interval(OUTBOX_RETRY);
        loop {
            tick.tick().await;
            drain_outbox(&retry_state).await;
        }
    });
    // Stop retrying when the server stops (the task is aborted with it).
    let _stop_retries = AbortOnDrop(retries);
    let mounts: Arc<Vec<(Route, Handler)>> = Arc::new(mounts());
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                tracing::warn!(cause = %error, "accept failed");
                continue;
            }
        };
        let state = state.clone();
        let mounts = mounts.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: hyper::Request<Incoming>| {
                let state = state.clone();
                let mounts = mounts.clone();
                async move {
                    let response = match to_lambda_request(request, peer).await {
                        Ok(request) => dispatch(&state, &mounts, request).await,
                        Err(status) => {
                            let mut response = Response::new(Body::Text("request body too large".into()));
                            *response.status_mut() = status;
                            respond::add_security_headers(&mut response);
                            response
                        }
                    };
                    Ok::<_, std::convert::Infallible>(to_hyper_response(response))
                }
            });
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            if let Err(error) = connection.await {
                tracing::debug!(cause = %error, "connection closed with an error");
            }
        });
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A server running in the background (tests): its address and its task.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub state: Arc<AppState>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningServer {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Binds 127.0.0.1:`port` (0 for any free port) and serves in the background.
pub async fn spawn(listener: TcpListener, state: Arc<AppState>) -> std::io::Result<RunningServer> {
    let addr = listener.local_addr()?;
    let task = tokio::spawn(serve(listener, state.clone()));
    Ok(RunningServer { addr, state, task })
}
