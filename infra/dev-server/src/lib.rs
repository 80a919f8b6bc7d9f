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
use portal_web::routes::{self, Function, Route};
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

macro_rules! handler {
    ($crate_name:ident) => {
        (|state, request| Box::pin(serving(stringify!($crate_name), $crate_name::handle(state, request)))) as Handler
    };
}

/// The handler of each function, as its crate exports it.
pub fn handler_of(function: Function) -> Handler {
    match function {
        Function::Login => handler!(portal_login),
        Function::LoginConfirm => handler!(portal_login_confirm),
        Function::Logout => handler!(portal_logout),
        Function::Dashboard => handler!(portal_dashboard),
        Function::DocumentList => handler!(portal_document_list),
        Function::DocumentView => handler!(portal_document_view),
        Function::DocumentPdf => handler!(portal_document_pdf),
        Function::DocumentComment => handler!(portal_document_comment),
        Function::QuoteAnswer => handler!(portal_quote_answer),
        Function::OrderConfirm => handler!(portal_order_confirm),
        Function::DocumentLink => handler!(portal_document_link),
        Function::Catalog => handler!(portal_catalog),
        Function::Cart => handler!(portal_cart),
        Function::OrderPlace => handler!(portal_order_place),
        Function::InvoicePay => handler!(portal_invoice_pay),
        Function::StripeWebhook => handler!(portal_stripe_webhook),
        Function::Staff => handler!(portal_staff),
        Function::StaffApi => handler!(portal_staff_api),
    }
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

/// Every Lambda route and the function handler serving it: the route table,
/// each route on its function.
pub fn mounts() -> Vec<(Route, Handler)> {
    routes::every_route().map(|route| (route.clone(), handler_of(route.function))).collect()
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
    if let Some((_, handler)) = routes::resolve(request.method(), &path)
        .and_then(|(route, _)| mounts.iter().find(|(mounted, _)| mounted == route))
    {
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
