//! Lambda entry point: wiring only.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portal_runtime::run_lambda(portal_catalog::handle).await
}
