//! The HTTP layer every portal function shares: requests, sessions and link
//! tokens, CSRF, errors and answers, views. No AWS SDK: the backends are
//! built by `portal-runtime`.
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
pub mod shop;
pub mod state;
pub mod tokens;
/// The route table, router and URL builders (`portal-routes`).
pub use portal_routes as routes;
/// Pages and mails (`portal-views`).
pub use portal_views as views;

pub use error::WebError;
pub use lambda_http::{Body, Request, Response};
pub use state::AppState;

/// The type every use case returns.
pub type WebResult = Result<Response<Body>, WebError>;
