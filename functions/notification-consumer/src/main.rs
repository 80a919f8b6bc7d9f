//! Lambda entry point: wiring only.

use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use serde_json::Value;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portal_runtime::init_tracing();
    let state = Arc::new(portal_runtime::from_env().await?);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let state = state.clone();
        async move { Ok::<_, std::convert::Infallible>(portal_notification_consumer::handle(&state, event.payload).await) }
    }))
    .await
}
