//! The HTTP layer every portal function shares.
//!
//! A function's handler is `async fn handle(&AppState, Request) -> Response<Body>`.
//! It calls a use-case function returning `Result<Response, WebError>` and hands
//! the result to [`respond::finish`], the one place where errors become pages
//! and every response gets its security headers.

pub mod actions;
pub mod api;
pub mod auth;
pub mod config;
pub mod csrf;
pub mod error;
pub mod http;
pub use portal_domain::i18n;
pub mod notify;
pub mod respond;
pub mod routes;
pub mod shop;
pub mod state;
pub mod tokens;
pub mod views;

pub use error::WebError;
pub use lambda_http::{Body, Request, Response};
pub use state::AppState;

/// The type every use case returns.
pub type WebResult = Result<Response<Body>, WebError>;

/// Runs a handler as a Lambda function: logging set up once, state built once
/// per cold start, then every event served by `handler`.
pub async fn run_lambda<F>(handler: F) -> Result<(), lambda_http::Error>
where
    F: for<'a> AsyncHandler<'a>,
{
    state::init_tracing();
    let state = std::sync::Arc::new(AppState::from_env().await?);
    let handler = std::sync::Arc::new(handler);
    lambda_http::run(lambda_http::service_fn(move |request: Request| {
        let state = state.clone();
        let handler = handler.clone();
        async move { Ok::<_, std::convert::Infallible>(handler.call(&state, request).await) }
    }))
    .await
}

/// A function-crate handler: `async fn handle(&AppState, Request) -> Response<Body>`.
pub trait AsyncHandler<'a>: Send + Sync + 'static {
    type Future: std::future::Future<Output = Response<Body>> + Send + 'a;
    fn call(&self, state: &'a AppState, request: Request) -> Self::Future;
}

impl<'a, F, Fut> AsyncHandler<'a> for F
where
    F: Fn(&'a AppState, Request) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Response<Body>> + Send + 'a,
{
    type Future = Fut;
    fn call(&self, state: &'a AppState, request: Request) -> Fut {
        self(state, request)
    }
}
